import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ESpeakNg from 'espeak-ng';
import { Resampler } from '../../src/plugin/audio/resampler.ts';
import { parseWav, writeWav } from './wav.ts';

export const FIXTURE_DIR = resolve(import.meta.dirname, '../.fixtures');
export const FIXTURE_RATE = 48000;

/** Speaks `text` with the espeak-ng WASM build (from npm: no system install needed). */
export async function speak(text: string, voice = 'en-us'): Promise<{ samples: Float32Array; sampleRate: number }> {
  const espeak = await ESpeakNg({ arguments: ['-v', voice, '-w', '/tmp/out.wav', text], print: () => {}, printErr: () => {} });
  return parseWav(Buffer.from(espeak.FS.readFile('/tmp/out.wav')));
}

/** `samples` resampled to `rate` and framed with `leadSec` of silence before and `tailSec` after. */
export function padded(samples: Float32Array, fromRate: number, rate: number, leadSec: number, tailSec: number): Float32Array {
  const r = new Resampler(fromRate, rate);
  const body = r.process(samples);
  const tail = r.flush();
  const out = new Float32Array(Math.round(leadSec * rate) + body.length + tail.length + Math.round(tailSec * rate));
  out.set(body, Math.round(leadSec * rate));
  out.set(tail, Math.round(leadSec * rate) + body.length);
  return out;
}

export interface Fixtures {
  /** 440 Hz sine, amplitude 0.5, 48 kHz, 4 s. */
  tone: string;
  toneFrequency: number;
  /** A spoken English sentence at 48 kHz with 0.5 s of silence before and 1.5 s after. */
  speech: string;
}

/** Writes the fake-microphone WAVs the browser tests use (generated each run, never committed). */
export async function makeFixtures(): Promise<Fixtures> {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const tone = new Float32Array(FIXTURE_RATE * 4);
  for (let i = 0; i < tone.length; i++) tone[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / FIXTURE_RATE);
  const tonePath = join(FIXTURE_DIR, 'tone-440.wav');
  writeWav(tonePath, tone, FIXTURE_RATE);

  const voice = await speak('Hello there, guard. Could you please open the gate for me?');
  const speechPath = join(FIXTURE_DIR, 'speech.wav');
  writeWav(speechPath, padded(voice.samples, voice.sampleRate, FIXTURE_RATE, 0.5, 1.5), FIXTURE_RATE);
  return { tone: tonePath, toneFrequency: 440, speech: speechPath };
}
