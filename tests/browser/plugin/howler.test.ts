import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import { openHarness, states, useBrowser, waitFor } from './plugin-page.ts';

const browser = useBrowser({});

/** A Howl tone far above the NPC voice (24 kHz speech carries nothing past 12 kHz once played). */
const TONE_HZ = 15_000;
const TONE_AMPLITUDE = 0.2;

/** Median level of the Howl tone in the mix recorded over the next `ms`. */
async function toneOver(page: Page, ms: number): Promise<number> {
  const from = await page.evaluate(() => window.h.mark());
  await page.waitForTimeout(ms);
  const levels = await page.evaluate(
    ([hz, f]) => {
      const rate = (window.h.game as { sound: { context: AudioContext } }).sound.context.sampleRate;
      return window.h.toneLevels(hz, f, window.h.recording.length, rate / 100, rate);
    },
    [TONE_HZ, from] as const,
  );
  return [...levels].sort((a, b) => a - b)[Math.floor(levels.length / 2)] as number;
}

/** Loudest 50 ms of the recorded mix over the next `ms` (the NPC voice when nothing else plays). */
async function loudestOver(page: Page, ms: number): Promise<number> {
  const from = await page.evaluate(() => window.h.mark());
  await page.waitForTimeout(ms);
  return page.evaluate((f) => {
    const rate = (window.h.game as { sound: { context: AudioContext } }).sound.context.sampleRate;
    let best = 0;
    for (let i = f; i + rate / 20 <= window.h.recording.length; i += rate / 20) best = Math.max(best, window.h.rms(i, i + rate / 20));
    return best;
  }, from);
}

describe('attachHowler: a game’s Howler sounds in the shared context', () => {
  it('go through Phaser’s master volume and mute, and duck while the NPC speaks', async () => {
    const page = await openHarness(browser(), { microphone: false });
    await page.evaluate(([hz, a]) => window.h.playHowlerTone(hz, a), [TONE_HZ, TONE_AMPLITUDE] as const);
    await page.waitForTimeout(300);
    const full = await toneOver(page, 300);
    expect(full).toBeCloseTo(TONE_AMPLITUDE, 2); // Howler's output reaches the game's mix
    await page.evaluate(() => window.h.setVolume(0.5));
    await page.waitForTimeout(100);
    expect((await toneOver(page, 300)) / full).toBeCloseTo(0.5, 1);
    await page.evaluate(() => window.h.setVolume(1));
    await page.evaluate(() => window.h.setMute(true));
    await page.waitForTimeout(100);
    expect(await toneOver(page, 300)).toBeLessThan(full * 1e-3);
    await page.evaluate(() => window.h.setMute(false));
    await page.waitForTimeout(100);
    expect((await toneOver(page, 200)) / full).toBeGreaterThan(0.95);

    await page.evaluate(() => window.h.talk());
    await waitFor(page, (l) => states(l).includes('speaking'));
    await page.waitForTimeout(400); // four attack time constants into the duck
    const ducked = await toneOver(page, 300);
    await page.close();
    expect(ducked / full).toBeLessThan(0.35); // the default ducking level is 0.3
  });

  it('Howler’s idle auto-suspend cannot suspend the shared context: the conversation stays audible', async () => {
    const page = await openHarness(browser(), { microphone: false });
    await page.evaluate(([hz, a]) => window.h.playHowlerTone(hz, a), [TONE_HZ, TONE_AMPLITUDE] as const);
    await page.evaluate(() => window.h.talk());
    await waitFor(page, (l) => states(l).includes('listening'));
    await page.evaluate(() => window.h.howl?.stop()); // Howler suspends only once none of its sounds plays
    const seen = await page.evaluate(() => window.h.contextStates.length);
    await page.evaluate(() => window.h.howlerIdleSuspend());
    await page.waitForTimeout(300);
    // Never suspended, not even for a moment (the plugin would resume it, but the voice would stall).
    expect(await page.evaluate((n) => window.h.contextStates.slice(n), seen)).toEqual([]);
    expect(await page.evaluate(() => window.h.contextState())).toBe('running');
    await page.evaluate(() => window.h.sendText('Anything new at the gate?'));
    const loudest = await loudestOver(page, 2500);
    await page.close();
    expect(loudest).toBeGreaterThan(0.02);
  });

  // Howler.unload() closes its context and makes itself a new one: attachHowler() keeps it to unloading sounds.
  it('Howler.unload() cannot close the shared context: the conversation stays audible', async () => {
    const page = await openHarness(browser(), { microphone: false });
    await page.evaluate(([hz, a]) => window.h.playHowlerTone(hz, a), [TONE_HZ, TONE_AMPLITUDE] as const);
    await page.evaluate(() => window.h.talk());
    await waitFor(page, (l) => states(l).includes('listening'));
    await page.evaluate(() => window.h.howlerUnload());
    await page.waitForTimeout(300);
    const state = await page.evaluate(() => window.h.contextState());
    await page.evaluate(() => window.h.sendText('Anything new at the gate?'));
    const loudest = await loudestOver(page, 2500);
    await page.close();
    expect(state).toBe('running');
    expect(loudest).toBeGreaterThan(0.02);
  });
});
