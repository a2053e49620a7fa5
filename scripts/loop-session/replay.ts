import { pathToFileURL } from 'node:url';
import { percentileOf } from '../../bench/metric.ts';
import { MicChunk } from '../../src/plugin/audio/capture/mic-chunk.ts';
import { EchoGuard, type EchoGuardOptions, type RawChunk } from '../../src/plugin/audio/echo/echo-guard.ts';
import { to16k } from '../../tests/support/room-recording.ts';
import { alignedCorrelation } from '../../tests/support/signal.ts';
import { readWav } from '../../tests/support/wav.ts';
import { findArrivals } from './arrivals.ts';
import { CHUNK, readSession, type Session } from './session-file.ts';

/** What a replay found. Times are from the start of the player's WAV (its silence and the room included), ms. */
export interface ReplayResult {
  /** For each barge-in, when the replayed guard asked her to pause (Infinity: not within 3 s). */
  detections: number[];
  /** The same for the guard in the page, from its recorded probes. */
  recorded: number[];
  /** Page times at which the replayed guard asked her to pause with no player in the room. */
  falseTriggers: number[];
  /** …of which before the first barge-in (the lines with nobody talking). */
  falseTriggersInLines: number;
  /** The same two for the guard in the page. */
  recordedFalse: number;
  recordedFalseInLines: number;
  /**
   * With the arrivals ({@link findArrivals}), for each barge-in: from the chunk where the player's
   * speech reached the microphone to the replayed guard asking her to pause, ms of audio (NaN: no
   * arrival found, Infinity: not heard)…
   */
  afterArrival: number[];
  /** …the same for the guard in the page, in page time from when it processed that chunk… */
  recordedAfterArrival: number[];
  /**
   * …and what the page's measured barge-in (onset at the speakers to her silence there) held
   * besides that: the room's delay, the capture path and the output path, ms.
   */
  beyondGuard: number[];
}

/** How long after its start the player's WAV may still be in the room, ms. */
const PLAYER_WINDOW_MS = 4500;
/** A pause asked this little before the arrival found counts as its own (the arrival is read to a chunk or two), ms. */
const EARLY_MS = 100;
/** A barge-in counts as heard when she was asked to pause this soon after the WAV started, ms. */
const HEARD_WITHIN_MS = 3000;

/**
 * Feeds a recorded session through a guard made with `options` (the plugin's probe included), as
 * the page would have, and says when it would have asked her to pause. Open loop: she does not
 * pause in the recording where the replayed guard asks her to, so a replay ranks settings; the
 * bench measures them.
 */
export function replay(session: Session, options: EchoGuardOptions = {}, arrivals: number[] = []): ReplayResult {
  const { mic, ref, meta } = session;
  const raw = session.model && options.rawTrack !== false ? rawBeside(session) : () => null;
  const guard = new EchoGuard(true, undefined, { probeMs: 360, ...options });
  const chunks = Math.min(meta.times.length, Math.floor(mic.length / CHUNK), Math.floor(ref.length / CHUNK));
  const chunk = new MicChunk(CHUNK);
  const voice = new Float32Array(CHUNK);
  const triggers: number[] = [];
  const triggerChunks: number[] = [];
  for (let i = 0; i < chunks; i++) {
    for (let k = 0; k < CHUNK; k++) {
      chunk.samples[k] = (mic[i * CHUNK + k] as number) / 32768;
      voice[k] = (ref[i * CHUNK + k] as number) / 32768;
    }
    chunk.measure();
    const had = guard.playerHasFloor;
    guard.process(chunk, voice, () => {}, raw(i));
    if (!had && guard.playerHasFloor) {
      triggers.push(meta.times[i] as number);
      triggerChunks.push(i);
      guard.voiceStopped(0);
    }
  }
  const firstAfter = (ts: number[], p: number) => {
    const t = ts.find((x) => x >= p && x <= p + HEARD_WITHIN_MS);
    return t === undefined ? Number.POSITIVE_INFINITY : t - p;
  };
  const noPlayer = (t: number) => !meta.plays.some((p) => t >= p && t <= p + PLAYER_WINDOW_MS);
  const firstPlay = meta.plays[0] ?? Number.POSITIVE_INFINITY;
  // The page's probes from before the recording (the greeting) are not part of it.
  const probes = meta.probes.map(([t]) => t).filter((t) => t >= (meta.times[0] ?? Number.POSITIVE_INFINITY));
  const falseTriggers = triggers.filter(noPlayer);
  const recordedFalse = probes.filter(noPlayer);
  const afterArrival = meta.plays.map((_, j) => {
    const at = arrivals[j] ?? -1;
    if (at < 0) return Number.NaN;
    const heard = triggerChunks.find((i) => i >= at - EARLY_MS / 20 && i <= at + HEARD_WITHIN_MS / 20);
    return heard === undefined ? Number.POSITIVE_INFINITY : (heard - at) * 20;
  });
  const recordedAfterArrival = meta.plays.map((_, j) => {
    const at = arrivals[j] ?? -1;
    if (at < 0) return Number.NaN;
    const t = meta.times[at] as number;
    return firstAfter(probes, t - EARLY_MS) - EARLY_MS;
  });
  const beyondGuard = recordedAfterArrival.map((d, j) => {
    const measured = meta.results[j];
    return typeof measured === 'number' && Number.isFinite(d) ? measured - d : Number.NaN;
  });
  return {
    afterArrival,
    recordedAfterArrival,
    beyondGuard,
    detections: meta.plays.map((p) => firstAfter(triggers, p)),
    recorded: meta.plays.map((p) => firstAfter(probes, p)),
    falseTriggers,
    falseTriggersInLines: falseTriggers.filter((t) => t < firstPlay).length,
    recordedFalse: recordedFalse.length,
    recordedFalseInLines: recordedFalse.filter((t) => t < firstPlay).length,
  };
}

