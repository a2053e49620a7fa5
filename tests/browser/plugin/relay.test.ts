import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/server.ts';
import { type RunningRelay, startRelay } from '../../../src/relay/relay.ts';
import { GUARD } from '../../support/characters.ts';
import { startTestEmulator } from '../../support/emulator.ts';
import { baseUrl, type Logged, npcLines, openHarness, useBrowser, waitFor } from './plugin-page.ts';

// The game in Chromium → our relay → an emulator that enforces App Check, as a game reaches real
// Gemini today (README, "Talk to real Gemini").
const browser = useBrowser();
let emulator: RunningEmulator;
let relay: RunningRelay;
beforeAll(async () => {
  emulator = await startEmulator({ appCheck: true, apiKey: 'relay-key' });
  relay = await startRelay({ apiKey: 'relay-key', allowedOrigins: [baseUrl], upstream: emulator.url });
});
afterAll(async () => {
  await relay?.close();
  await emulator?.close();
});

/** The harness game with App Check whose tokens the test mints (`ttlSeconds` each), counting them. */
async function openWithAppCheck(
  config: Record<string, unknown>,
  ttlSeconds: number,
  minter: RunningEmulator = emulator,
): Promise<{ page: Page; minted: () => number }> {
  let minted = 0;
  const page = await openHarness(
    browser(),
    { microphone: false, testAppCheck: true, ...config },
    {
      beforeBoot: async (p) => {
        await p.exposeFunction('mintAppCheck', () => {
          minted++;
          const token = minter.appCheck?.mint({ ttlSeconds }) ?? '';
          return { token, expireTimeMillis: Date.now() + ttlSeconds * 1000 };
        });
      },
    },
  );
  return { page, minted: () => minted };
}

const viaRelay = (through: RunningRelay = relay) => ({
  backend: 'googleAI' as const,
  firebaseConfig: { apiKey: 'browser-key', projectId: 'game', appId: '1:1:web:1' },
  relayUrl: through.url,
});

const errors = (log: Logged[]) => log.filter((l) => l.kind === 'error').map((l) => (l.data.error as { code: string }).code);
const actions = (log: Logged[]) => log.filter((l) => l.kind === 'action');

describe('Chromium → relay → emulator enforcing App Check', () => {
  it('a voice turn (greeting, the player speaks, the NPC answers), then a typed request runs the NPC’s action', async () => {
    // The fake microphone plays the plugin fixture (a spoken line after a pause) once.
    const { page, minted } = await openWithAppCheck({ ...viaRelay(), microphone: {} }, 600);
    await page.evaluate(() => window.h.talk());
    await waitFor(page, (l) => npcLines(l).length >= 2, 30_000);
    await page.evaluate(() => window.h.sendText('Open the gate, please.'));
    const log = await waitFor(page, (l) => actions(l).length === 1 && npcLines(l).length >= 3);
    expect(npcLines(log).slice(0, 2)).toEqual([GUARD.greeting, GUARD.lines[0]]);
    // The second line answered the player's voice: the guard heard them speak before it.
    const spoke = log.findIndex((l) => l.kind === 'state' && l.data.state === 'userSpeaking');
    const answered = log.findIndex((l) => l.kind === 'transcript' && l.data.final && l.data.text === GUARD.lines[0]);
    expect(spoke).toBeGreaterThan(-1);
    expect(spoke).toBeLessThan(answered);
    expect(actions(log)[0]?.data).toMatchObject({ name: 'open_gate', ok: true });
    expect(errors(log)).toEqual([]);
    expect(minted()).toBe(1);
    // The relay carried the session and holds nothing once the game ends it.
    await page.evaluate(() => window.h.plugin().endConversation());
    await expect.poll(() => relay.stats.open, { timeout: 5000 }).toBe(0);
    await page.close();
  });

  it('a goAway resume fetches a fresh token, and the conversation goes on', async () => {
    // Connections live 4 s and tokens 3 s here, so a resume that reused its first token would be refused.
    const short = await startTestEmulator({ appCheck: true, apiKey: 'relay-key', connectionLifetimeMs: 4000, goAwayLeadMs: 500 });
    const shortRelay = await startRelay({ apiKey: 'relay-key', allowedOrigins: [baseUrl], upstream: short.url });
    onTestFinished(() => shortRelay.close());
    const { page, minted } = await openWithAppCheck(viaRelay(shortRelay), 3, short);
    await page.evaluate(() => window.h.talk());
    await waitFor(page, (l) => npcLines(l).length >= 1);
    // Two goAways (every 4 s): each resume connects with a token minted then.
    await waitFor(page, (l) => l.filter((x) => x.kind === 'connection' && x.data.state === 'open').length >= 3, 15_000);
    expect(minted()).toBe(3);
    await page.evaluate(() => window.h.sendText('Who are you?'));
    const log = await waitFor(page, (l) => npcLines(l).length >= 2);
    expect(errors(log)).toEqual([]);
    await page.close();
  }, 30_000);
});

describe('Chromium → the enforcing emulator directly (no relay: the browser cannot send the header)', () => {
  it('talkTo fails with the typed app-check error that says what to do; the game goes on and the NPC answers through the relay after', async () => {
    // A game that never heard of the relay: its key is good, it has no App Check, it goes straight at the service.
    const direct = await startTestEmulator({ appCheck: true });
    const { page } = await openWithAppCheck({ emulatorUrl: direct.url, testAppCheck: false }, 600);
    const refused = await page.evaluate(() =>
      window.h
        .plugin()
        .talkTo(window.h.scene()?.guard as never)
        .then(
          () => null,
          (e: { code?: string; message?: string }) => ({ code: e.code, message: e.message }),
        ),
    );
    expect(refused?.code).toBe('app-check');
    expect(refused?.message).toMatch(/relay/i);
    // Same page, same scene: configured for the relay, the same NPC greets the player.
    await page.evaluate((config) => window.h.configure({ ...config, testAppCheck: true }), viaRelay());
    await page.evaluate(() => window.h.talk());
    const log = await waitFor(page, (l) => npcLines(l).length >= 1);
    expect(npcLines(log)).toEqual([GUARD.greeting]);
    await page.close();
  });
});
