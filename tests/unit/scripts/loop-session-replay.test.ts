import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findArrivals } from '../../../scripts/loop-session/arrivals.ts';
import { replay } from '../../../scripts/loop-session/replay.ts';
import { readSession, type Session, writeSession } from '../../../scripts/loop-session/session-file.ts';
import { speechLike } from '../../support/signal.ts';

const RATE = 16000;
const CHUNK = 320;

/**
 * A session of `mic` and her voice `ref` (16 kHz) that the page processed from `start` on, `perFrame`
 * chunks to a frame of 20 ms each; the player's WAV started 10 s in, and the page asked her to
 * pause `probeAfterMs` after that and measured `results`.
 */
function sessionOf(
  mic: Float32Array,
  ref: Float32Array,
  start: number,
  perFrame: number,
  probeAfterMs: number,
  results: number[],
): Session {
  const pcm = (x: Float32Array) => Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32767))));
  const chunks = ref.length / CHUNK;
  return {
    mic: pcm(mic),
    ref: pcm(ref),
    meta: {
      times: Array.from({ length: chunks }, (_, i) => start + 20 * perFrame * Math.floor(i / perFrame)),
      music: new Array<number>(chunks).fill(0),
      plays: [start + 10_000],
      probes: [[start + 10_000 + probeAfterMs, 0]],
      states: [],
      results,
    },
  };
}

/**
 * A session of 20 s: she speaks throughout (a faint residue at the microphone), a canceller slip of
 * 400 ms at 4 s (her voice processed past recognition, nobody talking), and the player's WAV
 * started at 10 s, heard at −30 dBFS from 300 ms later. The page asked her to pause at 10.4 s.
 */
function session(): Session {
  const seconds = 20;
  const voice = speechLike(seconds, 91).map((v, i) => v + 0.03 * Math.sin(i));
  const white = speechLike(seconds, 92, 1).map((v, i) => v + Math.sin(i * 2.1));
  const player = speechLike(seconds, 93, 1);
  const mic = voice.map((v, i) => {
    const t = i / RATE;
    const residue = i >= 1600 ? (voice[i - 1600] as number) * 1e-5 : 0;
    const slip = t >= 4 && t < 4.4 ? 0.3 * (white[i] as number) * Math.abs(v) + 0.02 * (white[i] as number) : 0;
    const talks = t >= 10.3 && t < 11.5 ? 0.06 * (player[i] as number) : 0;
    return residue + slip + talks;
  });
  return sessionOf(mic, voice, 1_000_000, 1, 400, []);
}

/** A noise burst `seconds` long at `amp`, its first 200 ms silent (the WAV's lead): a line whose speech onset is exactly at 0.2 s. */
function line(seconds: number, seed: number, amp: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: seconds * RATE }, (_, i) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return i < 0.2 * RATE ? 0 : amp * ((s / 2 ** 32) * 2 - 1);
  });
}

/**
 * A session of 16 s where she speaks throughout and the player's `said` line was started at 10 s
 * and reached the microphone from 10.1 s (its speech at 10.3 s, chunk 515): its first 300 ms
 * squeezed 26 dB by the canceller, all of it coloured by a short echo of the room.
 */
function sessionWithLine(said: Float32Array): Session {
  const seconds = 16;
  const voice = speechLike(seconds, 91);
  const mic = voice.map((_, i) => {
    const residue = (voice[i - 1600] ?? 0) * 1e-4;
    const k = i - 10.1 * RATE;
    if (k < 0 || k >= said.length) return residue;
    const squeeze = k < 0.5 * RATE ? 0.05 : 1;
    return squeeze * ((said[k] as number) + 0.4 * (said[k - 480] ?? 0)) + residue;
  });
  // The page processes chunks three to a frame: its times say nothing exact of the audio.
  return sessionOf(mic, voice, 2_000_000, 3, 450, [400]);
}

describe('loop session replay (scripts/loop-session)', () => {
  it('finds where the player’s speech reached the microphone from its later words, squeezed start or not', () => {
    const said = line(2.8, 5, 0.06);
    expect(findArrivals(sessionWithLine(said), said)).toEqual([515]);
    // A line that is not in the microphone is not found anywhere.
    expect(findArrivals(sessionWithLine(said), line(2.8, 6, 0.06))).toEqual([-1]);
  });

  it('splits a barge-in at the arrival: the replayed guard’s wait, the page’s, and what the page measured beyond it', () => {
    const said = line(2.8, 5, 0.06);
    const s = sessionWithLine(said);
    const r = replay(s, {}, findArrivals(s, said));
    // The replayed guard's wait is audio time from chunk 515 (10.3 s), to the chunk processed when it asked her to pause.
    const wait = r.afterArrival[0] as number;
    expect(wait).toBeGreaterThan(0);
    expect(wait % 20).toBe(0);
    expect((s.meta.times[515 + wait / 20] as number) - 2_000_000).toBe(10_000 + (r.detections[0] as number));
    // The page asked at 10.45 s and processed chunk 515 at 10.26 s (its frame); it measured 400 ms in all.
    expect(r.recordedAfterArrival).toEqual([190]);
    expect(r.beyondGuard).toEqual([210]);
    // Without arrivals there is nothing to split.
    const bare = replay(s);
    expect([bare.afterArrival, bare.recordedAfterArrival, bare.beyondGuard]).toEqual([[Number.NaN], [Number.NaN], [Number.NaN]]);
  });

  it('times the replayed guard from the WAV’s start, and counts a pause asked with nobody talking apart', () => {
    const s = session();
    const r = replay(s);
    // The player is heard 300 ms after the WAV started; 120 ms of sound asks her to pause.
    expect(r.detections).toHaveLength(1);
    expect(r.detections[0]).toBeGreaterThan(300);
    expect(r.detections[0]).toBeLessThan(300 + 200);
    expect(r.recorded).toEqual([400]);
    // The slip at 4 s, before the first barge-in, is one of the lines'.
    expect(r.falseTriggers).toHaveLength(1);
    expect((r.falseTriggers[0] as number) - 1_000_000).toBeGreaterThanOrEqual(4000);
    expect((r.falseTriggers[0] as number) - 1_000_000).toBeLessThan(4400);
    expect([r.falseTriggersInLines, r.recordedFalse, r.recordedFalseInLines]).toEqual([1, 0, 0]);
    // Options reach the guard: switched off, it never asks her to pause.
    const off = replay(s, { mode: 'off' });
    expect([off.detections, off.falseTriggers]).toEqual([[Number.POSITIVE_INFINITY], []]);
  });

  it('reads back what it wrote', () => {
    const s = session();
    const base = join(mkdtempSync(join(tmpdir(), 'loop-session-')), 'rec');
    writeSession(base, s);
    const back = readSession(base);
    expect(back.meta).toEqual(s.meta);
    expect(back.mic).toEqual(s.mic);
    expect(back.ref).toEqual(s.ref);
  });
});
