import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { encodeWavPcm16, parseWavPcm16 } from '../../src/emulator/tts/wav.ts';

/** Writes mono float samples as a 16-bit PCM WAV (what Chromium's fake microphone reads), making its folder if needed. */
export function writeWav(path: string, samples: Float32Array, sampleRate: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeWavPcm16(samples, sampleRate));
}

/** Reads a 16-bit PCM WAV (mono, or the first channel) as floats. */
export function readWav(path: string): { samples: Float32Array; sampleRate: number } {
  return parseWavPcm16(readFileSync(path));
}

export { parseWavPcm16 as parseWav };
