import { describe, expect, it } from 'vitest';
import { emulatorStats, fixtures, openHarness, useBrowser } from './plugin-page.ts';

// The fake microphone plays the plugin fixture (speech between silences) once, then silence: the
// audio the emulator counts is the microphone's, whatever it holds.
const browser = useBrowser({ microphoneWav: fixtures.pluginMic, noLoop: true });

describe('a hidden tab (Phaser pauses its frame loop, which pumps the microphone)', () => {
  it('sends the stream end when hidden, and on return sends from now: no burst of the audio recorded while hidden', async () => {
    // Echo handling off: every microphone chunk goes to the service, so audio sent tracks wall time.
    const page = await openHarness(browser(), { echo: 'off', greet: false });
    await page.evaluate(() => window.h.talk());
    await page.waitForTimeout(1500);
    const visible = await emulatorStats();
    await page.evaluate(() => window.h.setHidden(true));
    await page.waitForTimeout(800); // shorter than the microphone's 1 s ring: the backlog is all there
    const hidden = await emulatorStats();
    await page.evaluate(() => window.h.setHidden(false));
    const backAt = Date.now();
    // Audio received since coming back, against the time since, every 50 ms for 1.5 s.
    let worstAhead = Number.NEGATIVE_INFINITY;
    let received = 0;
    while (Date.now() - backAt < 1500) {
      await new Promise((r) => setTimeout(r, 50));
      const s = await emulatorStats();
      received = s.audioSeconds - hidden.audioSeconds;
      worstAhead = Math.max(worstAhead, received - (Date.now() - backAt) / 1000);
    }
    await page.close();
    expect(hidden.audioStreamEnds - visible.audioStreamEnds).toBe(1);
    expect(received).toBeGreaterThan(1.0); // the microphone is sent again…
    expect(worstAhead).toBeLessThan(0.15); // …never more than the time since coming back (the 0.8 s backlog is dropped)
  });
});
