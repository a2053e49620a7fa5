import { TextToSpeech } from '../../src/emulator/tts/text-to-speech.ts';
import { espeakArgs } from '../../src/emulator/tts/voices.ts';
import { Resampler } from '../../src/plugin/audio/dsp/resampler.ts';
import type { PrebuiltVoice } from '../../src/plugin/wire/voices.ts';

let tts: TextToSpeech | null = null;
const cache = new Map<string, Float32Array>();

/** `text` spoken by eSpeak NG (the emulator's own engine; by default not an NPC's voice), as 16 kHz floats. */
export async function speech16k(text: string, voice: PrebuiltVoice = 'Charon'): Promise<Float32Array> {
  const key = `${voice}:${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  tts ??= new TextToSpeech();
  const { pcm } = await tts.synthesize(text, espeakArgs(voice, 'en-US'));
  const floats = Float32Array.from(pcm, (v) => v / 32768);
  const out = new Resampler(24000, 16000).process(floats);
  cache.set(key, out);
  return out;
}

/**
 * `text` spoken by "the player": a person, not an NPC. eSpeak renders every voice with the same
 * pitch contours, so two of its voices saying the same sound can match sample for sample, which
 * a person never does with the NPC; the player's speech is therefore raised 6 % in pitch and
 * formants (resampled as if recorded at 17 kHz), like a different speaker.
 */
export async function playerSpeech16k(text: string): Promise<Float32Array> {
  const key = `player:${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const out = new Resampler(17000, 16000).process(await speech16k(text));
  cache.set(key, out);
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
