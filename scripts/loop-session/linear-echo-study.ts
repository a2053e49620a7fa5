import { percentileOf } from '../../bench/metric.ts';
import { playerInRoom, to16k } from '../../tests/support/room-recording.ts';
import { readWav } from '../../tests/support/wav.ts';
import { findArrivals } from './arrivals.ts';
import { BlockEchoFilter } from './block-echo-filter.ts';
import { EchoModel } from './echo-model.ts';
import { cancel, chunkLevels, LEAD, readRawSession, shifted } from './linear-echo.ts';
import { CHUNK, readSession } from './session-file.ts';

const RATE = 16000;
/** Her sound (or the music) counts as playing above this level, dBFS. */
const PLAYED_DB = -50;
/** Chunks (20 ms) of a trial's window before and after the player's onset. */
const BEFORE = 150;
const AFTER = 50;
/** A line on the speakers and an arrival in the page's chunks this close are the same trial, chunks. */
const PAIRED = 300;

/**
 * `tsx scripts/loop-session/linear-echo-study.ts <base> <player.wav>`: on a session recorded with
 * `record.ts … raw`, how soon after the player's onset each signal hears the player, at a level
 * threshold that 1% of her echo-only chunks cross: the raw microphone, our linear filter's
 * residual (learning only while the player is silent, and learning always), and Chromium's
 * cancelled microphone as the guard saw it.
 */
