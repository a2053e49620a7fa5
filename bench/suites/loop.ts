import { createServer, type ViteDevServer } from 'vite';
import { AcousticLoop, loopUnavailable } from '../../tests/support/acoustic-loop.ts';
import { launch } from '../../tests/support/browsers.ts';
import {
  bargeIn,
  emulatorStats,
  guardSpeaks,
  type LoopDemo,
  observed,
  openGuardOnLoop,
  openGuardOnLoopIn,
  roomVoiceToVoice,
  writePlayerWav,
} from '../../tests/support/loop-scenarios.ts';
import type { Metric, Suite } from '../metric.ts';

const LINES = 10;
const TRIALS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] as number;
}

type Open = (options?: { echoCancellation?: boolean }) => Promise<LoopDemo>;

/** The loop figures in one browser: `open` puts the demo on `loop`, next to the guard, greeting done. */
async function measure(browser: string, loop: AcousticLoop, open: Open, baseUrl: string, wav: string): Promise<Metric[]> {
  // 1. Ten lines with nobody talking, canceller on: every `interrupted` is the guard cutting herself off.
  let demo = await open();
  const before = await emulatorStats(baseUrl);
  await guardSpeaks(demo, LINES);
  const after = await emulatorStats(baseUrl);
  const seen = await observed(demo);
  const selfInterruptions = seen.states.filter((s) => s.state === 'interrupted').length;
  const onLoss = seen.echo.map((e) => e.returnLossDb);
  // The NPC's pauses that the probe then found were its own echo (it played on ~⅓ s later).
  const falsePauses = await demo.evaluate(
    () =>
      (window as unknown as { oakvale: { scene(): { npcVoice: { echoStatus: { falseAlarms: number } | null } } } }).oakvale.scene().npcVoice
        .echoStatus?.falseAlarms ?? 0,
  );
  await demo.close();

  // 2. The player talks over her, 3. the player talks while she listens.
  const bargeIns: number[] = [];
  const voiceToVoice: number[] = [];
  demo = await open();
  for (let i = 0; i < TRIALS; i++) {
    bargeIns.push(await bargeIn(loop, demo, wav, 300 + 200 * i)); // her lines are 2–4 s
    voiceToVoice.push(await roomVoiceToVoice(loop, demo, wav));
  }
  await demo.close();

  // 4. The same lines with the canceller off: how much louder her voice is at the microphone.
  demo = await open({ echoCancellation: false });
  await guardSpeaks(demo, 3);
  const offLoss = (await observed(demo)).echo.map((e) => e.returnLossDb);
  await demo.close();
  if (onLoss.length === 0 || offLoss.length === 0) throw new Error(`${browser}: no echo estimates were reported`);

  return [
    {
      metric: 'self_interruptions',
      value: selfInterruptions,
      unit: `of ${LINES} lines (user turns the emulator heard: ${after.speechTurns - before.speechTurns})`,
      target: '0',
    },
    {
      metric: 'npc_false_pauses',
      value: falsePauses,
      unit: `of ${LINES} lines (the NPC paused for its own echo, then played on)`,
      target: '0',
    },
    {
      metric: 'barge_in_ms_p50',
      value: median(bargeIns),
      unit: `ms (trials: ${bargeIns.join(', ')}; onset → NPC silent)`,
      target: '≤ 400 ms',
    },
    {
      metric: 'loop_voice_to_voice_ms_p50',
      value: median(voiceToVoice),
      unit: `ms (turns: ${voiceToVoice.join(', ')}; 500 ms silence window included)`,
      target: '≤ 800 ms',
    },
    {
      metric: 'echo_return_loss_db',
      value: median(onLoss),
      unit: 'dB (canceller on; NPC level at the mic below as played)',
      reference: median(offLoss),
      against: 'canceller off',
    },
  ].map((m) => ({ ...m, browser }));
}

/**
 * On the real speaker → microphone loop (tests/support/acoustic-loop.ts): the demo in headed
 * Chromium, then in Firefox ESR (its own PulseAudio room, tests/support/browsers.ts), the emulator
 * behind the dev server, the guard talking through PulseAudio's speakers into its microphone. When
 * the loop cannot be built here, the suite says why and reports nothing.
 */
export const loopSuite: Suite = {
  name: 'acoustic loop (PulseAudio speakers → microphone, headed Chromium and Firefox ESR, emulator)',
  async run(): Promise<Metric[]> {
    const why = loopUnavailable();
    if (why) throw new Error(`the acoustic loop cannot be built here: ${why}`);
    let server: ViteDevServer | null = null;
    try {
      server = await createServer({ configFile: 'vite.config.ts', server: { port: 0 }, logLevel: 'error' });
      await server.listen();
      const address = server.httpServer?.address();
      const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const wav = await writePlayerWav();
      const metrics: Metric[] = [];
      const loop = await AcousticLoop.start();
      try {
        const chromium = await loop.launchChromium();
        try {
          metrics.push(...(await measure('chromium', loop, (o) => openGuardOnLoop(chromium, baseUrl, o), baseUrl, wav)));
        } finally {
          await chromium.close();
        }
      } finally {
        await loop.stop();
      }
      const firefox = await launch('firefox');
      try {
        const room = firefox.room as AcousticLoop;
        metrics.push(...(await measure('firefox', room, (o) => openGuardOnLoopIn(firefox, baseUrl, o), baseUrl, wav)));
      } finally {
        await firefox.close();
      }
      return metrics;
    } finally {
      await server?.close();
    }
  },
};
