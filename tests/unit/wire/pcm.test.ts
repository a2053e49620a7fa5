import { describe, expect, it } from 'vitest';
import { NpcVoiceError } from '../../../src/plugin/errors.ts';
import { base64, jsBase64 } from '../../../src/plugin/wire/base64.ts';
import { floatToPcm16Base64, pcm16Base64MaxSamples, pcm16Base64ToFloat } from '../../../src/plugin/wire/pcm.ts';

function allInt16AsFloat(): Float32Array {
  const out = new Float32Array(65536);
  for (let v = -32768; v <= 32767; v++) out[v + 32768] = v < 0 ? v / 32768 : v / 32767;
  return out;
}

function int16s(text: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  return Array.from({ length: bytes.length / 2 }, (_, i) => bytes.readInt16LE(i * 2));
}

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(NpcVoiceError);
    expect((e as NpcVoiceError).code).toBe(code);
    return;
  }
  throw new Error(`expected an error with code ${code}`);
}

describe('pcm16 base64 codec', () => {
  it('encodes exactly like Node Buffer: s16le, standard base64', () => {
    const samples = Float32Array.from([0, 0.5, -0.5, 1, -1, 0.25, -0.000031]);
    const int16 = Int16Array.from([0, 16384, -16384, 32767, -32768, 8192, -1]);
    expect(floatToPcm16Base64(samples)).toBe(Buffer.from(int16.buffer).toString('base64'));
  });

  it('round-trips every 16-bit value bit for bit, both directions', () => {
    const floats = allInt16AsFloat();
    const text = floatToPcm16Base64(floats);
    const back = pcm16Base64ToFloat(text);
    expect(back).toEqual(floats);
    expect(floatToPcm16Base64(back)).toBe(text);
  });

  it('maps the edges ±1 to the Int16 extremes and clamps beyond them; NaN becomes 0', () => {
    const text = floatToPcm16Base64(Float32Array.from([1, -1, 7.5, -3, Number.NaN, Number.POSITIVE_INFINITY]));
    expect(int16s(text)).toEqual([32767, -32768, 32767, -32768, 0, 32767]);
    expect(Array.from(pcm16Base64ToFloat(text).subarray(0, 2))).toEqual([1, -1]);
  });

  it('rounds to the nearest step', () => {
    const text = floatToPcm16Base64(Float32Array.from([0.4 / 32767, 0.6 / 32767, -0.4 / 32768, -0.6 / 32768]));
    expect(int16s(text)).toEqual([0, 1, 0, -1]);
  });

  it('decodes into a caller-owned buffer without allocating a new one', () => {
    const text = floatToPcm16Base64(Float32Array.from([0.1, 0.2, 0.3]));
    const out = new Float32Array(pcm16Base64MaxSamples(text) + 10);
    const view = pcm16Base64ToFloat(text, out);
    expect(view.buffer).toBe(out.buffer);
    expect(view.length).toBe(3);
    expect(view[2]).toBeCloseTo(0.3, 4);
    expectCode(() => pcm16Base64ToFloat(text, new Float32Array(2)), 'invalid-argument');
  });

  it('rejects text that is not base64 with a typed error', () => {
    for (const bad of ['@@@@', 'AAAAA', 'A', 'AA=A', 'AAAA=', 'AB==CD==', 'é€AA', 'AAA-'])
      expectCode(() => pcm16Base64ToFloat(bad), 'invalid-base64');
  });

  it('rejects an odd byte count (half a sample) with a typed error', () => {
    expectCode(() => pcm16Base64ToFloat(Buffer.from([1, 2, 3]).toString('base64')), 'odd-byte-count');
  });

  it('accepts unpadded base64 and ignores whitespace, like atob', () => {
    const padded = Buffer.from(Int16Array.from([1000, -1000]).buffer).toString('base64');
    expect(padded.endsWith('=')).toBe(true);
    const unpadded = padded.replace(/=+$/, '');
    expect(Array.from(pcm16Base64ToFloat(unpadded))).toEqual(Array.from(pcm16Base64ToFloat(padded)));
    expect(Array.from(pcm16Base64ToFloat(` ${padded.slice(0, 4)}\n${padded.slice(4)} `))).toEqual(Array.from(pcm16Base64ToFloat(padded)));
  });
});

describe.each([
  ['platform', base64],
  ['portable js', jsBase64],
])('base64 backend: %s', (_name, codec) => {
  it('matches Node Buffer on random bytes of every length 0..300', () => {
    let seed = 7;
    for (let len = 0; len <= 300; len++) {
      const bytes = new Uint8Array(len);
      for (let i = 0; i < len; i++) {
        seed = (seed * 1664525 + 1013904223) >>> 0;
        bytes[i] = seed >>> 24;
      }
      const text = codec.encode(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      const out = new Uint8Array(codec.maxDecodedLength(text));
      const n = codec.decodeInto(text, out);
      expect(n).toBe(len);
      expect(Buffer.from(out.subarray(0, n)).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('returns -1 for invalid text', () => {
    const out = new Uint8Array(16);
    for (const bad of ['!!!!', 'A', 'AB=C', 'ABC==', 'AB==AB==']) expect(codec.decodeInto(bad, out), bad).toBe(-1);
  });
});
