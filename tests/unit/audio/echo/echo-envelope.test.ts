import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EchoEnvelope } from '../../../../src/plugin/audio/echo/echo-envelope.ts';
import { throughRoom, whiteNoise } from '../../../support/signal.ts';
import { closeSpeech, concat, playerSpeech16k, silence16k, speech16k } from '../../../support/speech.ts';

const RATE = 16000;
const CHUNK = 320;

/** The game's output: her lines one after another, over a quiet chord (the music), `seconds` long. */
async function gameOutput(seconds: number): Promise<Float32Array> {
  const lines = [
    'Welcome to Oakvale, traveller. The road from the coast is long and the inn is warm.',
    'The miller has not been seen since the storm. Some say he went to the old mill at night.',
    'If you want work, the blacksmith needs iron from the hills. Bring back three loads.',
  ];
  const parts: Float32Array[] = [];
  for (let i = 0, n = 0; n < seconds * RATE; i++) {
    const line = concat(await speech16k(lines[i % lines.length] as string, 'Kore'), silence16k(0.4));
    parts.push(line);
    n += line.length;
  }
  const voice = concat(...parts).subarray(0, seconds * RATE);
  return voice.map((v, i) => v + 0.02 * (Math.sin((2 * Math.PI * 220 * i) / RATE) + Math.sin((2 * Math.PI * 277 * i) / RATE)));
}

/** Brown-ish noise (a fan) at about `db` dBFS. */
function fan(n: number, db: number): Float32Array {
  const white = whiteNoise(n, 11);
  const out = new Float32Array(n);
  let y = 0;
  for (let i = 0; i < n; i++) {
    y = 0.98 * y + 0.02 * (white[i] as number);
    out[i] = y;
  }
  let ms = 0;
  for (const v of out) ms += v * v;
  const gain = 10 ** (db / 20) / Math.sqrt(ms / n);
  return out.map((v) => v * gain);
}

/** Feeds the envelope chunk by chunk; returns, per chunk, whether it held the player. */
function run(envelope: EchoEnvelope, raw: Float32Array, output: Float32Array, from = 0): boolean[] {
  const player: boolean[] = [];
  for (let i = from; i + CHUNK <= raw.length; i += CHUNK) {
    envelope.push(raw.subarray(i, i + CHUNK), output.subarray(i, i + CHUNK));
    player.push(envelope.player);
  }
  return player;
}

/** The most chunks taken for the player in any 400 ms: six there make the guard ask her to pause (its delay line). */
function mostIn400ms(xs: boolean[]): number {
  let most = 0;
  for (let i = 0, n = 0; i < xs.length; i++) {
    n += (xs[i] ? 1 : 0) - (i >= 20 && xs[i - 20] ? 1 : 0);
    most = Math.max(most, n);
  }
  return most;
}

let output: Float32Array;
let room: Float32Array;
let words: Float32Array;
let noise: Float32Array;

beforeAll(async () => {
  output = await gameOutput(60);
  // A living room: 40 ms away, RT60 0.6 s, a fan at −50 dBFS, the microphone's clock 100 ppm
  // off the speakers'.
  noise = fan(output.length, -50);
  room = throughRoom(output, { delayMs: 40, rt60: 0.6, drift: 1e-4 }).map((v, i) => v + (noise[i] as number));
  words = await playerSpeech16k('Excuse me, I need to tell you something important right now.');
}, 60_000);

afterAll(closeSpeech);

