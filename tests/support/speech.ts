import { TextToSpeech } from '../../src/emulator/tts/text-to-speech.ts';
import { espeakArgs } from '../../src/emulator/tts/voices.ts';
import { Resampler } from '../../src/plugin/audio/resampler.ts';

let tts: TextToSpeech | null = null;
const cache = new Map<string, Float32Array>();

/** `text` spoken by eSpeak NG (the emulator's own engine, another voice), as 16 kHz floats. */
export async function speech16k(text: string): Promise<Float32Array> {
  const hit = cache.get(text);
  if (hit) return hit;
  tts ??= new TextToSpeech();
  const { pcm } = await tts.synthesize(text, espeakArgs('Charon', 'en-US'));
  const floats = Float32Array.from(pcm, (v) => v / 32768);
  const out = new Resampler(24000, 16000).process(floats);
  cache.set(text, out);
  return out;
}

/** Stops the speech worker (call in afterAll). */
export async function closeSpeech(): Promise<void> {
  await tts?.close();
  tts = null;
}

/** `seconds` of digital silence at 16 kHz. */
export function silence16k(seconds: number): Float32Array {
  return new Float32Array(Math.round(seconds * 16000));
}

/** Concatenates sample arrays. */
export function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
