import { percentileOf } from '../../bench/metric.ts';
import { EchoEnvelope } from '../../src/plugin/audio/echo/echo-envelope.ts';
import { arrivalsOnRaw } from './arrivals.ts';
import { CHUNK, readSession } from './session-file.ts';

/** The game's output counts as playing above this mean square (−50 dBFS), as in the envelope. */
const PLAYING = 1e-5;

/**
 * `tsx scripts/loop-session/envelope-study.ts <base> [player.wav]`: on a session recorded with
 * `record.ts … model` (the raw microphone and the game's whole output on one timeline), runs the
 * plugin's `EchoEnvelope` chunk by chunk and prints how soon after each arrival of the player it
 * hears them, how many chunks with only her echo and the music it takes for the player (and in
 * runs of three, which a guard could act on), and what it said in the second before each pause
 * the page asked with nobody talking.
 */
function main(): void {
  const [base = '/tmp/loop-session', playerWav = 'tests/.fixtures/room-player.wav'] = process.argv.slice(2);
  const session = readSession(base);
  if (!session.model) throw new Error(`${base} has no raw microphone: record it with record.ts … model`);
  const { raw, out } = session.model;
  const { arrivals, busy, chunks } = arrivalsOnRaw(session, playerWav);
  const times = session.meta.besideTimes ?? [];
  const model = new EchoEnvelope(CHUNK);
  const hit = new Uint8Array(chunks);
  const playing = new Uint8Array(chunks);
  const f32 = (x: Int16Array, c: number) => Float32Array.from(x.subarray(c * CHUNK, (c + 1) * CHUNK), (v) => v / 32768);
  let readyAt = -1;
  for (let c = 0; c < chunks; c++) {
    const o = f32(out, c);
    model.push(f32(raw, c), o);
    if (model.ready && readyAt < 0) readyAt = c;
    hit[c] = model.player ? 1 : 0;
    playing[c] = o.reduce((a, v) => a + v * v, 0) / CHUNK > PLAYING ? 1 : 0;
  }
  const heard = arrivals.map((a) => {
    for (let c = a; c < Math.min(chunks, a + 50); c++) if (hit[c]) return (c - a) * 20;
    return null;
  });
  const found = heard.filter((x): x is number => x !== null);
  const p = (q: number) => (found.length ? percentileOf(found, q).toFixed(0) : '-');
  console.log(
    `${base}: ready after ${((readyAt * CHUNK) / 16000).toFixed(1)} s; the player heard in ${found.length} of ${heard.length} arrivals, p50 ${p(0.5)} / p90 ${p(0.9)} ms after (${JSON.stringify(heard)})`,
  );
  let flagged = 0;
  let echoOnly = 0;
  let run = 0;
  const runs: number[] = [];
  for (let c = Math.max(0, readyAt); c < chunks; c++) {
    if (busy[c] || !playing[c]) {
      run = 0;
      continue;
    }
    echoOnly++;
    if (!hit[c]) {
      run = 0;
      continue;
    }
    flagged++;
    if (++run === 3) runs.push(c);
  }
  console.log(
    `chunks with her echo and the music only, taken for the player: ${flagged} of ${echoOnly} (${((100 * flagged) / echoOnly).toFixed(2)} %); runs of three: ${runs.length}${runs.length ? ` (at ${runs.map((c) => ((c * CHUNK) / 16000).toFixed(0)).join(', ')} s)` : ''}`,
  );
  // The page's pauses with nobody talking, placed on the clip's timeline by the page time.
  const at = (t: number) => {
    let lo = 0;
    let hi = times.length - 1;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if ((times[m] as number) < t) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  const verdicts = session.meta.probes.flatMap(([t]) => {
    const c = at(t);
    if (busy[c]) return [];
    let n = 0;
    for (let k = Math.max(0, c - 50); k <= c; k++) n += hit[k] ?? 0;
    return [n];
  });
  console.log(
    `pauses the page asked with nobody talking: ${verdicts.length}; chunks taken for the player in the second before each: ${JSON.stringify(verdicts)}`,
  );
}

main();
