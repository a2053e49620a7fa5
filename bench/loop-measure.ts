import type { AcousticLoop } from '../tests/support/acoustic-loop.ts';
import {
  bargeIn,
  echoReturnLoss,
  emulatorStats,
  type GuardOptions,
  guardSpeaks,
  type LoopDemo,
  observed,
  resetLevels,
  roomVoiceToVoice,
} from '../tests/support/loop-scenarios.ts';
import { measureRoom } from '../tests/support/room-response.ts';
import { sleep } from '../tests/support/until.ts';
import { type Metric, percentileOf } from './metric.ts';

/** Puts the demo on the loop, next to the guard, greeting done. */
export type Open = (options?: GuardOptions) => Promise<LoopDemo>;

/** How long a loop run is: NPC lines with nobody talking, barge-ins (each followed by a turn), and whether the music plays. */
export interface LoopRun {
  lines: number;
  trials: number;
  music: boolean;
}

/** Why a step failed, in one line. */
const reason = (e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  console.error(`loop: ${message}`); // the whole of it, for the log; the unit keeps its first clause
  return message.split(';')[0] as string;
};

/**
 * The loop figures in one browser and room: `open` puts the demo on `loop`, next to the guard,
 * greeting done. A room where the guard cannot hold a conversation still reports what it saw,
 * with why the run stopped in the unit.
 */
export async function measureLoop(
  browser: string,
  loop: AcousticLoop,
  open: Open,
  baseUrl: string,
  wav: string,
  { lines: LINES, trials: TRIALS, music: MUSIC }: LoopRun,
): Promise<Metric[]> {
  const room = loop.room.name;
  const response = loop.room.effects ? await measureRoom(loop) : null;
  const metrics: Metric[] = [];
  if (response) {
    metrics.push(
      { metric: 'room_latency_ms', value: Math.round(response.latencyMs), unit: 'ms (speakers → microphone through the room)' },
      { metric: 'room_rt60_s', value: response.rt60, unit: 's (interrupted noise, T20 of the reverberant decay)' },
      ...(loop.room.noiseDb !== null
        ? [{ metric: 'room_noise_dbfs', value: Math.round(response.noiseDb), unit: 'dBFS RMS at the microphone' }]
        : []),
    );
  }

  // 1. Lines with nobody talking (music on), canceller on: every `interrupted` is the guard cutting herself off.
  let demo: LoopDemo | null = null;
  let lines = 0;
  let stopped = '';
  const before = await emulatorStats(baseUrl);
  try {
    demo = await open({ music: MUSIC });
    await resetLevels(demo);
    for (; lines < LINES; lines++) await guardSpeaks(demo, 1);
  } catch (e) {
    stopped = `; stopped after ${lines} lines: ${reason(e)}`;
  }
  const after = await emulatorStats(baseUrl);
  if (demo) {
    const seen = await observed(demo);
    // The floor needs the microphone with her echo gone, and the lines follow each other within the guard's hangover.
    await sleep(1500);
    const erl = await echoReturnLoss(demo).catch((e: unknown) => reason(e));
    // Nobody talks in the lines, so each time she paused and played on was a false pause: those the
    // probe dismissed as her echo (~⅓ s), and those it took for the player (her echo went to the
    // service; she played on once it was quiet). The probe also runs on her echo just after a line
    // ends, with nothing left to pause: its false alarms count those too.
    const { falsePauses, dismissed, falseAlarms, paused, rawTrack } = await demo.evaluate(() => {
      type Status = {
        falseAlarms: number;
        yields: { paused: number; resumed: number; dismissed: number };
        rawTrack: { ready: boolean; lagMs: number | null; playerChunks: number } | null;
      } | null;
      const status = (window as unknown as { oakvale: { scene(): { npcVoice: { echoStatus: Status } } } }).oakvale.scene().npcVoice
        .echoStatus;
      const yields = status?.yields;
      return {
        falsePauses: yields?.resumed ?? 0,
        dismissed: yields?.dismissed ?? 0,
        falseAlarms: status?.falseAlarms ?? 0,
        paused: yields?.paused ?? 0,
        rawTrack: status?.rawTrack ?? null,
      };
    });
    const raw = rawTrack
      ? `; raw track: ${rawTrack.ready ? 'deciding' : 'still learning'}, lag ${rawTrack.lagMs ?? '?'} ms, ${rawTrack.playerChunks} chunks taken for the player`
      : '; no raw track';
    await demo.close();
    metrics.push(
      {
        metric: 'self_interruptions',
        value: seen.states.filter((s) => s.state === 'interrupted').length,
        unit: `of ${LINES} lines and the greeting, music ${MUSIC ? 'on' : 'off'} (user turns the emulator heard: ${after.speechTurns - before.speechTurns}; pauses taken for the player: ${paused - dismissed})${stopped}`,
        target: '0',
      },
      {
        metric: 'npc_false_pauses',
        value: falsePauses,
        unit: `of ${LINES} lines (the NPC paused for its own echo, then played on; the probe's false alarms, paused or not: ${falseAlarms}${raw})${stopped}`,
        target: `≤ ${Math.max(1, Math.floor(LINES / 20))} (1 in 20 lines)`,
      },
    );
    if (typeof erl === 'string') metrics.push({ metric: 'echo_return_loss_db', value: Number.NaN, unit: `not measured: ${erl}` });
    else
      metrics.push({
        metric: 'echo_return_loss_db',
        value: Math.round(erl.returnLossDb * 10) / 10,
        unit: `dB (canceller on, music ${MUSIC ? 'on' : 'off'}; her voice as played against the microphone while she spoke, ${erl.chunks} chunks of 20 ms)`,
        reference: Math.round(erl.floorDb * 10) / 10,
        against: 'measurement floor: the same against the microphone while she was silent',
      });
  } else {
    metrics.push({ metric: 'self_interruptions', value: Number.NaN, unit: `the greeting never ended${stopped}`, target: '0' });
  }

  // 2. The player talks over her, then 3. talks while she listens. A barge-in she did not hear
  // counts as slower than any target, and the series goes on once she is listening again.
  const bargeIns: number[] = [];
  const voiceToVoice: number[] = [];
  const missed: string[] = [];
  const failed: string[] = [];
  const turnsLost: string[] = [];
  demo = null;
  try {
    demo = await open({ music: MUSIC });
    for (let i = 0, inARow = 0; i < TRIALS; i++) {
      try {
        bargeIns.push(await bargeIn(loop, demo, wav, 300 + 200 * (i % 5))); // her lines are 2–4 s
        inARow = 0;
      } catch (e) {
        bargeIns.push(Number.POSITIVE_INFINITY);
        missed.push(reason(e));
        if (++inARow >= 3) throw new Error(`three barge-ins in a row failed: ${reason(e)}`);
        await settle(demo, baseUrl);
        continue;
      }
      // A turn whose end or reply the recordings do not show is left out, said in the unit, and the series goes on.
      try {
        voiceToVoice.push(await roomVoiceToVoice(loop, demo, wav));
      } catch (e) {
        turnsLost.push(reason(e));
        await settle(demo, baseUrl);
      }
    }
  } catch (e) {
    failed.push(`; stopped after ${bargeIns.length} barge-ins: ${reason(e)}`);
  } finally {
    await demo?.close();
  }
  const tail = failed.join('');
  const notHeard = missed.length
    ? `; ${missed.length} not heard, counted as slower than any target: ${[...new Set(missed)].join(' / ')}`
    : '';
  // A percentile that lands on a barge-in not heard has no value: NaN (null in the JSON line).
  const finite = (x: number) => (Number.isFinite(x) ? x : Number.NaN);
  if (bargeIns.length) {
    metrics.push({
      metric: 'barge_in_ms_p50',
      value: finite(percentileOf(bargeIns, 0.5)),
      unit: `ms (N = ${bargeIns.length}; onset → NPC silent; trials: ${bargeIns.map((x) => (Number.isFinite(x) ? x : 'not heard')).join(', ')})${notHeard}${tail}`,
      target: '≤ 400 ms',
    });
    if (bargeIns.length >= 20)
      metrics.push({
        metric: 'barge_in_ms_p90',
        value: finite(percentileOf(bargeIns, 0.9)),
        unit: `ms (N = ${bargeIns.length}${missed.length ? `, ${missed.length} not heard` : ''})`,
        target: '≤ 600 ms',
      });
  }
  if (voiceToVoice.length)
    metrics.push({
      metric: 'loop_voice_to_voice_ms_p50',
      value: percentileOf(voiceToVoice, 0.5),
      unit: `ms (N = ${voiceToVoice.length}; turns: ${voiceToVoice.join(', ')}; 500 ms silence window included)${
        turnsLost.length ? `; ${turnsLost.length} not measured: ${[...new Set(turnsLost)].join(' / ')}` : ''
      }`,
      target: '≤ 800 ms',
    });
  if (!bargeIns.length)
    metrics.push({ metric: 'barge_in_ms_p50', value: Number.NaN, unit: `no barge-in completed${tail}`, target: '≤ 400 ms' });
  return metrics.map((m) => ({ ...m, browser, room }));
}

