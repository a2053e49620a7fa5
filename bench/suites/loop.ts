import type { Browser } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import { AcousticLoop, loopUnavailable } from '../../tests/support/acoustic-loop.ts';
import {
  bargeIn,
  emulatorStats,
  guardSpeaks,
  observed,
  openGuardOnLoop,
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

/**
 * On the real speaker → microphone loop (tests/support/acoustic-loop.ts): the demo in headed
 * Chromium, the emulator behind the dev server, the guard talking through PulseAudio's speakers
 * into its microphone. When the loop cannot be built here, the suite says why and reports nothing.
 */
export const loopSuite: Suite = {
  name: 'acoustic loop (PulseAudio speakers → microphone, headed Chromium, emulator)',
  async run(): Promise<Metric[]> {
    const why = loopUnavailable();
    if (why) throw new Error(`the acoustic loop cannot be built here: ${why}`);
    const loop = await AcousticLoop.start();
    let server: ViteDevServer | null = null;
    let browser: Browser | null = null;
    try {
      server = await createServer({ configFile: 'vite.config.ts', server: { port: 0 }, logLevel: 'error' });
      await server.listen();
      const address = server.httpServer?.address();
      const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      browser = await loop.launchChromium();
      const wav = await writePlayerWav();

      // 1. Ten lines with nobody talking, canceller on: every `interrupted` is the guard cutting herself off.
      let demo = await openGuardOnLoop(browser, baseUrl);
      const before = await emulatorStats(baseUrl);
      await guardSpeaks(demo, LINES);
      const after = await emulatorStats(baseUrl);
      const seen = await observed(demo);
      const selfInterruptions = seen.states.filter((s) => s.state === 'interrupted').length;
      const onLoss = seen.echo.map((e) => e.returnLossDb);
      // The NPC's pauses that the probe then found were its own echo (it played on ~⅓ s later).
      const falsePauses = await demo.page.evaluate(
        () =>
          (window as unknown as { oakvale: { scene(): { npcVoice: { echoStatus: { falseAlarms: number } | null } } } }).oakvale.scene()
            .npcVoice.echoStatus?.falseAlarms ?? 0,
      );
      await demo.page.close();

      // 2. The player talks over her, 3. the player talks while she listens.
      const bargeIns: number[] = [];
      const voiceToVoice: number[] = [];
      demo = await openGuardOnLoop(browser, baseUrl);
      for (let i = 0; i < TRIALS; i++) {
        bargeIns.push(await bargeIn(loop, demo, wav, 300 + 200 * i)); // her lines are 2–4 s
        voiceToVoice.push(await roomVoiceToVoice(loop, demo, wav));
      }
      await demo.page.close();

      // 4. The same lines with the canceller off: how much louder her voice is at the microphone.
      demo = await openGuardOnLoop(browser, baseUrl, { echoCancellation: false });
      await guardSpeaks(demo, 3);
      const offLoss = (await observed(demo)).echo.map((e) => e.returnLossDb);
      await demo.page.close();
      if (onLoss.length === 0 || offLoss.length === 0) throw new Error('no echo estimates were reported');

      const on = median(onLoss);
      const off = median(offLoss);
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
          value: on,
          unit: 'dB (canceller on; NPC level at the mic below as played)',
          reference: off,
          against: 'canceller off',
        },
      ];
    } finally {
      await browser?.close();
      await server?.close();
      await loop.stop();
    }
  },
};
