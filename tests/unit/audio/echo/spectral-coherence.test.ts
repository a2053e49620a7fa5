import { describe, expect, it } from 'vitest';
import { SpectralCoherence } from '../../../../src/plugin/audio/echo/spectral-coherence.ts';
import { resonance, speechLike, whiteNoise } from '../../../support/signal.ts';

const WINDOW = 960; // what the echo guard checks: 60 ms at 16 kHz

describe('SpectralCoherence', () => {
  const coherence = new SpectralCoherence();

  it('a signal through a steady filter (a resonance, a gain, a few samples late) is coherent with it', () => {
    for (const seed of [1, 2, 3]) {
      const voice = speechLike(1, seed);
      const coloured = resonance(voice, 900, 0.97).map((v) => -3 * v);
      const late = coloured.subarray(5000 - 7, 5000 - 7 + WINDOW);
      expect(coherence.between(late, voice.subarray(5000, 5000 + WINDOW))).toBeGreaterThan(0.9);
    }
  });

  it('unrelated sounds are not: under 0.35 in each of 30 pairs, well below the echo guard’s 0.65', () => {
    let most = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const a = resonance(whiteNoise(WINDOW, seed), 500, 0.9);
      most = Math.max(most, coherence.between(a, whiteNoise(WINDOW, seed + 1000)));
    }
    expect(most).toBeLessThan(0.35);
  });

  it('a copy under another sound as loud scores between', () => {
    const voice = whiteNoise(WINDOW, 7);
    const other = whiteNoise(WINDOW, 8);
    const c = coherence.between(
      voice.map((v, i) => v + (other[i] as number)),
      voice,
    );
    expect(c).toBeGreaterThan(0.35);
    expect(c).toBeLessThan(0.7);
  });

  it('says 0 for silence or for less than one segment', () => {
    const voice = speechLike(1, 4).subarray(0, WINDOW);
    expect(coherence.between(new Float32Array(WINDOW), voice)).toBe(0);
    expect(coherence.between(voice, new Float32Array(WINDOW))).toBe(0);
    expect(coherence.between(voice.subarray(0, 200), voice.subarray(0, 200))).toBe(0);
  });
});
