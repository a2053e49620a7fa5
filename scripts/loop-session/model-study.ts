import { percentileOf } from '../../bench/metric.ts';
import { arrivalsOnRaw } from './arrivals.ts';
import { EchoModel } from './echo-model.ts';
import { CHUNK, readSession } from './session-file.ts';

/** The game's output counts as playing above this level, dBFS. */
const PLAYING_DB = -50;
/** Chunks before each onset whose echo-only levels set the thresholds, and chunks after it searched. */
const BEFORE = 150;
const AFTER = 50;

const db = (meanSquare: number) => 10 * Math.log10(Math.max(meanSquare, 1e-12));

/** Level per chunk of 16-bit PCM, dBFS. */
function levels(pcm: Int16Array): Float64Array {
  const out = new Float64Array(Math.floor(pcm.length / CHUNK));
  for (let c = 0; c < out.length; c++) {
    let sum = 0;
    for (let i = c * CHUNK; i < (c + 1) * CHUNK; i++) sum += ((pcm[i] as number) / 32768) ** 2;
    out[c] = db(sum / CHUNK);
  }
  return out;
}

/**
 * `tsx scripts/loop-session/model-study.ts <base> [player.wav]`: on a session recorded with
 * `record.ts … model` (a clip of the page's own: a cancelled track, the raw microphone and the
 * game's output, on one timeline), how soon after the player's arrival each signal hears the player at a
 * level threshold that 1 % of her echo-only chunks cross, and how much echo the model (echo-model.ts)
 * takes out. The model is run here again from the recorded inputs, learning where the player is
 * silent (told from the arrivals) or always.
 */
function main(): void {
  const [base = '/tmp/loop-session', playerWav = 'tests/.fixtures/room-player.wav'] = process.argv.slice(2);
  const session = readSession(base);
  if (!session.model) throw new Error(`${base} has no raw microphone: record it with record.ts … model`);
  const { raw, out, beside } = session.model;
  const { arrivals, busy, chunks } = arrivalsOnRaw(session, playerWav);
  const run = (adapt: (c: number) => boolean) => {
    const model = new EchoModel();
    const left = new Float64Array(chunks);
    const f32 = (x: Int16Array, c: number) => Float32Array.from(x.subarray(c * CHUNK, (c + 1) * CHUNK), (v) => v / 32768);
    for (let c = 0; c < chunks; c++) {
      model.push(f32(raw, c), f32(out, c), adapt(c));
      left[c] = db(model.residualMeanSquare);
    }
    return { model, left };
  };
  const silent = run((c) => busy[c] === 0);
  const always = run(() => true);
  console.log(
    `${chunks} chunks, ${arrivals.length} arrivals of the player; the model: ${silent.model.delay.readings} lag readings, ${silent.model.delay.jumps} jumps, ${silent.model.delay.dropped} dropped, lag now ${silent.model.delay.predict(chunks * CHUNK).toFixed(1)} samples, ${silent.model.resets} restarts`,
  );
  const output = levels(out);
  const signals: Record<string, Float64Array> = {
    "Chromium's canceller (a track like the guard's)": levels(beside),
    'raw microphone': levels(raw),
    'our model, learning while the player is silent': silent.left,
    'our model, learning always': always.left,
  };
  for (const [name, level] of Object.entries(signals)) {
    for (const normalised of [false, true]) {
      const value = (c: number) => (level[c] as number) - (normalised ? (output[c] as number) : 0);
      const echo: number[] = [];
      for (const a of arrivals)
        for (let c = Math.max(0, a - BEFORE); c < a - 5; c++) if (!busy[c] && (output[c] as number) > PLAYING_DB) echo.push(value(c));
      const threshold = percentileOf(echo, 0.99);
      const heard: number[] = [];
      const perTrial = arrivals.map((a) => {
        for (let c = a; c < Math.min(chunks, a + AFTER); c++) if (value(c) > threshold) return (c - a) * 20;
        return null;
      });
      for (const h of perTrial) if (h !== null) heard.push(h);
      const p = (q: number) => (heard.length ? percentileOf(heard, q).toFixed(0) : '-');
      console.log(
        `${name}${normalised ? ', less the output' : ''}: threshold ${threshold.toFixed(1)} dB (p99 of ${echo.length}); heard p50 ${p(0.5)} / p90 ${p(0.9)} ms, ${perTrial.length - heard.length} of ${perTrial.length} not within ${AFTER * 20} ms ${normalised ? '' : JSON.stringify(perTrial)}`,
      );
    }
  }
  const rawLevels = signals['raw microphone'] as Float64Array;
  const reduction = (x: Float64Array) => {
    const d: number[] = [];
    for (let c = 0; c < chunks; c++)
      if (!busy[c] && (output[c] as number) > PLAYING_DB) d.push((rawLevels[c] as number) - (x[c] as number));
    return `${percentileOf(d, 0.5).toFixed(1)} dB (p10 ${percentileOf(d, 0.1).toFixed(1)}, N = ${d.length})`;
  };
  console.log(
    `echo taken out, median while the output plays and the player is silent: Chromium ${reduction(signals["Chromium's canceller (a track like the guard's)"] as Float64Array)}, our model ${reduction(silent.left)}, learning always ${reduction(always.left)}`,
  );
}

main();
