import { base64 } from './base64.js';
import { WireFormatError } from './wire-format-error.js';

/**
 * The Live API's audio format: signed 16-bit little-endian mono PCM, base64 in JSON.
 * Float samples map as Int16 / 32768 below zero and Int16 / 32767 above, so −1 and +1 are exact
 * and every Int16 survives a round trip bit for bit. Little-endian is written byte by byte, so
 * the host's endianness never matters.
 */

let bytes = new Uint8Array(4096);
let bytesView: Uint8Array | null = null; // cached view of the last encoded length (steady state: one size)

function scratch(size: number): Uint8Array {
  if (bytes.length < size) {
    bytes = new Uint8Array(size * 2);
    bytesView = null;
  }
  return bytes;
}

/**
 * Converts float samples (clamped to [−1, 1]; NaN becomes 0) to base64 s16le — the `data` of a
 * `realtimeInput.audio` message.
 *
 * @example
 * ```ts
 * session.sendAudioRealtime({ mimeType: 'audio/pcm;rate=16000', data: floatToPcm16Base64(chunk) });
 * ```
 */
export function floatToPcm16Base64(samples: Float32Array, start = 0, end = samples.length): string {
  const count = end - start;
  const out = scratch(count * 2);
  let o = 0;
  for (let i = start; i < end; i++) {
    const s = samples[i] as number;
    let v: number;
    if (s >= 1) v = 32767;
    else if (s <= -1) v = -32768;
    else if (s >= 0) v = (s * 32767 + 0.5) | 0;
    else if (s < 0) v = (s * 32768 - 0.5) | 0;
    else v = 0; // NaN
    out[o++] = v & 0xff;
    out[o++] = (v >> 8) & 0xff;
  }
  if (bytesView === null || bytesView.length !== o) bytesView = out.subarray(0, o);
  return base64.encode(bytesView);
}

/**
 * Decodes base64 s16le to float samples. With `out`, the samples are written to its start and a
 * view of `out` is returned (nothing else allocated); without, a new array.
 *
 * @throws {@link WireFormatError} `invalid-base64` when the text is not base64, `odd-byte-count`
 * when it does not hold whole 16-bit samples, `invalid-argument` when `out` is too small.
 *
 * @example
 * ```ts
 * const speech = pcm16Base64ToFloat(part.inlineData.data); // 24 kHz floats for the voice source
 * ```
 */
export function pcm16Base64ToFloat(data: string, out?: Float32Array): Float32Array {
  const buf = scratch(base64.maxDecodedLength(data));
  const n = base64.decodeInto(data, buf);
  if (n < 0) {
    throw new WireFormatError(
      'invalid-base64',
      `Audio data is not valid base64 (${data.length} characters starting "${data.slice(0, 16)}").`,
    );
  }
  if (n % 2 !== 0) {
    throw new WireFormatError('odd-byte-count', `Audio data holds ${n} bytes; 16-bit PCM needs an even count.`);
  }
  const count = n / 2;
  if (out && out.length < count) {
    throw new WireFormatError('invalid-argument', `Output holds ${out.length} samples; the audio has ${count}.`);
  }
  const target = out ?? new Float32Array(count);
  for (let i = 0, b = 0; i < count; i++, b += 2) {
    const v = (((buf[b + 1] as number) << 24) | ((buf[b] as number) << 16)) >> 16;
    target[i] = v < 0 ? v * (1 / 32768) : v * (1 / 32767);
  }
  return out ? (count === out.length ? out : out.subarray(0, count)) : target;
}

/** Samples a base64 s16le string holds at most (for sizing a reusable `out`). */
export function pcm16Base64MaxSamples(data: string): number {
  return Math.floor(base64.maxDecodedLength(data) / 2);
}
