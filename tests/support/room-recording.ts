import { Resampler } from '../../src/plugin/audio/dsp/resampler.ts';
import { CrossCorrelation } from '../../src/plugin/audio/echo/cross-correlation.ts';
import { concat } from './speech.ts';

/** 10 ms RMS envelope. */
export function envelope(x: Float32Array, rate: number): number[] {
  const per = Math.round(rate / 100);
  const out: number[] = [];
  for (let i = 0; i + per <= x.length; i += per) {
    let s = 0;
    for (let k = i; k < i + per; k++) s += (x[k] as number) ** 2;
    out.push(Math.sqrt(s / per));
  }
  return out;
}

/** A voice is on above −40 dBFS (10 ms RMS). */
const LOUD = 10 ** (-40 / 20);

/**
 * Aligns `b` to `a` (10 ms envelopes): the lag, within ±`maxLag` frames, where they correlate best,
 * so that `a[i]` goes with `b[i - lag]`.
 */
function bestLag(a: number[], b: number[], maxLag: number): number {
  let lag = 0;
  let best = Number.NEGATIVE_INFINITY;
  for (let l = -maxLag; l <= maxLag; l++) {
    let s = 0;
    for (let i = 0; i < b.length; i++) s += (b[i] as number) * ((a[i + l] as number | undefined) ?? 0);
    if (s > best) {
      best = s;
      lag = l;
    }
  }
  return lag;
}

/**
 * The NPC's voice on the room recording's timeline, as a 10 ms envelope at the level it has there:
 * from the recordings of the room (NPC, music and player at the speakers) and of the browser's
 * stream alone (NPC and music), started together, and the page's own tap of her voice (started a
 * few ms apart). The browser's stream carries the music too, so it cannot tell when she falls
 * silent; the tap, aligned to it, can.
 */
export function npcInRoom(room: Float32Array, app: Float32Array, rate: number, voice: number[]): number[] {
  const roomEnv = envelope(room, rate);
  const appEnv = envelope(app, rate);
  // The two recorders start a few ms apart.
  const appLag = bestLag(roomEnv, appEnv, 20);
  // The browser plays below full volume into the room: the player only adds, so a low percentile
  // of room / app over its loud frames is its level there.
  const ratios: number[] = [];
  for (let i = 0; i < appEnv.length; i++) {
    const r = roomEnv[i + appLag];
    if ((appEnv[i] as number) > LOUD && r !== undefined) ratios.push(r / (appEnv[i] as number));
  }
  ratios.sort((a, b) => a - b);
  const gain = ratios.length ? (ratios[Math.floor(ratios.length * 0.25)] as number) : 1;
  const voiceLag = bestLag(appEnv, voice, 50);
  return roomEnv.map((_, i) => gain * ((voice[i - appLag - voiceLag] as number | undefined) ?? 0));
}

/**
 * Where the player's line is on the room recording's timeline (both at `rate`): the 10 ms frames
 * where its speech starts and ends. The room recording is the speakers' mix, so it holds the
 * player's waveform exactly, under her voice and the music; its speech is found there by
 * correlation (at 16 kHz), and the onset and end are the line's own, read on the line alone. Her
 * voice over the player's first syllable does not move them, as it would an onset read on the
 * room's level less hers. Under a louder voice the correlation is low (her share of the energy),
 * so what proves the place is that the two halves of its speech, searched apart, land one after
 * the other.
 */
export function playerInRoom(room: Float32Array, line: Float32Array, rate: number): { onset: number; end: number } {
  const env = envelope(line, rate);
  const start = onset(env);
  // The frame after its last sound (the room goes on quiet after it: the line is over).
  let end = env.length;
  while (end > 0 && (env[end - 1] as number) <= LOUD / 3) end--;
  if (start < 0) throw new Error('the player’s line is silent');
  const room16 = to16k(room, rate);
  // Its speech alone (the recording may start after the line's leading silence).
  const perFrame = 16000 / 100;
  const speech = to16k(line, rate).subarray(start * perFrame, end * perFrame);
  let size = 1;
  while (size < room16.length) size *= 2;
  const xc = new CrossCorrelation(size);
  const half = speech.length >> 1;
  const first = xc.search(speech.subarray(0, half), room16, 1e-8);
  const second = xc.search(speech.subarray(half), room16, 1e-8);
  // The second half after the first: right after it, or up to 300 ms later where the player's
  // stream ran dry on a busy machine and the speakers played a gap.
  const gap = second.offset - first.offset - half;
  if (first.offset < 0 || gap < -2 || gap > 0.3 * 16000)
    throw new Error(
      `the player’s line was not found in the room recording (best r = ${first.correlation.toFixed(2)} and ${second.correlation.toFixed(2)}; its halves ${gap} samples apart)`,
    );
  // The onset by the first half, the end by the second: each where the speakers played it.
  return {
    onset: Math.round(first.offset / perFrame),
    end: Math.round((second.offset + speech.length - half) / perFrame),
  };
}

/** `x` at 16 kHz, the resampler's tail included. */
export function to16k(x: Float32Array, rate: number): Float32Array {
  const r = new Resampler(rate, 16000);
  return concat(r.process(x), r.flush());
}

/** First frame ≥ `from` above the loud threshold (−40 dBFS), or −1. */
export function onset(env: number[], from = 0): number {
  for (let i = from; i < env.length; i++) if ((env[i] as number) > LOUD) return i;
  return -1;
}

/** First frame ≥ `from` after which `env` stays quiet for `quietMs`, or −1. */
export function silenceAfter(env: number[], from: number, quietMs = 300): number {
  const need = quietMs / 10;
  let run = 0;
  for (let i = from; i < env.length; i++) {
    if ((env[i] as number) > LOUD / 3) run = 0;
    else if (++run >= need) return i - need + 1;
  }
  return -1;
}