describe('EchoEnvelope', () => {
  it('says nothing until it has heard 5 s of the game playing; silence from the game does not count', () => {
    const envelope = new EchoEnvelope(CHUNK);
    const quiet = new Float32Array(20 * RATE);
    run(envelope, fan(quiet.length, -50), quiet);
    expect(envelope.ready).toBe(false);
    const heard = run(envelope, room.subarray(0, 4.5 * RATE), output.subarray(0, 4.5 * RATE));
    expect(envelope.ready).toBe(false);
    expect(heard.some(Boolean)).toBe(false);
    run(envelope, room.subarray(4.5 * RATE, 6 * RATE), output.subarray(4.5 * RATE, 6 * RATE));
    expect(envelope.ready).toBe(true);
  });

  it('told it took her echo for the player (the speakers turned up 10 dB), learns the room again within 2 s; untold, it stays lost', () => {
    const louder = room.map((v, i) => (i < 30 * RATE ? v : v * Math.SQRT2 * Math.sqrt(5)));
    const flaggedAfter = (told: boolean) => {
      const envelope = new EchoEnvelope(CHUNK);
      run(envelope, louder.subarray(0, 31 * RATE), output.subarray(0, 31 * RATE));
      if (told) envelope.relearn();
      return run(envelope, louder.subarray(31 * RATE), output.subarray(31 * RATE)).slice(2 * 50); // from 33 s
    };
    const told = flaggedAfter(true);
    expect(told.filter(Boolean).length / told.length).toBeLessThan(0.02);
    expect(mostIn400ms(told)).toBeLessThan(6);
    const untold = flaggedAfter(false);
    expect(untold.filter(Boolean).length / untold.length).toBeGreaterThan(0.5);
  });

  it('her voice and the music through a reverberant room with a fan and a drifting clock are not the player', () => {
    const envelope = new EchoEnvelope(CHUNK);
    const heard = run(envelope, room, output).slice(500); // from when it is ready
    const flagged = heard.filter(Boolean).length;
    expect(flagged / heard.length, `${flagged} of ${heard.length} chunks`).toBeLessThan(0.01);
    expect(mostIn400ms(heard)).toBeLessThan(6);
  });

  it('follows a glitch that moves the output 100 ms later into the microphone, within three seconds', () => {
    // The same room, but from 30 s on the output reaches the microphone 100 ms later (a busy
    // machine's capture fell behind: seen in a living-busy recording).
    const later = throughRoom(output, { delayMs: 140, rt60: 0.6, drift: 1e-4 });
    const glitched = room.map((v, i) => (i < 30 * RATE ? v : (later[i] as number) + (noise[i] as number)));
    const envelope = new EchoEnvelope(CHUNK);
    const heard = run(envelope, glitched, output);
    const after = heard.slice(1500 + 150); // 3 s after the glitch
    expect(after.filter(Boolean).length / after.length).toBeLessThan(0.01);
    expect(mostIn400ms(after)).toBeLessThan(6);
    // Without following the lag, the model learns only where it already matches, and stays lost.
    expect(heard.slice(1500, 1650).filter(Boolean).length).toBeGreaterThan(0);
  });

  it('hears a player talking over her in the same room at her echo’s level, from their first syllable, and does not learn them', () => {
    const envelope = new EchoEnvelope(CHUNK);
    const onset = 30 * RATE;
    run(envelope, room.subarray(0, onset), output.subarray(0, onset));
    // The player speaks the line three times in a row from the same loudspeaker, at about her echo's level.
    const talk = concat(words, words, words);
    const theirs = throughRoom(concat(new Float32Array(onset), talk), { delayMs: 40, rt60: 0.6 }).subarray(onset);
    const scale = Math.sqrt(
      room.subarray(onset, onset + talk.length).reduce((a, v) => a + v * v, 0) / theirs.reduce((a, v) => a + v * v, 0),
    );
    const mixed = room.subarray(onset, onset + talk.length).map((v, i) => v + (theirs[i] as number) * scale);
    const heard = run(envelope, mixed, output.subarray(onset, onset + talk.length));
    // Their speech starts where the line's first sample above −40 dBFS arrives (40 ms of air).
    const first = Math.floor((words.findIndex((v) => Math.abs(v) > 0.01) + 0.04 * RATE) / CHUNK);
    const heardAt = heard.indexOf(true, first);
    expect(heardAt - first, 'chunks from their first syllable').toBeLessThanOrEqual(3);
    // Voiced chunks of each repeat: the model did not learn them, the last as heard as the first.
    const share = (k: number) => {
      const span = heard.slice(Math.floor((k * words.length) / CHUNK), Math.floor(((k + 1) * words.length) / CHUNK));
      return span.filter(Boolean).length / span.length;
    };
    expect(share(0)).toBeGreaterThan(0.3);
    expect(share(2)).toBeGreaterThan(share(0) * 0.8);
  });
});
