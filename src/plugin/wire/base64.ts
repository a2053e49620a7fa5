/**
 * Base64 (RFC 4648, standard alphabet) for the PCM codec, with three backends picked once:
 * the platform's `Uint8Array.prototype.toBase64` / `setFromBase64` (Chromium 140+, Firefox 133+,
 * Safari 18.2+), Node's `Buffer`, or the table-driven code below for everything else.
 * All three accept and produce the same text; tests hold each to Node's Buffer.
 */

/** Encodes/decodes bytes. `decodeInto` returns the byte count, or -1 when the text is not base64. */
export interface Base64Codec {
  readonly name: 'native' | 'buffer' | 'js';
  encode(bytes: Uint8Array): string;
  decodeInto(text: string, out: Uint8Array): number;
  /** Upper bound of the decoded size, for sizing `out`. */
  maxDecodedLength(text: string): number;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ENCODE = new Uint8Array(64);
const DECODE = new Int16Array(256).fill(-1); // -1 invalid, -2 ASCII whitespace (skipped, like atob)
for (let i = 0; i < 64; i++) {
  ENCODE[i] = ALPHABET.charCodeAt(i);
  DECODE[ALPHABET.charCodeAt(i)] = i;
}
for (const ws of [0x09, 0x0a, 0x0c, 0x0d, 0x20]) DECODE[ws] = -2;
const PAD = 0x3d; // '='

const maxDecodedLength = (text: string): number => Math.ceil(text.length / 4) * 3;

let chars = new Uint8Array(1024);
const ascii = new TextDecoder('latin1');

/** The portable backend: lookup tables, no allocation besides the result string. */
export const jsBase64: Base64Codec = {
  name: 'js',
  maxDecodedLength,
  encode(bytes) {
    const n = bytes.length;
    const needed = Math.ceil(n / 3) * 4;
    if (chars.length < needed) chars = new Uint8Array(needed * 2);
    const c = chars;
    let o = 0;
    let i = 0;
    for (; i + 2 < n; i += 3) {
      const v = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
      c[o++] = ENCODE[v >>> 18] as number;
      c[o++] = ENCODE[(v >>> 12) & 63] as number;
      c[o++] = ENCODE[(v >>> 6) & 63] as number;
      c[o++] = ENCODE[v & 63] as number;
    }
    if (i < n) {
      const b0 = bytes[i] as number;
      const b1 = i + 1 < n ? (bytes[i + 1] as number) : 0;
      const v = (b0 << 16) | (b1 << 8);
      c[o++] = ENCODE[v >>> 18] as number;
      c[o++] = ENCODE[(v >>> 12) & 63] as number;
      c[o++] = i + 1 < n ? (ENCODE[(v >>> 6) & 63] as number) : PAD;
      c[o++] = PAD;
    }
    return ascii.decode(c.subarray(0, o));
  },
  decodeInto(text, out) {
    let acc = 0; // only the low `bits` bits matter; older bits shift out of the 32-bit int
    let bits = 0;
    let o = 0;
    let pad = 0;
    let symbols = 0;
    const len = text.length;
    for (let i = 0; i < len; i++) {
      const code = text.charCodeAt(i);
      const v = code < 256 ? (DECODE[code] as number) : -1;
      if (v >= 0) {
        if (pad > 0) return -1; // data after padding
        acc = (acc << 6) | v;
        bits += 6;
        symbols++;
        if (bits >= 8) {
          bits -= 8;
          if (o >= out.length) return -1;
          out[o++] = (acc >>> bits) & 0xff;
        }
      } else if (code === PAD) {
        pad++;
      } else if (v !== -2) {
        return -1;
      }
    }
    const rem = symbols % 4;
    if (rem === 1 || pad > 2) return -1;
    if (pad > 0 && (symbols + pad) % 4 !== 0) return -1;
    return o;
  },
};

interface NativeBase64Uint8Array extends Uint8Array {
  toBase64(): string;
  setFromBase64(text: string): { read: number; written: number };
}

function nativeCodec(): Base64Codec | null {
  const proto = Uint8Array.prototype as Partial<NativeBase64Uint8Array>;
  if (typeof proto.toBase64 !== 'function' || typeof proto.setFromBase64 !== 'function') return null;
  return {
    name: 'native',
    maxDecodedLength,
    encode: (bytes) => (bytes as NativeBase64Uint8Array).toBase64(),
    decodeInto(text, out) {
      try {
        const { read, written } = (out as NativeBase64Uint8Array).setFromBase64(text);
        return read === text.length ? written : -1;
      } catch {
        return -1;
      }
    },
  };
}

interface NodeBufferLike {
  from(data: ArrayBufferLike, offset: number, length: number): { toString(encoding: 'base64'): string };
}

function bufferCodec(): Base64Codec | null {
  const NodeBuffer = (globalThis as { Buffer?: NodeBufferLike }).Buffer;
  if (!NodeBuffer) return null;
  return {
    name: 'buffer',
    maxDecodedLength,
    encode: (bytes) => NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64'),
    // Buffer's decoder silently skips invalid characters, so decoding stays on the strict path.
    decodeInto: jsBase64.decodeInto,
  };
}

/** The fastest backend this platform has. */
export const base64: Base64Codec = nativeCodec() ?? bufferCodec() ?? jsBase64;
