import { describe, expect, it } from 'vitest';
import { WaveformMatch } from '../../../../src/plugin/audio/echo/waveform-match.ts';
import { resonance, whiteNoise } from '../../../support/signal.ts';

const noise = whiteNoise;

function feed(w: WaveformMatch, mic: Float32Array, ref: Float32Array): void {
  for (let i = 0; i < mic.length; i += 320) w.push(mic.subarray(i, i + 320), ref.subarray(i, i + 320));
}

describe('WaveformMatch', () => {
  const ref = noise(16000, 1);
  const delayedBy = (d: number, gain: number) => Float32Array.from(ref, (_, i) => (i >= d ? (ref[i - d] as number) * gain : 0));

  it('finds a delayed copy within the searched delays, whatever its level, across the ring’s wrap', () => {
    const w = new WaveformMatch(8000);
    feed(w, delayedBy(1777, 0.01), ref);
    expect(w.correlation(1760, 2400, 160)).toBeGreaterThan(0.99);
    expect(w.correlation(1500, 2400, 160)).toBeLessThan(0.1); // searched the wrong delays
  });

  it('another signal, or a copy buried under one, correlates little', () => {
    const w = new WaveformMatch(8000);
    feed(w, noise(16000, 2), ref);
    expect(w.correlation(1760, 2400, 160)).toBeLessThan(0.1);
    const buried = new WaveformMatch(8000);
    const other = noise(16000, 3);
    const mixed = delayedBy(1777, 0.05).map((v, i) => v + (other[i] as number));
    feed(buried, mixed, ref);
    expect(buried.correlation(1760, 2400, 160)).toBeLessThan(0.15);
  });

  it('says 0 without enough history, or when either side is silent', () => {
    const w = new WaveformMatch(8000);
    feed(w, ref.subarray(0, 1000), ref.subarray(0, 1000));
    expect(w.correlation(1760, 2400, 160)).toBe(0);
    const silent = new WaveformMatch(8000);
    feed(silent, new Float32Array(16000), ref);
    expect(silent.correlation(1760, 2400, 160)).toBe(0);
  });
});

describe('WaveformMatch.copyAtAnyDelay', () => {
  const ref = noise(16000, 5);

  it('finds an older stretch that copies the reference at any delay up to the one searched, either way up', () => {
    const w = new WaveformMatch(14400);
    // The microphone copies the reference 3210 samples late, inverted, from sample 12000 to 12960 only.
    const mic = Float32Array.from(ref, (_, i) =>
      i >= 12000 && i < 12960 ? -0.2 * (ref[i - 3210] as number) : 0.01 * (noise(1, i)[0] as number),
    );
    feed(w, mic, ref);
    const age = 16000 - 12960;
    expect(w.copyAtAnyDelay(age, 960, 8000, 0).correlation).toBeGreaterThan(0.99);
    expect(w.copyAtAnyDelay(age, 960, 3000, 0).correlation).toBeLessThan(0.2); // not searched that far
    expect(w.copyAtAnyDelay(0, 960, 8000, 0).correlation).toBeLessThan(0.2); // the newest stretch is not a copy
    expect(w.copyAtAnyDelay(age, 960, 14000, 0)).toEqual({ correlation: 0, coherence: 0 }); // more history than the ring holds
  });

  it('a copy coloured by a resonance hardly correlates, yet is coherent at its delay; another signal is neither', () => {
    const age = 16000 - 12960;
    const through = resonance(ref, 700, 0.97);
    const coloured = new WaveformMatch(14400);
    feed(
      coloured,
      Float32Array.from(ref, (_, i) => (i >= 12000 && i < 12960 ? 4 * (through[i - 3210] as number) : 0)),
      ref,
    );
    const copy = coloured.copyAtAnyDelay(age, 960, 8000, 0);
    expect(copy.correlation).toBeLessThan(0.38);
    expect(copy.coherence).toBeGreaterThan(0.8);
    const other = new WaveformMatch(14400);
    feed(other, resonance(noise(16000, 9), 700, 0.97), ref);
    const none = other.copyAtAnyDelay(age, 960, 8000, 0);
    expect(none.correlation).toBeLessThan(0.2);
    expect(none.coherence).toBeLessThan(0.35);
  });
});