/** After a barge-in that failed: waits until she has finished whatever she says and listens again. */
export async function settle(demo: LoopDemo, baseUrl: string): Promise<void> {
  const quietFor = async (ms: number) => {
    const since = Date.now();
    await new Promise((resolve) => setTimeout(resolve, ms));
    const { states } = await observed(demo);
    return !states.some((x) => x.t >= since) && states.at(-1)?.state === 'listening';
  };
  const start = Date.now();
  const before = await emulatorStats(baseUrl);
  const deadline = start + 60_000;
  while (Date.now() < deadline) if (await quietFor(2000)) return;
  // What she did meanwhile, so a run that stops here says why.
  const after = await emulatorStats(baseUrl);
  const moves = (await observed(demo)).states
    .filter((x) => x.t >= start)
    .map((x) => `${x.state} ${((x.t - start) / 1000).toFixed(1)}`)
    .join(', ');
  // Private fields, read for the log only: a state that never moves says which of them holds it.
  const inside = await demo.evaluate(() => {
    type Inside = {
      state: string;
      turnDone: boolean;
      voice: { state: string; bufferedMs: number };
      live: { state: string };
      lastVoiced: number;
    };
    const c = (window as unknown as { oakvale: { scene(): { npcVoice: { conversation: Inside | null } } } }).oakvale.scene().npcVoice
      .conversation;
    return c
      ? {
          state: c.state,
          turnDone: c.turnDone,
          voice: c.voice.state,
          bufferedMs: Math.round(c.voice.bufferedMs),
          live: c.live.state,
          voicedAgoMs: Date.now() - c.lastVoiced,
        }
      : null;
  }, null);
  throw new Error(
    `she did not settle into listening within a minute (states, s from the wait's start: ${moves || 'none'}, turns the emulator heard: ${after.speechTurns - before.speechTurns}, conversation: ${JSON.stringify(inside)})`,
  );
}
