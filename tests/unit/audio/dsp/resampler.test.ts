import { describe, expect, it } from 'vitest';
import { Resampler } from '../../../../src/plugin/audio/dsp/resampler.ts';
import { NpcVoiceError } from '../../../../src/plugin/errors.ts';
import { rms, toneAmplitude } from '../../../support/signal.ts';

function tone(freq: number, rate: number, seconds: number, amplitude = 1): Float32Array {
  const n = Math.round(rate * seconds);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
}

/** Level of `freq` in the output, in dB relative to a full-scale input tone, skipping edge transients. */
function levelDb(out: Float32Array, freq: number, rate: number): number {
  const skip = 400;
  return 20 * Math.log10(toneAmplitude(out, freq, rate, skip, out.length - skip));
}

describe('Resampler 48k → 16k (the microphone path)', () => {
  it.each(['auto', 'js'] as const)('attenuates a 10 kHz tone (which would alias to 6 kHz) by at least 70 dB (%s)', (implementation) => {
    const out = new Resampler(48000, 16000, { implementation }).process(tone(10000, 48000, 1));
    // Everything that comes out is alias: measure all of it, not just the 6 kHz bin.
    const outputRms = rms(out, 400, out.length - 400);
    expect(20 * Math.log10(Math.SQRT1_2 / outputRms)).toBeGreaterThan(70);
    expect(levelDb(out, 6000, 16000)).toBeLessThan(-70);
  });

  it.each([100, 1000, 3000, 5000, 6500, 7000])('passes %i Hz within ±0.1 dB', (freq) => {
    const out = new Resampler(48000, 16000).process(tone(freq, 48000, 1));
    expect(Math.abs(levelDb(out, freq, 16000))).toBeLessThan(0.1);
  });

  it('attenuates everything from 9 kHz up (the band that would fold onto the passband)', () => {
    for (const freq of [9000, 12000, 15000, 20000, 23000]) {
      const out = new Resampler(48000, 16000).process(tone(freq, 48000, 0.5));
      expect(levelDb(out, 16000 - (freq % 16000), 16000), `${freq} Hz`).toBeLessThan(-70);
    }
  });
});

const RATES = [
  [44100, 16000],
  [48000, 16000],
  [22050, 44100],
  [22050, 48000],
  [24000, 44100],
  [24000, 48000],
  [24000, 16000],
  [44056, 16000], // a ratio with no small rational form takes the interpolated table
] as const;
const CASES = RATES.flatMap(([i, o]) => (['auto', 'js'] as const).map((impl) => [i, o, impl] as const));

describe.each(CASES)('Resampler %i → %i (%s)', (inRate, outRate, implementation) => {
  it('keeps a 1 kHz tone at its level and frequency', () => {
    const out = new Resampler(inRate, outRate, { implementation }).process(tone(1000, inRate, 0.5));
    expect(Math.abs(levelDb(out, 1000, outRate))).toBeLessThan(0.1);
  });

  it('produces the same samples whether fed 1 sample or 4096 at a time', () => {
    const input = tone(1234, inRate, 0.3);
    for (let i = 0; i < input.length; i++) input[i] = (input[i] as number) * 0.7 + 0.3 * Math.sin(i * 0.9);
    const big = new Resampler(inRate, outRate, { implementation });
    const small = new Resampler(inRate, outRate, { implementation });
    const bigOut: number[] = [];
    for (let i = 0; i < input.length; i += 4096) bigOut.push(...big.process(input.subarray(i, i + 4096)));
    const smallOut: number[] = [];
    const buf = new Float32Array(small.maxOutput(1));
    for (let i = 0; i < input.length; i++) {
      const n = small.processInto(input, buf, i, i + 1);
      for (let k = 0; k < n; k++) smallOut.push(buf[k] as number);
    }
    expect(smallOut.length).toBe(bigOut.length);
    expect(smallOut).toEqual(bigOut);
  });

  it('lines output sample n up with input position n · in/out, and flush() delivers the tail (duration kept)', () => {
    const input = tone(300, inRate, 0.2);
    const r = new Resampler(inRate, outRate, { implementation });
    const body = r.process(input);
    const tail = r.flush();
    const all = new Float32Array(body.length + tail.length);
    all.set(body);
    all.set(tail, body.length);
    expect(all.length).toBe(Math.ceil((input.length * outRate) / inRate));
    const expected = tone(300, outRate, all.length / outRate);
    for (let i = 200; i < all.length - 200; i += 37) expect(all[i]).toBeCloseTo(expected[i] as number, 3);
  });
});

describe('Resampler implementations', () => {
  it('runs WebAssembly SIMD where the platform has it (Node 20 does)', () => {
    expect(new Resampler(48000, 16000).implementation).toBe('wasm-simd');
    expect(new Resampler(48000, 16000, { implementation: 'js' }).implementation).toBe('js');
  });

  it.each(RATES.filter(([i]) => i !== 44056))('SIMD and JavaScript agree to float32 rounding, %i → %i', (inRate, outRate) => {
    const input = tone(777, inRate, 0.3);
    const a = new Resampler(inRate, outRate).process(input);
    const b = new Resampler(inRate, outRate, { implementation: 'js' }).process(input);
    expect(a.length).toBe(b.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
    expect(worst).toBeLessThan(1e-5);
  });
});

describe('Resampler edge cases', () => {
  it('processInto allocates nothing in steady state: it reuses its buffers', () => {
    const r = new Resampler(48000, 16000);
    const out = new Float32Array(r.maxOutput(128));
    const quantum = tone(440, 48000, 128 / 48000);
    let total = 0;
    for (let i = 0; i < 3000; i++) total += r.processInto(quantum, out);
    expect(total).toBeGreaterThan(127_000);
    const internal = (r as unknown as { kernel: { hist: Float32Array } }).kernel;
    const before = internal.hist;
    for (let i = 0; i < 100; i++) r.processInto(quantum, out);
    expect(internal.hist).toBe(before);
  });

  it('rejects non-positive or non-finite rates with a typed error', () => {
    expect(() => new Resampler(0, 16000)).toThrow(NpcVoiceError);
    expect(() => new Resampler(48000, Number.NaN)).toThrow(/positive/);
  });

  it('passes the same rate through unchanged in level', () => {
    const out = new Resampler(16000, 16000).process(tone(2000, 16000, 0.2));
    expect(Math.abs(levelDb(out, 2000, 16000))).toBeLessThan(0.01);
  });
});
