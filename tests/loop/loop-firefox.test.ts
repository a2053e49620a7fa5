import { createServer, type ViteDevServer } from 'vite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AcousticLoop } from '../support/acoustic-loop.ts';
import { launch, type TestBrowser } from '../support/browsers.ts';
import {
  bargeIn,
  emulatorStats,
  guardReport,
  guardSpeaks,
  type LoopDemo,
  observed,
  openGuardOnLoopIn,
  writePlayerWav,
} from '../support/loop-scenarios.ts';

// Firefox ESR on the same kind of loop as loop.test.ts's Chromium: its private PulseAudio room
// (tests/support/browsers.ts) plays into a null sink whose monitor is its microphone. Firefox's own
// echo canceller plus the plugin's guard; `npm run bench -- --only=acoustic` reports the rates.
let server: ViteDevServer;
let browser: TestBrowser;
let room: AcousticLoop;
let baseUrl: string;
let playerWav: string;
let demo: LoopDemo | null = null;

beforeAll(async () => {
  server = await createServer({ configFile: 'vite.config.ts', server: { port: 0 }, logLevel: 'error' });
  await server.listen();
  const address = server.httpServer?.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await launch('firefox');
  room = browser.room as AcousticLoop;
  playerWav = await writePlayerWav();
});

// A page left open would go on hearing and talking in the room: close it whatever happened.
afterEach(async () => {
  await demo?.close();
  demo = null;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('Firefox ESR on a speaker → microphone loop (PulseAudio)', () => {
  it('the guard speaks line after line with nobody talking: never interrupted, and the emulator hears no user turn', async () => {
    demo = await openGuardOnLoopIn(browser, baseUrl);
    const before = await emulatorStats(baseUrl);
    await guardSpeaks(demo, 3);
    const after = await emulatorStats(baseUrl);
    const seen = await observed(demo);
    expect(
      seen.states.filter((s) => s.state === 'interrupted'),
      await guardReport(demo),
    ).toEqual([]);
    expect(after.speechTurns - before.speechTurns, await guardReport(demo)).toBe(0);
    // Firefox's own canceller is on (what its getSettings() reports for the plugin's track).
    expect(
      await demo.evaluate(
        () =>
          (window as unknown as { oakvale: { scene(): { npcVoice: { microphoneSettings: MediaTrackSettings } } } }).oakvale.scene().npcVoice
            .microphoneSettings.echoCancellation,
        null,
      ),
    ).toBe(true);
  });

  it('the player talks over the guard in the room: she stops, and the player is answered', async () => {
    demo = await openGuardOnLoopIn(browser, baseUrl);
    // bargeIn() throws unless she was interrupted, fell silent after the player's onset, and
    // answered; its onset → silence figure goes to the bench (one trial proves no percentile).
    // 0 is a result too: she was already silent at the player's onset and stayed so 300 ms.
    expect(await bargeIn(room, demo, playerWav)).toBeGreaterThanOrEqual(0);
  });
});
