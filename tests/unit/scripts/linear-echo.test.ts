import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lagAt, readRawSession, shifted } from '../../../scripts/loop-session/linear-echo.ts';
import { Resampler } from '../../../src/plugin/audio/dsp/resampler.ts';
import { speechLike } from '../../support/signal.ts';
import { concat } from '../../support/speech.ts';
import { writeWav } from '../../support/wav.ts';

const RATE = 16000;

describe('lagAt', () => {
  it('finds where a copy of the signal sits, later or earlier', () => {
    const a = speechLike(4, 5, 0.3);
    expect(lagAt(a, shifted(a, 777, a.length), RATE, RATE).lag).toBeCloseTo(777, 1);
    expect(lagAt(a, shifted(a, -300, a.length), RATE, RATE).lag).toBeCloseTo(-300, 1);
  });
});

describe('readRawSession', () => {
  it('lines the page’s sound up with the microphone through a clock drift and a jump of the room’s delay', () => {
    const r = new Resampler(16000, 48000);
    const page = concat(r.process(speechLike(12, 4, 0.3)), r.flush());
    // The room: 1000 samples (at 16 kHz) of delay, 1200 from 6 s on, and a clock 100 ppm slow.
    const heard = new Float32Array(page.length);
    for (let i = 0; i < heard.length; i++) {
      const at = i * (1 - 1e-4) - (i < 6 * 48000 ? 3000 : 3600);
      const k = Math.floor(at);
      heard[i] = k >= 0 && k + 1 < page.length ? 0.5 * ((page[k] as number) * (k + 1 - at) + (page[k + 1] as number) * (at - k)) : 0;
    }
    const base = join(mkdtempSync(join(tmpdir(), 'raw-session-')), 's');
    writeWav(`${base}.app.wav`, page, 48000);
    writeWav(`${base}.room.wav`, page, 48000);
    writeWav(`${base}.rawmic.wav`, heard, 48000);
    const raw = readRawSession(base);
    expect(raw.lags.room).toBe(0);
    // Each second's lag is read over that second: at its middle, the page's sample p (at 16 kHz)
    // is heard at p + 1000 (1200 after the jump) + (p + that) × 1e-4.
    const truth = (second: number, delay: number) => delay + ((second + 0.5) * RATE + delay) * 1e-4;
    for (const second of [1, 2, 4]) expect(Math.abs((raw.lags.mic[second] as number) - truth(second, 1000))).toBeLessThan(1);
    for (const second of [7, 9, 10]) expect(Math.abs((raw.lags.mic[second] as number) - truth(second, 1200))).toBeLessThan(1);
  });

  it('says so when the page’s stream was recorded for only part of the session', () => {
    const base = join(mkdtempSync(join(tmpdir(), 'raw-session-')), 's');
    const page = speechLike(4, 4, 0.3);
    writeWav(`${base}.app.wav`, page.subarray(0, RATE), 16000);
    writeWav(`${base}.room.wav`, page, 16000);
    writeWav(`${base}.rawmic.wav`, page, 16000);
    expect(() => readRawSession(base)).toThrow(/1 s against the microphone's 4 s: the page's stream was replaced/);
  });
});
