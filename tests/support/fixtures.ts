import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Resampler } from '../../src/plugin/audio/dsp/resampler.ts';
import { closeSpeech, concat, silence16k, speech16k } from './speech.ts';
import { writeWav } from './wav.ts';

export const FIXTURE_DIR = resolve(import.meta.dirname, '../.fixtures');
/** URL path of the fixture directory on the test server. */
export const FIXTURE_URL = '/tests/.fixtures';
export const FIXTURE_RATE = 48000;

/** 16 kHz samples at 48 kHz (what the fake microphone plays). */
function to48k(samples: Float32Array): Float32Array {
  const r = new Resampler(16000, FIXTURE_RATE);
  const body = r.process(samples);
  return concat(body, r.flush());
}

export interface Fixtures {
  /** 440 Hz sine, amplitude 0.5, 48 kHz, 4 s. */
  tone: string;
  toneFrequency: number;
  /** A spoken English sentence at 48 kHz with 0.5 s of silence before and 1.5 s after. */
  speech: string;
  /** For the plugin test's fake microphone: 4 s of silence (the greeting plays), a question, 3 s of silence. */
  pluginMic: string;
  /** The demo's voice turn: 6 s of silence (the guard's greeting), a question, 4 s of silence. */
  demoMic: string;
  /** The demo's barge-in: the player starts talking 1.5 s into the guard's greeting. */
  demoBargeIn: string;
  /** File names under {@link FIXTURE_URL}, for pages that fetch them. */
  urls: { bargeIn16k: string; question16k: string };
}

/** Writes the WAVs the browser tests use (generated each run with eSpeak NG, never committed). */
export async function makeFixtures(): Promise<Fixtures> {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const tone = new Float32Array(FIXTURE_RATE * 4);
  for (let i = 0; i < tone.length; i++) tone[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / FIXTURE_RATE);
  const tonePath = join(FIXTURE_DIR, 'tone-440.wav');
  writeWav(tonePath, tone, FIXTURE_RATE);

  const speechPath = join(FIXTURE_DIR, 'speech.wav');
  const sentence = await speech16k('Hello there, guard. Could you please open the gate for me?');
  writeWav(speechPath, to48k(concat(silence16k(1.5), sentence, silence16k(1.5))), FIXTURE_RATE);

  const pluginMic = join(FIXTURE_DIR, 'plugin-mic.wav');
  const question = await speech16k('Good evening. May I come in?');
  writeWav(pluginMic, to48k(concat(silence16k(4), question, silence16k(3))), FIXTURE_RATE);
  writeWav(join(FIXTURE_DIR, 'question-16k.wav'), concat(question, silence16k(1.2)), 16000);

  const bargeIn = await speech16k('Wait, stop, I have a question for you.');
  writeWav(join(FIXTURE_DIR, 'barge-in-16k.wav'), concat(bargeIn, silence16k(1.2)), 16000);

  const demoMic = join(FIXTURE_DIR, 'demo-mic.wav');
  writeWav(demoMic, to48k(concat(silence16k(6), await speech16k('Good evening, guard. May I come in?'), silence16k(4))), FIXTURE_RATE);
  const demoBargeIn = join(FIXTURE_DIR, 'demo-barge-in.wav');
  writeWav(demoBargeIn, to48k(concat(silence16k(1.5), bargeIn, silence16k(5))), FIXTURE_RATE);
  await closeSpeech();
  return {
    tone: tonePath,
    toneFrequency: 440,
    speech: speechPath,
    pluginMic,
    demoMic,
    demoBargeIn,
    urls: { bargeIn16k: `${FIXTURE_URL}/barge-in-16k.wav`, question16k: `${FIXTURE_URL}/question-16k.wav` },
  };
}
