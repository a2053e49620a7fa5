import type { Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import { openHarness, states, useBrowser, waitFor } from './plugin-page.ts';

const browser = useBrowser({});

/** A music tone far above the NPC voice (24 kHz speech carries nothing past 12 kHz once played). */
const MUSIC_HZ = 15_000;
const MUSIC_AMPLITUDE = 0.2;
/** Phaser pans a mono sound to stereo at equal power: each channel carries it at −3 dB. */
const PANNED = Math.SQRT1_2;
/** The default ducking level the plugin documents (DuckingOptions.level). */
const DEFAULT_DUCK_LEVEL = 0.3;

interface Envelope {
  /** Music level per 10 ms window from just before talkTo. */
  levels: number[];
  /** Window indices where the NPC started and stopped speaking (state events, stamped on the audio thread). */
  speaking: number;
  listening: number;
  voiceRms: number;
}

/** Plays music, talks to the guard until the greeting is over and the music had time to come back. */
async function musicThroughGreeting(page: Page): Promise<Envelope> {
  // The ducking stage is in before the music starts, so talkTo never moves a playing sound (a lost render quantum).
  const routedEarly = await page.evaluate(() => {
    const { sound } = window.h.game as { sound: { destination: AudioNode; masterMuteNode: AudioNode } };
    return sound.destination !== sound.masterMuteNode;
  });
  expect(routedEarly).toBe(true);
  await page.evaluate(([hz, a]) => window.h.playMusicTone(hz, a), [MUSIC_HZ, MUSIC_AMPLITUDE] as const);
  await page.waitForTimeout(500);
  const from = await page.evaluate(() => window.h.mark());
  await page.waitForTimeout(300);
  await page.evaluate(() => window.h.talk());
  await waitFor(page, (l) => states(l).includes('speaking'));
  await waitFor(page, (l) => states(l).slice(states(l).indexOf('speaking')).includes('listening'));
  await page.waitForTimeout(1500); // the release ramp (time constant 0.35 s) is back within 1 %
  return page.evaluate(
    ([hz, start]) => {
      const h = window.h;
      const rate = (h.game as { sound: { context: AudioContext } }).sound.context.sampleRate;
      const win = rate / 100;
      const levels = h.toneLevels(hz, start, h.recording.length, win, rate);
      const at = (mark: string) => Math.floor(((h.marks[mark] as number) - start) / win);
      let voice = 0;
      for (let i = h.marks.speaking as number; i + win <= (h.marks.listening as number); i += win)
        voice = Math.max(voice, h.rms(i, i + win));
      return { levels, speaking: at('speaking'), listening: at('listening'), voiceRms: voice };
    },
    [MUSIC_HZ, from] as const,
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

describe('music ducking while an NPC speaks (Phaser sounds through the plugin’s mixer)', () => {
  it('ducks the music by the default depth with ramps down and back up, never a step', async () => {
    const page = await openHarness(browser(), { microphone: false });
    const e = await musicThroughGreeting(page);
    await page.close();
    const baseline = median(e.levels.slice(0, 25)); // 250 ms of music before talkTo
    expect(baseline).toBeCloseTo(MUSIC_AMPLITUDE * PANNED, 2);
    expect(e.voiceRms).toBeGreaterThan(0.02); // the greeting was heard
    expect(e.listening - e.speaking).toBeGreaterThan(50); // and lasted over half a second
    // The level it holds while she speaks: the median window, which one dropped-out window on a busy machine cannot move.
    const held = median(e.levels.slice(e.speaking, e.listening));
    expect(held / baseline).toBeLessThan(DEFAULT_DUCK_LEVEL + 0.05);
    expect(held / baseline).toBeGreaterThan(DEFAULT_DUCK_LEVEL - 0.05);
    expect(median(e.levels.slice(-20)) / baseline).toBeGreaterThan(0.95); // back up after the NPC stopped
    // A ramp: the 80 ms attack moves at most 0.7 × (1 − e^(−10/80)) ≈ 8 % of the level per 10 ms;
    // a step (the whole 70 % at once, or split over two windows) would be 35–70 %.
    let jump = 0;
    for (let i = 1; i < e.levels.length; i++) jump = Math.max(jump, Math.abs((e.levels[i] as number) - (e.levels[i - 1] as number)));
    expect(jump / baseline).toBeLessThan(0.15);
    // The dip is while the NPC speaks, not before it (allowing 100 ms of lead for buffered voice).
    expect(Math.min(...e.levels.slice(0, Math.max(1, e.speaking - 10))) / baseline).toBeGreaterThan(0.9);
  });

  it('with ducking: false the music stays at its level while the NPC speaks', async () => {
    const page = await openHarness(browser(), { microphone: false, ducking: false });
    const e = await musicThroughGreeting(page);
    await page.close();
    const baseline = median(e.levels.slice(0, 25));
    expect(baseline).toBeCloseTo(MUSIC_AMPLITUDE * PANNED, 2);
    expect(e.voiceRms).toBeGreaterThan(0.02);
    // Ducking would hold the whole line down; one window may dip with an audio glitch on a busy machine.
    const during = [...e.levels.slice(e.speaking, e.listening)].sort((x, y) => x - y);
    expect((during[Math.floor(during.length * 0.05)] as number) / baseline).toBeGreaterThan(0.95);
  });
});
