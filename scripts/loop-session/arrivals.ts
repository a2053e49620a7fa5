import { CrossCorrelation } from '../../src/plugin/audio/echo/cross-correlation.ts';
import { envelope, onset, to16k } from '../../tests/support/room-recording.ts';
import { readWav } from '../../tests/support/wav.ts';
import { CHUNK, type Session } from './session-file.ts';

const RATE = 16000;
/** The stretches of the player's speech looked for, from its onset: after she has paused, so the canceller lets them through whole. */
const STRETCH_AT_S = [1.0, 1.5] as const;
const STRETCH_S = 0.5;
/** The microphone searched from this long before the WAV was started… */
const BEFORE_PLAY_CHUNKS = 10;
/** …to this long after it. */
const SEARCH_CHUNKS = 250;
/** The two stretches must land this close to where the line puts them, samples (the room's pacer may drop a few ms). */
const SLACK_SAMPLES = 0.03 * RATE;

/**
 * For each barge-in of a recorded session, the chunk at which the player's speech onset reached
 * the microphone (−1 when it cannot be told): two stretches of the line, `line` at 16 kHz, are
 * found in the microphone by correlation, after she paused, and must land one after the other as
 * in the line; the onset is where the line puts it before them. The arrival is read on the audio,
 * so it holds the room's and the capture path's delay, and nothing of the page's frames.
 *
 * @example
 * ```ts
 * const arrivals = findArrivals(readSession('/tmp/rec'), line16k);
 * ```
 */
export function findArrivals(session: Session, line: Float32Array): number[] {
  const { mic, meta } = session;
  const speechStart = onset(envelope(line, RATE)) * (RATE / 100);
  if (speechStart < 0) throw new Error('the player’s line is silent');
  const chunks = Math.min(meta.times.length, Math.floor(mic.length / CHUNK));
  const window = new Float32Array(SEARCH_CHUNKS * CHUNK);
  const xc = new CrossCorrelation(2 ** Math.ceil(Math.log2(window.length)));
  const stretches = STRETCH_AT_S.map((at) => line.subarray(speechStart + at * RATE, speechStart + (at + STRETCH_S) * RATE));
  if (stretches.some((s) => s.length < STRETCH_S * RATE)) throw new Error('the player’s line is shorter than 2 s of speech');
  return meta.plays.map((played) => {
    let first = meta.times.findIndex((t) => t >= played);
    if (first < 0) return -1;
    first = Math.max(0, first - BEFORE_PLAY_CHUNKS);
    const last = Math.min(chunks, first + SEARCH_CHUNKS);
    window.fill(0);
    for (let i = first * CHUNK; i < last * CHUNK; i++) window[i - first * CHUNK] = (mic[i] as number) / 32768;
    const found = stretches.map((s) => xc.search(s, window, 1e-9).offset);
    const [a, b] = found as [number, number];
    const apart = (STRETCH_AT_S[1] - STRETCH_AT_S[0]) * RATE;
    if (a < 0 || b < 0 || Math.abs(b - a - apart) > SLACK_SAMPLES) return -1;
    const at = first * CHUNK + a - STRETCH_AT_S[0] * RATE;
    return at >= 0 ? Math.floor(at / CHUNK) : -1;
  });
}

/**
 * The player's arrivals in the raw microphone of a session recorded with `record.ts … model` (on
 * its clip's timeline), and which of its chunks hold the player's line or its tail (`busy`).
 *
 * @example
 * ```ts
 * const { arrivals, busy } = arrivalsOnRaw(session, 'tests/.fixtures/room-player.wav');
 * ```
 */
export function arrivalsOnRaw(session: Session, playerWav: string): { arrivals: number[]; busy: Uint8Array; chunks: number } {
  if (!session.model) throw new Error('the session has no raw microphone: record it with record.ts … model');
  const { raw } = session.model;
  const w = readWav(playerWav);
  const line = to16k(w.samples, w.sampleRate);
  const env = envelope(line, RATE);
  const speechChunks = Math.ceil(((env.length - onset(env)) * 10) / 20);
  const times = session.meta.besideTimes ?? [];
  const arrivals = findArrivals({ ...session, mic: raw, meta: { ...session.meta, times } }, line).filter((a) => a >= 0);
  const chunks = Math.floor(raw.length / CHUNK);
  const busy = new Uint8Array(chunks);
  for (const a of arrivals) busy.fill(1, Math.max(0, a - 5), Math.min(chunks, a + speechChunks + 25));
  return { arrivals, busy, chunks };
}