function main(): void {
  const [base = '/tmp/loop-session', playerWav = 'tests/.fixtures/room-player.wav'] = process.argv.slice(2);
  const raw = readRawSession(base);
  const jumps = raw.lags.mic.filter((v, i) => i > 0 && Math.abs(v - (raw.lags.mic[i - 1] as number)) > 8).length;
  console.log(
    `lags: app→speakers ${raw.lags.room.toFixed(0)}, app→microphone ${Math.min(...raw.lags.mic).toFixed(0)}…${Math.max(...raw.lags.mic).toFixed(0)} samples, ${jumps} jumps over 0.5 ms in ${raw.lags.mic.length} s`,
  );
  // The player's lines on the speakers, found by correlation, then put on the microphone's timeline.
  const w = readWav(playerWav);
  const line = to16k(w.samples, w.sampleRate);
  const found = new Map<number, number>();
  for (let at = 0; at + 8 * RATE <= raw.room.length; at += 4 * RATE) {
    try {
      const { onset, end } = playerInRoom(raw.room.subarray(at, at + 8 * RATE), line, RATE);
      const start = at + onset * 160;
      if (![...found.keys()].some((k) => Math.abs(k - start) < RATE)) found.set(start, at + end * 160);
    } catch {
      // no whole line in this window
    }
  }
  const lines = [...found].sort((a, b) => a[0] - b[0]).map(([s, e]) => [raw.roomToMic(s) + LEAD, raw.roomToMic(e) + LEAD] as const);
  const onsets = lines.map(([s]) => Math.floor(s / CHUNK));
  // Learning stops from 100 ms before the player to 500 ms after (the room's tail).
  const busy = new Uint8Array(Math.floor(raw.mic.length / CHUNK));
  for (const [s, e] of lines) busy.fill(1, Math.max(0, Math.floor(s / CHUNK) - 5), Math.floor(e / CHUNK) + 25);
  const t0 = performance.now();
  const oracleFilter = new BlockEchoFilter({ step: 0.5 });
  const alwaysFilter = new BlockEchoFilter({ step: 0.5 });
  const silent = (s: number) => busy[Math.floor(s / CHUNK)] === 0;
  const oracle = chunkLevels(cancel(raw, silent, oracleFilter));
  const always = chunkLevels(cancel(raw, () => true, alwaysFilter));
  console.log(`the model diverged and started again ${oracleFilter.resets} times (learning while silent), ${alwaysFilter.resets} (always)`);
  console.log(`filtered twice in ${((performance.now() - t0) / 1000).toFixed(1)} s for ${(raw.mic.length / 16000).toFixed(0)} s of audio`);
  // The causal model (echo-model.ts), as the audio comes (the lag known only from the past), chunk by chunk.
  const causal = causalLevels(raw.app, raw.mic, silent);
  const offBy = causal.offBy(raw.lags.mic);
  console.log(
    `the causal model (echo-model.ts): ${causal.echo.delay.readings} lag readings, ${causal.echo.delay.jumps} jumps followed, ${causal.echo.delay.dropped} dropped; off the offline track by p50 ${percentileOf(offBy, 0.5).toFixed(2)} / p90 ${percentileOf(offBy, 0.9).toFixed(2)} samples (from 5 s); it started again ${causal.echo.resets} times`,
  );
  const mic = chunkLevels(raw.mic);
  const played = chunkLevels(shifted(raw.played, LEAD, raw.mic.length));
  // Chromium's cancelled microphone, put on the same timeline trial by trial by the player's arrival.
  const session = readSession(base);
  const arrivals = findArrivals(session, line);
  const cancelled = chunkLevels(Float32Array.from(session.mic, (v) => v / 32768));
  console.log(`${onsets.length} player's lines on the speakers, ${session.meta.plays.length} plays, arrivals ${JSON.stringify(arrivals)}`);
  // Each line on the speakers with the arrival found in the page's chunks near it (the two timelines
  // start within a few chunks of each other); without one, Chromium's row leaves the trial out.
  const arrivalOf = onsets.map((o) => arrivals.find((a) => a >= 0 && Math.abs(a - o) < PAIRED) ?? -1);
  console.log(`onsets ${JSON.stringify(onsets)}`);
  const signals: Record<string, (trial: number, c: number) => number> = {
    'raw microphone': (_, c) => mic[c] as number,
    'linear filter, learning while the player is silent': (_, c) => oracle[c] as number,
    'linear filter, learning always': (_, c) => always[c] as number,
    'the causal model, learning while the player is silent': (_, c) => causal.levels[c] as number,
    "Chromium's canceller (the guard's input)": (t, c) => {
      const a = arrivalOf[t] ?? -1;
      const k = a + c - (onsets[t] as number);
      return a < 0 || k < 0 || k >= cancelled.length ? Number.NaN : (cancelled[k] as number);
    },
  };
  const ratio = (v: number, c: number) => v - (played[c] as number);
  for (const [name, level] of Object.entries(signals)) {
    for (const normalised of [false, true]) {
      const echo: number[] = [];
      onsets.forEach((o, t) => {
        for (let c = Math.max(0, o - BEFORE); c < o - 5; c++) {
          const v = level(t, c);
          if (!busy[c] && (played[c] as number) > PLAYED_DB && Number.isFinite(v)) echo.push(normalised ? ratio(v, c) : v);
        }
      });
      const threshold = percentileOf(echo, 0.99);
      const heard: number[] = [];
      let never = 0;
      let trials = 0;
      const perTrial: (number | null)[] = [];
      onsets.forEach((o, t) => {
        perTrial.push(null);
        if (!Number.isFinite(level(t, o))) return;
        trials++;
        for (let c = o; c < o + AFTER; c++) {
          const v = level(t, c);
          if (Number.isFinite(v) && (normalised ? ratio(v, c) : v) > threshold) {
            heard.push((c - o) * 20);
            perTrial[t] = (c - o) * 20;
            return;
          }
        }
        never++;
      });
      if (!normalised) console.log(`  per trial: ${JSON.stringify(perTrial)}`);
      const p = (q: number) => (heard.length ? percentileOf(heard, q / 100).toFixed(0) : '-');
      console.log(
        `${name}${normalised ? ', less her level' : ''}: threshold ${threshold.toFixed(1)} dB (p99 of ${echo.length} echo-only chunks); heard after p50 ${p(50)} / p90 ${p(90)} ms, ${never} of ${trials} not within ${AFTER * 20} ms`,
      );
    }
  }
  // Return loss while she plays and the player is silent, everywhere in the session.
  const erl = (x: Float64Array) => {
    const d: number[] = [];
    for (let c = 0; c < x.length; c++) if (!busy[c] && (played[c] as number) > PLAYED_DB) d.push((mic[c] as number) - (x[c] as number));
    return `${percentileOf(d, 0.5).toFixed(1)} dB (p10 ${percentileOf(d, 0.1).toFixed(1)}, N = ${d.length} chunks)`;
  };
  console.log(
    `linear filter's echo return loss enhancement, median: learning while silent ${erl(oracle)}, always ${erl(always)}, the causal model ${erl(causal.levels)}`,
  );
}

/** {@link EchoModel} run over the session chunk by chunk: the residual's level per chunk (dBFS), and the lag it predicted each second. */
function causalLevels(app: Float32Array, mic: Float32Array, adapt: (sample: number) => boolean) {
  const echo = new EchoModel();
  const levels = new Float64Array(Math.floor(mic.length / CHUNK));
  const predicted: number[] = [];
  for (let c = 0; c < levels.length; c++) {
    const at = c * CHUNK;
    echo.push(mic.subarray(at, at + CHUNK), app.subarray(at, at + CHUNK), adapt(at));
    levels[c] = 10 * Math.log10(Math.max(echo.residualMeanSquare, 1e-12));
    if ((at + CHUNK) % RATE === 0) predicted.push(echo.delay.known ? echo.delay.predict(at + CHUNK + RATE / 2) : Number.NaN);
  }
  const offBy = (offline: number[]) =>
    offline.map((lag, k) => Math.abs((predicted[k] ?? Number.NaN) - lag)).filter((d, k) => k >= 5 && Number.isFinite(d));
  return { echo, levels, offBy };
}

main();
