import { describe, expect, it } from 'vitest';
import { placeVoice, resolveSpatial } from '../../../../src/plugin/audio/mix/spatial.ts';

describe('placeVoice (the per-frame form of spatialize)', () => {
  it('writes pan and gain into the object it is given and returns that object', () => {
    const out = { pan: 0, gain: 1 };
    const placed = placeVoice(-200, 180, resolveSpatial(), out);
    expect(placed).toBe(out);
    // d = 269.07 → 120 / (120 + 149.07) = 0.44598; pan = −200 / 400 · 0.8 = −0.4.
    expect(out.gain).toBeCloseTo(0.44598, 4);
    expect(out.pan).toBeCloseTo(-0.4, 5);
  });

  it('uses the options resolved once, defaults filled in', () => {
    const options = resolveSpatial({ refDistance: 300 });
    expect(options).toEqual({ refDistance: 300, maxDistance: 900, rolloff: 1, panWidth: 400, panAmount: 0.8 });
    expect(placeVoice(0, 600, options, { pan: 0, gain: 0 }).gain).toBeCloseTo(0.5, 5);
  });
});
