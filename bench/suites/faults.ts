import fc from 'fast-check';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.ts';
import { sessionParamsFor } from '../../src/plugin/dialogue/conversation.ts';
import { LiveConnection } from '../../src/plugin/live/live-connection.ts';
import { createLiveModel } from '../../src/plugin/live/live-model.ts';
import { type ModelWorld, modelCommands, runSequence } from '../../tests/support/conversation-model.ts';
import { FaultProxy } from '../../tests/support/fault-proxy.ts';
import { closeSpeech } from '../../tests/support/speech.ts';
import type { Metric, Suite } from '../metric.ts';

const SEQUENCES = Number(process.env.BENCH_SOAK_RUNS ?? 500);
const SWITCHES = 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function p50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

/**
 * Streams 20 ms of player audio every 20 ms through the proxy while `fault` ends connections, and
 * returns each gap: the last chunk the emulator got on one connection → the first on the next.
 */
async function reconnectGaps(emulator: RunningEmulator, fault: (proxy: FaultProxy) => void, everyMs: number): Promise<number[]> {
  const proxy = await FaultProxy.start(emulator.url);
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  proxy.onAudio = (connection) => {
    const now = performance.now();
    if (!first.has(connection)) first.set(connection, now);
    last.set(connection, now);
  };
  const live = new LiveConnection({
    model: createLiveModel({ backend: 'emulator', emulatorUrl: proxy.url }),
    params: sessionParamsFor({ id: 'guard', name: 'Edda', persona: 'You are Edda, the gate guard.', voice: 'Kore' }),
    reconnectDelayMs: 50,
  });
  live.on('error', () => {});
  await live.connect();
  const chunk = new Float32Array(320);
  const pump = setInterval(() => live.sendAudio(chunk), 20);
  const faults = everyMs > 0 ? setInterval(() => fault(proxy), everyMs) : null;
  const deadline = Date.now() + 60_000;
  while (first.size <= SWITCHES && Date.now() < deadline) await sleep(50);
  clearInterval(pump);
  if (faults) clearInterval(faults);
  await live.close();
  await proxy.close();
  const gaps: number[] = [];
  for (let c = 1; first.has(c + 1); c++) gaps.push((first.get(c + 1) as number) - (last.get(c) as number));
  return gaps.slice(0, SWITCHES);
}

/** Lifecycle under faults: sessions left open after a soak of random sequences, and how long a reconnect silences the player. */
export const faultsSuite: Suite = {
  name: 'faults (Node, emulator behind the fault proxy)',
  async run(): Promise<Metric[]> {
    // goAway: the emulator's connections live 1.5 s and announce the end 1.2 s ahead.
    const shortLived = await startEmulator({ connectionLifetimeMs: 1500, goAwayLeadMs: 1200 });
    const goAway = await reconnectGaps(shortLived, () => {}, 0);
    await shortLived.close();
    const emulator = await startEmulator();
    const dropped = await reconnectGaps(emulator, (proxy) => proxy.dropAll(), 600);

    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const world: ModelWorld = { emulator, proxy: await FaultProxy.start(emulator.url), unhandled };
    const totalBefore = emulator.stats.sessionsTotal;
    let failures = 0;
    let firstFailure = '';
    for (const cmds of fc.sample(modelCommands(3000), { numRuns: SEQUENCES, seed: 20261204 })) {
      await runSequence(world, cmds).catch((error: unknown) => {
        failures++;
        firstFailure ||= `${error instanceof Error ? error.message : String(error)} in ${String(cmds)}`;
      });
    }
    await world.proxy.close();
    await sleep(2000); // closes in flight settle
    const leaked = emulator.stats.sessionsOpen;
    const sessions = emulator.stats.sessionsTotal - totalBefore;
    process.off('unhandledRejection', onUnhandled);
    await emulator.close();
    await closeSpeech();
    const both = [...goAway, ...dropped];
    return [
      {
        metric: 'sessions_leaked',
        value: leaked,
        unit: `sessions open after ${SEQUENCES} random sequences (N = ${sessions} sessions opened; ${failures} sequences broke an invariant${firstFailure ? `, first: ${firstFailure}` : ''}; ${unhandled.length} unhandled rejections)`,
        target: '0',
      },
      {
        metric: 'reconnect_gap_ms_p50',
        value: p50(both),
        unit: `ms, last player audio the emulator got before → first after (goAway p50 ${p50(goAway).toFixed(0)} ms, max ${Math.max(...goAway).toFixed(0)}, N = ${goAway.length}; dropped socket p50 ${p50(dropped).toFixed(0)} ms, max ${Math.max(...dropped).toFixed(0)}, N = ${dropped.length}; audio every 20 ms, on loopback)`,
        target: '≤ 300 ms',
      },
    ];
  },
};
