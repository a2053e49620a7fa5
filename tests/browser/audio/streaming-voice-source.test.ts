import { afterAll, describe, expect, inject, it } from 'vitest';
import { BROWSERS, browserPool, type TestPage, transportsOf } from '../../support/browsers.ts';
import { alignedCorrelation, indexOfFirstAbove, indexOfLastAbove } from '../../support/signal.ts';

const baseUrl = inject('baseUrl');

// Every browser, on every transport it allows (WebKitGTK has no SharedArrayBuffer: message port only).
const runs = BROWSERS.flatMap((b) => transportsOf(b).map((t) => [b, t] as const));
const pool = browserPool();
afterAll(() => pool.closeAll());

describe.each(runs)('StreamingVoiceSource in %s (%s path)', (browserName, transport) => {
  async function openHarness(t: typeof transport): Promise<TestPage> {
    const browser = await pool.use(browserName);
    const page = await browser.newPage(`${baseUrl}/tests/browser/pages/audio.html${t === 'message' ? '?coi=0' : ''}`);
    await page.waitFor(() => 'harness' in window);
    return page;
  }

  it('plays queued speech back gaplessly with no underrun after the prebuffer', async () => {
    const page = await openHarness(transport);
    // 1.5 s of 24 kHz tone, arriving in 40 ms pieces every 20 ms (faster than real time, like the service).
    const r = await page.evaluate(
      (t) => window.harness.playTone({ transport: t, seconds: 1.5, chunkMs: 40, intervalMs: 20, freq: 300 }),
      transport,
    );
    await page.close();
    expect(r.transport).toBe(transport);
    expect(r.underruns).toBe(0);
    const rate = r.contextRate;
    expect(r.playedFrames).toBeGreaterThanOrEqual(Math.floor(1.5 * rate) - 2);
    const first = indexOfFirstAbove(r.samples, 0.01);
    const last = indexOfLastAbove(r.samples, 0.01);
    expect(first).toBeGreaterThanOrEqual(0);
    const played = r.samples.slice(first, last + 1);
    expect(played.length / rate).toBeCloseTo(1.5, 1);
    // No gap anywhere: every 10 ms window of the utterance is loud.
    const win = Math.round(rate / 100);
    for (let i = 0; i + win <= played.length; i += win) {
      let peak = 0;
      for (let k = i; k < i + win; k++) peak = Math.max(peak, Math.abs(played[k] as number));
      expect(peak, `window at ${(i / rate).toFixed(3)} s`).toBeGreaterThan(0.4);
    }
    const expected = Array.from({ length: played.length }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 300 * i) / rate));
    const { correlation } = alignedCorrelation(played, expected, 20);
    expect(correlation).toBeGreaterThan(0.99);
  });

  it('counts an underrun when starved mid-utterance, plays silence, and recovers', async () => {
    const page = await openHarness(transport);
    const r = await page.evaluate((t) => window.harness.starve({ transport: t }), transport);
    await page.close();
    expect(r.afterStarve).toBe(1);
    expect(r.stateAfterStarve).toBe('buffering');
    expect(r.underrunEvents).toBe(1);
    expect(r.final).toBe(1); // the second piece ends with end(): draining is not an underrun
    expect(r.playedFrames).toBe(Math.round(0.2 * r.rate));
  });

  it('end() after the queue ran dry finishes the utterance: idle and drained, not buffering for ever', async () => {
    const page = await openHarness(transport);
    const r = await page.evaluate((t) => window.harness.endAfterStarve({ transport: t }), transport);
    await page.close();
    expect(r.starved).toBe('buffering');
    expect(r.after).toBe('idle');
    expect(r.drained).toBe(1);
    expect(r.underruns).toBe(1);
    expect(r.buffered).toBe(0);
  });

  it('holds an utterance shorter than the prebuffer until end(), then plays it all', async () => {
    const page = await openHarness(transport);
    const r = await page.evaluate((t) => window.harness.prebuffer({ transport: t }), transport);
    await page.close();
    expect(r.before.state).toBe('buffering');
    expect(r.before.played).toBe(0);
    expect(r.after.state).toBe('idle');
    expect(r.after.played).toBe(Math.round(0.1 * r.rate));
    expect(r.after.underruns).toBe(0);
    expect(r.after.drained).toBe(1);
  });

  // The mark goes to the recorder's port and clear() to the voice's: Chromium does not order
  // messages across two ports, and on the message path the clear sometimes lands a few quanta
  // (once in CI, 200 ms) after the mark. Retried so a real break (every attempt) still fails.
  it('clear() silences within 10 ms, without a click, and later speech still plays', { retry: 4 }, async () => {
    const page = await openHarness(transport);
    const r = await page.evaluate((t) => window.harness.clearMidway({ transport: t }), transport);
    await page.close();
    expect(r.levelWhilePlaying).toBeGreaterThan(0.2);
    expect(r.bufferedAfter).toBe(0);
    expect(r.stateAfter).toBe('idle');
    const clearAt = (r.marks.clear as number) - r.startFrame;
    const lastLoud = indexOfLastAbove(r.samples.slice(0, clearAt + r.rate * 0.2), 1e-4);
    expect(lastLoud - clearAt).toBeLessThanOrEqual(r.rate * 0.01);
    // Click-free: no sample-to-sample step bigger than the tone itself makes (0.5 · 2π · 440 / rate).
    const maxStep = 0.5 * 2 * Math.PI * (440 / r.rate) * 1.2;
    for (let i = Math.max(1, clearAt - 256); i < clearAt + r.rate * 0.02; i++) {
      expect(Math.abs((r.samples[i] as number) - (r.samples[i - 1] as number)), `step at ${i - clearAt}`).toBeLessThan(maxStep);
    }
    // The 0.1 s enqueued after the clear played.
    expect(r.playedAfter).toBeGreaterThan(0);
    const after = indexOfFirstAbove(r.samples, 0.1, clearAt + Math.round(r.rate * 0.2));
    expect(after).toBeGreaterThan(0);
  });

  // Known flake, the same as clear()'s: the pause reaches the voice's port a few quanta (once
  // ~350 ms) after the mark reaches the recorder's. Retried so a real break (every attempt) still fails.
  it('pause() silences within 10 ms and keeps the queue; resume() plays on from the same sample; both without a click', {
    retry: 4,
  }, async () => {
    const page = await openHarness(transport);
    const r = await page.evaluate((t) => window.harness.pauseMidway({ transport: t }), transport);
    await page.close();
    const pauseAt = (r.marks.pause as number) - r.startFrame;
    const resumeAt = (r.marks.resume as number) - r.startFrame;
    expect(resumeAt - pauseAt).toBeGreaterThan(r.rate * 0.3);
    // Silent from the pause until the resume (its mark lands a little after it takes effect), and the queue waited.
    const lastLoud = indexOfLastAbove(r.samples.slice(0, resumeAt - Math.round(r.rate * 0.05)), 1e-4);
    expect(lastLoud - pauseAt).toBeLessThanOrEqual(r.rate * 0.01);
    expect(r.stillPaused).toBe(true);
    expect(r.playedLater).toBe(r.playedPaused);
    expect(r.bufferedPaused).toBeGreaterThan(400);
    expect(r.bufferedLater).toBeCloseTo(r.bufferedPaused, 0);
    // It plays on after the resume, and all of the second of tone is played: nothing was dropped.
    expect(indexOfFirstAbove(r.samples, 0.1, resumeAt - Math.round(r.rate * 0.05))).toBeLessThan(resumeAt + r.rate * 0.02);
    expect(r.playedEnd).toBe(r.rate);
    // Click-free both ways: no step bigger than the tone itself makes.
    const maxStep = 0.5 * 2 * Math.PI * (440 / r.rate) * 1.2;
    for (const at of [pauseAt, resumeAt]) {
      for (let i = Math.max(1, at - Math.round(r.rate * 0.05)); i < at + r.rate * 0.02; i++) {
        expect(Math.abs((r.samples[i] as number) - (r.samples[i - 1] as number)), `step at ${i - at}`).toBeLessThan(maxStep);
      }
    }
    // clear() ends a pause: what is enqueued after it plays.
    expect(r.pausedAfterClear).toBe(false);
    expect(r.playedAfterClear).toBeGreaterThanOrEqual(Math.round(0.2 * r.rate));
  });

  it('destroy() stops the worklet, the pump timer and listeners; enqueue then throws a typed error', async () => {
    const page = await openHarness(transport);
    const r = await page.evaluate((t) => window.harness.destroyVoice({ transport: t }), transport);
    await page.close();
    expect(r.timersWhileOverflowing).toBe(1);
    expect(r.timersAfter).toBe(0);
    expect(r.listeners).toBe(0);
    expect(r.isDestroyed).toBe(true);
    expect(r.threw).toBe('destroyed');
    expect(r.loudAfter).toBe(0);
    expect(r.portHandler).toBe(true);
  });
});
