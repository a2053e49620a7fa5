import { describe, expect, it } from 'vitest';
import { CrossCorrelation } from '../../../../src/plugin/audio/echo/cross-correlation.ts';
import { whiteNoise } from '../../../support/signal.ts';

const noise = whiteNoise;

/** The same search done sample by sample. */
function bruteForce(short: Float32Array, long: Float32Array, least: number): number {
  let e = 0;
  for (const v of short) e += v * v;
  let best = 0;
  for (let x = 0; x + short.length <= long.length; x++) {
    let dot = 0;
    let r = 0;
    for (let k = 0; k < short.length; k++) {
      dot += (short[k] as number) * (long[x + k] as number);
      r += (long[x + k] as number) ** 2;
    }
    if (r < least * short.length || r <= 0) continue;
    best = Math.max(best, Math.abs(dot) / Math.sqrt(e * r));
  }
  return best;
}

describe('CrossCorrelation', () => {
  const long = noise(9000, 1);

  it('finds a copy of a stretch at any offset, either way up, whatever its level', () => {
    const xc = new CrossCorrelation(16384);
    for (const [at, gain] of [
      [0, 1],
      [4321, -0.01],
      [9000 - 960, 3],
    ] as const) {
      const short = long.slice(at, at + 960).map((v) => v * gain);
      expect(xc.search(short, long, 0).correlation).toBeGreaterThan(0.999);
      expect(xc.search(short, long, 0).offset).toBe(at);
    }
  });

  it('says where a copy buried under a louder signal is, and −1 when nothing was searched', () => {
    const xc = new CrossCorrelation(16384);
    const loud = noise(9000, 3);
    const sum = long.map((v, i) => 0.3 * v + (loud[i] as number));
    expect(xc.search(long.slice(2500, 4500), sum, 0).offset).toBe(2500);
    expect(xc.search(new Float32Array(960), long, 0)).toEqual({ correlation: 0, offset: -1 });
  });

  it('agrees with a sample-by-sample search, and another signal correlates little', () => {
    const xc = new CrossCorrelation(16384);
    const other = noise(960, 2);
    const c = xc.search(other, long, 0).correlation;
    expect(c).toBeCloseTo(bruteForce(other, long, 0), 6);
    expect(c).toBeLessThan(0.2);
    // A copy under another signal 10 dB louder: its share of the energy.
    const buried = long.slice(100, 1060).map((v, i) => 0.3 * v + (other[i] as number));
    expect(xc.search(buried, long, 0).correlation).toBeCloseTo(bruteForce(buried, long, 0), 6);
  });

  it('skips stretches fainter than asked; 0 when the short signal is silent or does not fit', () => {
    const xc = new CrossCorrelation(16384);
    const faint = long.map((v, i) => (i < 5000 ? v * 1e-4 : v));
    const short = faint.slice(1000, 1960); // copies a faint stretch
    expect(xc.search(short, faint, 1e-6).correlation).toBeLessThan(0.2);
    expect(xc.search(short, faint, 0).correlation).toBeGreaterThan(0.999);
    expect(xc.search(new Float32Array(960), long, 0).correlation).toBe(0);
    expect(xc.search(short, new Float32Array(500), 0).correlation).toBe(0);
    expect(new CrossCorrelation(4096).search(short, long, 0).correlation).toBe(0); // longer than the transform
  });
});
