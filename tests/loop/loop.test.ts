import type { Browser } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AcousticLoop } from '../support/acoustic-loop.ts';
import { emulatorStats, guardReport, guardSpeaks, type LoopDemo, observed, openGuardOnLoop } from '../support/loop-scenarios.ts';

let loop: AcousticLoop;
let server: ViteDevServer;
let browser: Browser;
let baseUrl: string;
let demo: LoopDemo | null = null;

beforeAll(async () => {
  loop = await AcousticLoop.start();
  server = await createServer({ configFile: 'vite.config.ts', server: { port: 0 }, logLevel: 'error' });
  await server.listen();
  const address = server.httpServer?.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await loop.launchChromium();
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
    // The raw twin reached the guard, learnt the loop and found the output's lag in it.
    const raw = await demo.evaluate(
      () =>
        (
          window as unknown as {
            oakvale: { scene(): { npcVoice: { echoStatus: { rawTrack: { ready: boolean; lagMs: number | null } | null } | null } } };
          }
        ).oakvale.scene().npcVoice.echoStatus?.rawTrack ?? null,
    );
    expect(raw?.ready).toBe(true);
    expect(raw?.lagMs).toBeGreaterThan(0);
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
});
