import type { Metric, Suite } from '../metric.ts';
import { PageServer } from '../page-server.ts';

/** Capture and playback codecs vs Firebase's startAudioConversation, in real Chromium. */
export const audioSuite: Suite = {
  name: 'audio pipeline (Chromium)',
  async run(): Promise<Metric[]> {
    const pages = await PageServer.start();
    try {
      const page = await pages.open('/bench/pages/audio-bench.html');
      await page.waitForFunction(() => 'bench' in window);
      const r = await page.evaluate(() => window.bench.run());
      const against = 'firebase/ai startAudioConversation';
      return [
        {
          metric: 'alias_attenuation_db',
          value: r.alias.ours,
          unit: 'dB',
          reference: r.alias.theirs,
          target: '≥ 70 dB',
          against,
        },
        {
          metric: 'capture_messages_per_s',
          value: r.messagesPerSecond.ours,
          unit: 'msg/s',
          reference: r.messagesPerSecond.theirs,
          target: '50/s',
          against,
        },
        {
          metric: 'capture_encode_ratio',
          value: r.encodeMs.ours,
          unit: `ms per ${r.encodeMs.audioSeconds} s of audio`,
          reference: r.encodeMs.theirs,
          ratio: r.encodeMs.ours / r.encodeMs.theirs,
          target: '≤ 1.0× (ours/theirs)',
          against,
        },
        {
          metric: 'playback_decode_speedup',
          value: r.decodeMs.ours,
          unit: `ms per ${r.decodeMs.audioSeconds} s of audio`,
          reference: r.decodeMs.theirs,
          ratio: r.decodeMs.theirs / r.decodeMs.ours,
          target: '≥ 3× (theirs/ours)',
          against,
        },
      ];
    } finally {
      await pages.close();
    }
  },
};
