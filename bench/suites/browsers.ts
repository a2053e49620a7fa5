import { createServer } from 'vite';
import { BROWSERS, type BrowserName, launch, type TestPage } from '../../tests/support/browsers.ts';
import { makeFixtures } from '../../tests/support/fixtures.ts';
import { type Metric, percentile, type Suite } from '../metric.ts';

/** Spoken turns measured per browser (a p50 and a p90 each). */
const TURNS = 20;
/** The reply's onset: the first 10 ms of the game's mix louder than −40 dBFS. */
const ONSET_RMS = 0.01;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(page: TestPage, check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(check, null))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * Voice to voice in one browser, in the plugin's test page (a Phaser 4 scene, the emulator behind
 * the dev server): the question is scripted into the conversation in real time (WebKit has no
 * microphone here), and the figure runs from the arrival of its last loud chunk to the first
 * audible 10 ms of the reply in the game's mix, both stamped on the audio thread.
 */
async function turnsIn(name: BrowserName, baseUrl: string, question: string): Promise<number[]> {
  const browser = await launch(name);
  try {
    const page = await browser.newPage(`${baseUrl}/tests/browser/pages/plugin.html`);
    await page.waitFor(() => 'h' in window);
    const { sampleRate } = await page.evaluate(() => window.h.boot({ microphone: false }), null);
    await page.evaluate(() => window.h.talk(), null);
    const lines = () => window.h.log.filter((l) => l.kind === 'transcript' && l.data.speaker === 'npc' && l.data.final).length;
    await until(page, () => window.h.state() === 'listening', 'the greeting');
    const latencies: number[] = [];
    for (let turn = 0; turn < TURNS; turn++) {
      const before = await page.evaluate(lines, null);
      await page.evaluate((url) => window.h.speak(url), question);
      // Until she is listening again with one more whole line: the reply has been heard to the end.
      await page.evaluate(async (n) => {
        for (;;) {
          const heard = window.h.log.filter((l) => l.kind === 'transcript' && l.data.speaker === 'npc' && l.data.final).length;
          if (window.h.state() === 'listening' && heard > n) return;
          await new Promise((r) => setTimeout(r, 50));
        }
      }, before);
      const onset = await page.evaluate(
        ([level, win]) => {
          const end = window.h.marks.speechEnd as number;
          return { end, at: window.h.onsetAfter(end, level, win) };
        },
        [ONSET_RMS, Math.round(sampleRate / 100)] as const,
      );
      if (onset.at < 0) throw new Error(`${name}: reply ${turn + 1} never became audible in the mix`);
      latencies.push(((onset.at - onset.end) / sampleRate) * 1000);
    }
    const errors = await page.evaluate(() => window.h.errors, null);
    if (errors.length > 0) throw new Error(`${name}: page errors: ${errors.join('; ')}`);
    await page.close();
    return latencies;
  } finally {
    await browser.close();
  }
}

/** `voice_to_voice_ms_p50`/`_p90` with a `browser` field, for Chromium, Firefox ESR and WebKitGTK. */
export const browsersSuite: Suite = {
  name: 'browsers (Chromium, Firefox ESR, WebKitGTK: plugin page + emulator)',
  async run(): Promise<Metric[]> {
    const fixtures = await makeFixtures();
    const server = await createServer({ configFile: 'vite.config.ts', server: { port: 0 }, logLevel: 'error' });
    await server.listen();
    const address = server.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('Vite dev server has no TCP address');
    const baseUrl = `http://127.0.0.1:${address.port}`;
    const metrics: Metric[] = [];
    try {
      for (const name of BROWSERS) {
        const sorted = (await turnsIn(name, baseUrl, fixtures.urls.question16k)).sort((a, b) => a - b);
        const unit = `ms (${sorted.length} turns, ${sorted[0]?.toFixed(0)}–${sorted.at(-1)?.toFixed(0)} ms; the emulator's 500 ms silence window included)`;
        metrics.push(
          { metric: 'voice_to_voice_ms_p50', browser: name, value: percentile(sorted, 0.5), unit, target: '≤ 700 ms (emulator)' },
          { metric: 'voice_to_voice_ms_p90', browser: name, value: percentile(sorted, 0.9), unit },
        );
      }
    } finally {
      await server.close();
    }
    return metrics;
  },
};
