import { join } from 'node:path';
import { Resampler } from '../../src/plugin/audio/dsp/resampler.ts';
import { DemoDriver } from '../../tests/support/demo-driver.ts';
import { FIXTURE_DIR } from '../../tests/support/fixtures.ts';
import { closeSpeech, concat, silence16k, speech16k } from '../../tests/support/speech.ts';
import { writeWav } from '../../tests/support/wav.ts';
import type { Metric, Suite } from '../metric.ts';
import { PageServer } from '../page-server.ts';

const QUESTIONS = [
  'Good evening, guard.',
  'Is the gate open tonight?',
  'I have travelled far.',
  'What is beyond the wall?',
  'Thank you, Edda.',
  'May I rest here?',
];
const WINDOW_MS = 10;

/** The player's side: a pause for the greeting, then each question followed by time for the answer. */
async function microphoneScript(): Promise<string> {
  const parts = [silence16k(7)];
  for (const q of QUESTIONS) parts.push(await speech16k(q), silence16k(5));
  const body = concat(...parts);
  const r = new Resampler(16000, 48000);
  const path = join(FIXTURE_DIR, 'bench-voice-to-voice.wav');
  writeWav(path, concat(r.process(body), r.flush()), 48000);
  await closeSpeech();
  return path;
}

/** Records what the microphone hears and what the game plays, frame-aligned on the audio thread. */
function tapMicrophoneSources(): void {
  // Music off: the output should hold the villager's voice only.
  localStorage.setItem('oakvale-settings', JSON.stringify({ musicVolume: 0 }));
  const w = window as unknown as { micSources: MediaStreamAudioSourceNode[] };
  w.micSources = [];
  const create = AudioContext.prototype.createMediaStreamSource;
  AudioContext.prototype.createMediaStreamSource = function (this: AudioContext, stream: MediaStream) {
    const node = create.call(this, stream);
    w.micSources.push(node);
    return node;
  };
}

/**
 * Voice to voice in the demo page: from the end of the player's speech (in the microphone signal)
 * to the first audible sample of the reply (in the game's output), both recorded by one worklet so
 * they share a clock. The service's silence window (500 ms) is inside the figure, as a player feels it.
 */
export const demoSuite: Suite = {
  name: 'demo (Chromium, dev server + emulator)',
  async run(): Promise<Metric[]> {
    const wav = await microphoneScript();
    const pages = await PageServer.start({ microphoneWav: wav, noLoop: true });
    try {
      const demo = await DemoDriver.open(pages.browser, pages.baseUrl, { initScript: tapMicrophoneSources });
      await demo.walkToNpc('guard');
      await demo.page.keyboard.press('e');
      await demo.page.waitForFunction(() => (window as unknown as { micSources: unknown[] }).micSources.length > 0);
      await demo.page.evaluate(async (windowMs) => {
        const w = window as unknown as {
          oakvale: { game: { sound: { context: AudioContext; masterVolumeNode: AudioNode } } };
          micSources: AudioNode[];
          env: number[][];
        };
        const { context, masterVolumeNode } = w.oakvale.game.sound;
        await context.audioWorklet.addModule('/tests/browser/pages/recorder.worklet.js');
        const rec = new AudioWorkletNode(context, 'test-recorder', { numberOfInputs: 2, numberOfOutputs: 1, outputChannelCount: [1] });
        const per = Math.round((context.sampleRate * windowMs) / 1000);
        w.env = [[], []];
        let acc = [0, 0];
        let n = 0;
        rec.port.onmessage = (e) => {
          if (e.data.type !== 'block') return;
          const [mic, out] = e.data.channels as [Float32Array, Float32Array];
          for (let i = 0; i < mic.length; i++) {
            acc = [(acc[0] as number) + (mic[i] as number) ** 2, (acc[1] as number) + (out[i] as number) ** 2];
            if (++n === per) {
              w.env[0]?.push(Math.sqrt((acc[0] as number) / per));
              w.env[1]?.push(Math.sqrt((acc[1] as number) / per));
              acc = [0, 0];
              n = 0;
            }
          }
        };
        (w.micSources.at(-1) as AudioNode).connect(rec, 0, 0);
        masterVolumeNode.connect(rec, 0, 1);
        rec.connect(context.destination);
      }, WINDOW_MS);
      const seconds = 7 + QUESTIONS.length * 7.5;
      await demo.page.waitForTimeout(seconds * 1000);
      const [mic, out] = await demo.page.evaluate(() => (window as unknown as { env: number[][] }).env);
      await demo.page.close();
      const latencies = voiceToVoice(mic as number[], out as number[]);
      if (latencies.length < 3) throw new Error(`only ${latencies.length} replies were measured`);
      const sorted = [...latencies].sort((a, b) => a - b);
      const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
      return [
        {
          metric: 'voice_to_voice_ms_p50',
          value: q(0.5),
          unit: `ms (${latencies.length} turns, 500 ms silence window included)`,
          target: '≤ 700 ms (emulator)',
        },
        { metric: 'voice_to_voice_ms_p95', value: q(0.95), unit: 'ms' },
      ];
    } finally {
      await pages.close();
    }
  },
};

/** Each end of speech in `mic` to the next onset of sound in `out`, in ms. */
export function voiceToVoice(mic: number[], out: number[]): number[] {
  const loud = (v: number) => v > 10 ** (-40 / 20);
  const ends: number[] = [];
  let speaking = false;
  let quiet = 0;
  for (let i = 0; i < mic.length; i++) {
    if (loud(mic[i] as number)) {
      speaking = true;
      quiet = 0;
    } else if (speaking && ++quiet * WINDOW_MS >= 450) {
      ends.push(i - quiet + 1);
      speaking = false;
    }
  }
  const latencies: number[] = [];
  for (const end of ends) {
    for (let i = end; i < out.length; i++) {
      if (loud(out[i] as number)) {
        latencies.push((i - end) * WINDOW_MS);
        break;
      }
    }
  }
  return latencies;
}
