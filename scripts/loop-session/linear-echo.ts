import { CrossCorrelation } from '../../src/plugin/audio/echo/cross-correlation.ts';
import { to16k } from '../../tests/support/room-recording.ts';
import { rms } from '../../tests/support/signal.ts';
import { readWav } from '../../tests/support/wav.ts';
import { BlockEchoFilter } from './block-echo-filter.ts';
import { CHUNK } from './session-file.ts';
import { lanczosAt, lineThrough, peakFraction } from './sub-sample.ts';

const RATE = 16000;
/** Reference played this long before the echo path's first tap, samples (the filter must be causal). */
export const LEAD = 480;
/** A change of the echo's lag from one second to the next larger than this is a jump, not the drift, samples. */
const JUMP = 8;

/** A whole session as PulseAudio carried it, at 16 kHz, on the microphone's timeline. */
export interface RawSession {
  /** What the page played (her voice and the music), moved to the microphone's timeline less {@link LEAD}. */
  played: Float32Array;
  /** The microphone before the browser's canceller. */
  mic: Float32Array;
  /** What the speakers played (her, the music and the player), at 16 kHz on its own timeline. */
  room: Float32Array;
  /** Where a sample of `room` is on the microphone's timeline, as `played` is (add {@link LEAD} for its arrival). */
  roomToMic(sample: number): number;
}

/**
 * Where `b` holds `a`'s content: the lag (samples, to a fraction) at which a one-second stretch of
 * `a` at `at` correlates best in `b`, searched ±`span` around the same position, and the
 * correlation. The whole-sample peak is refined by a parabola through it and its neighbours: a
 * drift of 100 ppm is 1.6 samples a second, and whole samples would misread its slope.
 */
export function lagAt(a: Float32Array, b: Float32Array, at: number, span: number): { lag: number; correlation: number } {
  const from = Math.max(0, at - span);
  const long = b.subarray(from, Math.min(b.length, at + RATE + span));
  const xc = CrossCorrelation.shared(2 ** Math.ceil(Math.log2(long.length)));
  const short = a.subarray(at, at + RATE);
  const found = xc.search(short, long, 1e-8);
  if (found.offset < 0) return { lag: 0, correlation: 0 };
  return { lag: found.offset + peakFraction(short, long, found.offset) + from - at, correlation: found.correlation };
}

/** `x` moved later by `lag` samples (earlier when negative), zero-filled, `length` long. */
export function shifted(x: Float32Array, lag: number, length: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = Math.max(0, lag); i < length && i - lag < x.length; i++) out[i] = x[i - lag] as number;
  return out;
}

/**
 * Reads `<base>.app.wav`, `<base>.room.wav` and `<base>.rawmic.wav` (record.ts … raw) and lines
 * them up: the page's sound and the player's on the microphone's timeline. The speakers hold the
 * page's sound at one lag; the room's chain delays it by a lag that jumps (its pacer drops audio
 * when the chain stalls), so that lag is tracked second by second, as a canceller's delay
 * estimator would.
 */
export function readRawSession(base: string): RawSession & { app: Float32Array; lags: { room: number; mic: number[] } } {
  const load = (name: string) => {
    const w = readWav(`${base}.${name}.wav`);
    return to16k(w.samples, w.sampleRate);
  };
  const app = load('app');
  const room = load('room');
  const mic = load('rawmic');
  // A recording of the page's stream ends when the browser replaces that stream.
  if (app.length < 0.9 * mic.length)
    throw new Error(
      `${base}.app.wav holds ${(app.length / RATE).toFixed(0)} s against the microphone's ${(mic.length / RATE).toFixed(0)} s: the page's stream was replaced while it recorded; record the session again`,
    );
  const toRoom = lagAt(app, room, loudestSecond(app), 2 * RATE).lag;
  const lags = micLags(app, mic);
  const lagAt16k = (i: number) => {
    const second = Math.max(0, Math.min(lags.length - 1, i / RATE - 0.5));
    const k = Math.floor(second);
    const f = second - k;
    return (1 - f) * (lags[k] as number) + f * (lags[Math.min(lags.length - 1, k + 1)] as number) - LEAD;
  };
  // The reference read at a fractional position (a Lanczos kernel, 8 taps): the room's clock
  // drifts by 100 ppm, and a reference moved in whole samples would jump in phase.
  const played = new Float32Array(mic.length);
  for (let i = 0; i < mic.length; i++) played[i] = lanczos(app, i - lagAt16k(i));
  const roomToMic = (r: number) => Math.round(r - toRoom + lagAt16k(r - toRoom));
  return { played, mic, room, roomToMic, app, lags: { room: toRoom, mic: lags } };
}

/**
 * The page's sound's lag into the microphone at the middle of each second, in samples (not whole):
 * read by correlation where a loud second correlates; a median of three drops a misreading; then,
 * through each stretch without a jump, a straight line (the clock's drift).
 */
export function micLags(app: Float32Array, mic: Float32Array): number[] {
  const found: number[] = [];
  let last = lagAt(app, mic, loudestSecond(app), 2 * RATE).lag;
  for (let at = 0; at + RATE <= app.length; at += RATE) {
    if (rms(app, at, at + RATE) ** 2 > 1e-5) {
      const r = lagAt(app, mic, at, RATE >> 2);
      if (r.correlation > 0.4) last = r.lag;
    }
    found.push(last);
  }
  const median = found.map((_, i) => {
    const three = found.slice(Math.max(0, i - 1), i + 2).sort((a, b) => a - b);
    return three[three.length >> 1] as number;
  });
  const out: number[] = [];
  let start = 0;
  for (let i = 1; i <= median.length; i++) {
    if (i < median.length && Math.abs((median[i] as number) - (median[i - 1] as number)) <= JUMP) continue;
    out.push(...straight(median.slice(start, i)));
    start = i;
  }
  return out;
}

/** `x` read between its samples, at `at`, through a Lanczos kernel of 8 taps (0 outside `x`). */
export function lanczos(x: Float32Array, at: number): number {
  return lanczosAt((j) => x[j] ?? 0, at);
}

/** The least-squares line through `y` (at 0, 1, 2…), read at each point. */
function straight(y: number[]): number[] {
  const line = lineThrough(
    y.map((_, i) => i),
    y,
  );
  return y.map((_, i) => line.y + line.slope * (i - line.x));
}

function loudestSecond(x: Float32Array): number {
  let best = 0;
  let at = 0;
  for (let i = 2 * RATE; i + 4 * RATE < x.length; i += RATE) {
    const e = rms(x, i, i + RATE);
    if (e > best) {
      best = e;
      at = i;
    }
  }
  return at;
}

/** Level per 20 ms chunk, dBFS (−120 for silence). */
export function chunkLevels(x: Float32Array): Float64Array {
  const out = new Float64Array(Math.floor(x.length / CHUNK));
  for (let c = 0; c < out.length; c++) out[c] = 10 * Math.log10(Math.max(rms(x, c * CHUNK, (c + 1) * CHUNK) ** 2, 1e-12));
  return out;
}

/**
 * The microphone less the filter's echo estimate, the filter learning only where `adapt(sample)`
 * says nobody else is talking.
 */
export function cancel(session: RawSession, adapt: (sample: number) => boolean, filter = new BlockEchoFilter({ step: 0.5 })): Float32Array {
  const n = filter.block;
  const out = new Float32Array(session.mic.length);
  for (let b = 0; b + n <= session.mic.length; b += n) {
    out.set(filter.process(session.played.subarray(b, b + n), session.mic.subarray(b, b + n), adapt(b)), b);
  }
  return out;
}
