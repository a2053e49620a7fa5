import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import { openHarness, states, useBrowser, waitFor } from './plugin-page.ts';

const browser = useBrowser({});

/** Loudest 50 ms of the recorded mix over the next `ms`. */
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

describe('onBlur: what a blurred window does to a conversation (Phaser suspends audio on blur by default)', () => {
  it("'continue' (the default): the context never suspends and the NPC stays audible", async () => {
    const page = await openHarness(browser(), { microphone: false }, { longGreeting: true });
    await page.evaluate(() => window.h.talk());
    await waitFor(page, (l) => states(l).includes('speaking'));
    const seen = await page.evaluate(() => window.h.contextStates.length);
    await page.evaluate(() => window.h.blurWindow());
    const loudest = await loudestOver(page, 800);
    const after = await page.evaluate((n) => ({ states: window.h.contextStates.slice(n), now: window.h.contextState() }), seen);
    await page.close();
    expect(after).toEqual({ states: [], now: 'running' });
    expect(loudest).toBeGreaterThan(0.02); // the greeting goes on in the blurred window
  });

  it("'pause': Phaser suspends the context on blur and resumes it on focus", async () => {
    const page = await openHarness(browser(), { microphone: false, onBlur: 'pause' }, { longGreeting: true });
    await page.evaluate(() => window.h.talk());
    await waitFor(page, (l) => states(l).includes('speaking'));
    await page.evaluate(() => window.h.blurWindow());
    await page.waitForTimeout(300);
    const blurred = await page.evaluate(() => window.h.contextState());
    const loudest = await loudestOver(page, 400);
    await page.evaluate(() => window.h.focusWindow());
    await page.waitForTimeout(300);
    const focused = await page.evaluate(() => window.h.contextState());
    await page.close();
    expect(blurred).toBe('suspended');
    expect(loudest).toBe(0); // nothing rendered while suspended
    expect(focused).toBe('running');
  });
});
