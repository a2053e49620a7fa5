import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MicChunk } from '../../../../src/plugin/audio/capture/mic-chunk.ts';
import { EchoGuard } from '../../../../src/plugin/audio/echo/echo-guard.ts';
import { throughRoom, whiteNoise } from '../../../support/signal.ts';
import { closeSpeech, concat, playerSpeech16k, silence16k, speech16k } from '../../../support/speech.ts';

const RATE = 16000;
const CHUNK = 320;
const SECONDS = 40;
/** Where the leak or the player comes, s: the guard has heard 10 s of the game by then. */
const AT = 25;

let voice: Float32Array;
let output: Float32Array;
let room: Float32Array;
let words: Float32Array;

beforeAll(async () => {
  const lines = [
    'Welcome to Oakvale, traveller. The road from the coast is long and the inn is warm.',
    'The miller has not been seen since the storm. Some say he went to the old mill at night.',
  ];
  const parts: Float32Array[] = [];
  for (let i = 0, n = 0; n < SECONDS * RATE; i++) {
    const line = await speech16k(lines[i % lines.length] as string, 'Kore');
    parts.push(line);
    n += line.length;
  }
  voice = concat(...parts).subarray(0, SECONDS * RATE);
  output = voice.map((v, i) => v + 0.02 * Math.sin((2 * Math.PI * 220 * i) / RATE));
  const hiss = whiteNoise(voice.length, 5);
  room = throughRoom(output, { delayMs: 40, rt60: 0.6, drift: 1e-4 }).map((v, i) => v + 3e-4 * (hiss[i] as number));
  words = await playerSpeech16k('Excuse me, I need to tell you something important right now.');
}, 60_000);

afterAll(closeSpeech);

/** Runs a probing guard over the session; returns the times (s) at which it asked her to pause. */
function pauses(mic: Float32Array, raw: Float32Array | null): number[] {
  const guard = new EchoGuard(true, () => {}, { probeMs: 360 });
  const asked: number[] = [];
  let had = false;
  for (let i = 0; i + CHUNK <= mic.length; i += CHUNK) {
    const chunk = new MicChunk(mic.slice(i, i + CHUNK)).measure();
    const rawChunk = raw ? { mic: raw.subarray(i, i + CHUNK), output: output.subarray(i, i + CHUNK) } : null;
    guard.process(chunk, voice.subarray(i, i + CHUNK), () => {}, rawChunk);
    if (guard.playerHasFloor && !had) asked.push(i / RATE);
    had = guard.playerHasFloor;
  }
  return asked;
}

/** What a working canceller leaves of her echo: 60 dB down, and a little hiss. */
function cancelled(): Float32Array {
  const hiss = whiteNoise(room.length, 9);
  return room.map((v, i) => v * 1e-3 + 1e-5 * (hiss[i] as number));
}

describe('EchoGuard with the raw microphone and the game’s output', () => {
  it('her echo leaking through the canceller for a second and a half does not pause her; without the raw track it does', () => {
    const mic = cancelled();
    // The canceller slips: her echo, coloured by the room, comes through 10 dB down.
    for (let i = AT * RATE; i < (AT + 1.5) * RATE; i++) mic[i] = (mic[i] as number) + 0.3 * (room[i] as number);
    expect(pauses(mic, room)).toEqual([]);
    expect(pauses(mic, null).length).toBeGreaterThan(0);
  });

  it('a player the canceller squeezes 50 dB down asks her to pause within 200 ms of their first word; without the raw track, later than 300 ms', () => {
    const theirs = throughRoom(concat(silence16k(AT), words, silence16k(SECONDS)).subarray(0, room.length), { delayMs: 40, rt60: 0.6 });
    const speech = (AT + 0.04) * RATE + words.findIndex((v) => Math.abs(v) > 0.01);
    const mic = cancelled();
    for (let i = 0; i < mic.length; i++) mic[i] = (mic[i] as number) + 0.003 * (theirs[i] as number);
    const raw = room.map((v, i) => v + (theirs[i] as number));
    const heard = pauses(mic, raw).filter((t) => t >= AT);
    expect(heard.length).toBeGreaterThan(0);
    expect(((heard[0] as number) - speech / RATE) * 1000).toBeLessThanOrEqual(200);
    const without = pauses(mic, null).filter((t) => t >= AT);
    expect(((without[0] ?? Number.POSITIVE_INFINITY) - speech / RATE) * 1000).toBeGreaterThan(300);
  });

  it('a player heard at their first syllable in the raw microphone, then under her echo there, asks her to pause within 200 ms: the canceller’s track carries their words on', () => {
    const theirs = throughRoom(concat(silence16k(AT), words, silence16k(SECONDS)).subarray(0, room.length), { delayMs: 40, rt60: 0.6 });
    const speech = (AT + 0.04) * RATE + words.findIndex((v) => Math.abs(v) > 0.01);
    // In the raw microphone their first 40 ms stand out of her echo, 10 dB up; the rest comes 26 dB down, under it.
    const raw = room.map((v, i) => v + (theirs[i] as number) * (i < speech + 0.04 * RATE ? 3 : 0.05));
    // The canceller takes her echo out and passes their words, not loud enough to count double.
    const mic = cancelled().map((v, i) => v + 0.05 * (theirs[i] as number));
    const heard = pauses(mic, raw).filter((t) => t >= AT);
    expect(heard.length).toBeGreaterThan(0);
    expect(((heard[0] as number) - speech / RATE) * 1000).toBeLessThanOrEqual(200);
  });
});
