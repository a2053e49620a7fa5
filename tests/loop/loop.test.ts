import type { Browser } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AcousticLoop } from '../support/acoustic-loop.ts';
import {
  bargeIn,
  emulatorStats,
  guardReport,
  guardSpeaks,
  type LoopDemo,
  observed,
  openGuardOnLoop,
  roomVoiceToVoice,
  writePlayerWav,
} from '../support/loop-scenarios.ts';

let loop: AcousticLoop;
let server: ViteDevServer;
let browser: Browser;
let baseUrl: string;
let playerWav: string;
let demo: LoopDemo | null = null;

beforeAll(async () => {
  loop = await AcousticLoop.start();
  server = await createServer({ configFile: 'vite.config.ts', server: { port: 0 }, logLevel: 'error' });
  await server.listen();
  const address = server.httpServer?.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await loop.launchChromium();
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
  await loop?.stop();
});

describe('on a real speaker → microphone loop (PulseAudio, headed Chromium under Xvfb)', () => {
  it('the guard speaks line after line with nobody talking: never interrupted, and the emulator hears no user turn', async () => {
    demo = await openGuardOnLoop(browser, baseUrl);
    const before = await emulatorStats(baseUrl);
    await guardSpeaks(demo, 3);
    const after = await emulatorStats(baseUrl);
    const seen = await observed(demo);
    expect(
      seen.states.filter((s) => s.state === 'interrupted'),
      await guardReport(demo),
    ).toEqual([]);
    expect(after.speechTurns - before.speechTurns, await guardReport(demo)).toBe(0);
    expect(
      await demo.evaluate(
        () =>
          (window as unknown as { oakvale: { scene(): { npcVoice: { microphoneSettings: MediaTrackSettings } } } }).oakvale.scene().npcVoice
            .microphoneSettings.echoCancellation,
      ),
    ).toBe(true);
  });

  it('the player talks over the guard in the room: she stops, the player is answered; onset → silence is measured', async () => {
    demo = await openGuardOnLoop(browser, baseUrl);
    const bargeInMs = await bargeIn(loop, demo, playerWav);
    // 0 is a result too: she was already silent at the player's onset and stayed so 300 ms.
    expect(bargeInMs).toBeGreaterThanOrEqual(0);
    // Chromium's canceller gates the player for a second or so of double talk on this loop
    // (npm run bench reports the figure); she must still stop well before her line ends.
    expect(bargeInMs).toBeLessThan(3000);
  });

  it('echo cancellation forced off: the echo guard measures the echo, holds the mic while she speaks, and she is still never interrupted', async () => {
    demo = await openGuardOnLoop(browser, baseUrl, { echoCancellation: false });
    await guardSpeaks(demo, 3);
    const seen = await observed(demo);
    expect(
      seen.states.filter((s) => s.state === 'interrupted'),
      await guardReport(demo),
    ).toEqual([]);
    const echoes = seen.echo.filter((e) => e.echo);
    expect(echoes.length).toBeGreaterThan(0);
    expect(echoes[0]?.echoCancellation).toBe(false);
    expect(echoes.every((e) => e.returnLossDb < 35)).toBe(true);
    expect(seen.echo.at(-1)?.state).toBe('echo');
  });

  it('end of the player’s speech in the room → the guard’s first sample at the speakers, measured over the loop', async () => {
    demo = await openGuardOnLoop(browser, baseUrl);
    const ms = await roomVoiceToVoice(loop, demo, playerWav);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(3000); // a sanity bound; npm run bench reports the figure
  });
});