/**
 * For a session recorded with `record.ts … model`: the raw microphone and the game's output of the
 * page's own clip for the chunk the guard processed as `i`. Both clips read the same microphone
 * chunk by chunk, so one offset lines them up: where the clip's cancelled track best follows the
 * guard's microphone (dB envelopes, ±15 chunks). In the plugin both tracks come from one clip, as here.
 */
function rawBeside(session: Session): (i: number) => RawChunk | null {
  const { raw, out, beside } = session.model as NonNullable<Session['model']>;
  const offset = alignedCorrelation(dbEnvelope(beside), dbEnvelope(session.mic), 15).lag;
  const last = Math.min(Math.floor(raw.length / CHUNK), Math.floor(out.length / CHUNK)) - 1;
  const f32 = (x: Int16Array, c: number) => Float32Array.from(x.subarray(c * CHUNK, (c + 1) * CHUNK), (v) => v / 32768);
  return (i) => {
    const j = i + offset;
    return j < 0 || j > last ? null : { mic: f32(raw, j), output: f32(out, j) };
  };
}

/** Each chunk's level, dB (floor −90), less its mean (so the correlation follows the changes). */
function dbEnvelope(x: Int16Array): Float64Array {
  const n = Math.floor(x.length / CHUNK);
  const e = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    let sum = 0;
    for (let k = 0; k < CHUNK; k++) sum += ((x[c * CHUNK + k] as number) / 32768) ** 2;
    e[c] = 10 * Math.log10(sum / CHUNK + 1e-9);
  }
  const mean = e.reduce((a, v) => a + v, 0) / n;
  return e.map((v) => v - mean);
}

/**
 * `tsx scripts/loop-session/replay.ts <base> ['{"minTalkMs":140}'] [player.wav]`: one line of
 * figures, then each barge-in; with the player's WAV (the one the session played), also where each
 * barge-in's time went after the player's speech reached the microphone.
 */
function main(): void {
  const [base = '/tmp/loop-session', json = '{}', wav] = process.argv.slice(2);
  const session = readSession(base);
  const line = wav ? readWav(wav) : null;
  const arrivals = line ? findArrivals(session, to16k(line.samples, line.sampleRate)) : [];
  const r = replay(session, JSON.parse(json) as EchoGuardOptions, arrivals);
  const ms = (x: number) => (Number.isNaN(x) ? '?' : Number.isFinite(x) ? String(Math.round(x)) : 'not heard');
  const p50p90 = (x: number[]) => {
    const known = x.filter((v) => !Number.isNaN(v));
    return `${ms(percentileOf(known, 0.5))} / ${ms(percentileOf(known, 0.9))} (N = ${known.length})`;
  };
  console.log(
    `N = ${r.detections.length} barge-ins: replayed p50 ${ms(percentileOf(r.detections, 0.5))} p90 ${ms(percentileOf(r.detections, 0.9))} ms ` +
      `(in the page ${ms(percentileOf(r.recorded, 0.5))} / ${ms(percentileOf(r.recorded, 0.9))}); ` +
      `pauses asked with nobody talking: ${r.falseTriggers.length} (${r.falseTriggersInLines} in the lines), in the page ${r.recordedFalse} (${r.recordedFalseInLines})`,
  );
  console.log(`replayed: ${r.detections.map(ms).join(' ')}\nin the page: ${r.recorded.map(ms).join(' ')}`);
  if (!wav) return;
  console.log(
    `from the player's arrival at the microphone, p50 / p90 ms: replayed ${p50p90(r.afterArrival)}, in the page ${p50p90(r.recordedAfterArrival)}; ` +
      `the page's measured barge-in beyond that (room, capture and output) ${p50p90(r.beyondGuard)}`,
  );
  console.log(
    `replayed after arrival: ${r.afterArrival.map(ms).join(' ')}\nbeyond the guard in the page: ${r.beyondGuard.map(ms).join(' ')}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
