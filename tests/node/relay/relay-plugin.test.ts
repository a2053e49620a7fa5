import { initializeApp } from 'firebase/app';
import { type AppCheck, CustomProvider, initializeAppCheck } from 'firebase/app-check';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/server.ts';
import { Conversation, sessionParamsFor } from '../../../src/plugin/dialogue/conversation.ts';
import type { NpcDefinition } from '../../../src/plugin/dialogue/npc.ts';
import { LiveConnection } from '../../../src/plugin/live/live-connection.ts';
import { LiveError } from '../../../src/plugin/live/live-errors.ts';
import { createLiveModel, type LiveModelOptions } from '../../../src/plugin/live/live-model.ts';
import { type RunningRelay, startRelay } from '../../../src/relay/relay.ts';
import { GUARD, guardNpc } from '../../support/characters.ts';
import { startTestEmulator } from '../../support/emulator.ts';
import { RealTimeVoice } from '../../support/fakes.ts';
import { micChunks } from '../../support/mic.ts';
import { closeSpeech, concat, silence16k, speech16k } from '../../support/speech.ts';

let emulator: RunningEmulator;
let relay: RunningRelay;
beforeAll(async () => {
  emulator = await startEmulator({ appCheck: true, apiKey: 'relay-key' });
  relay = await startRelay({ apiKey: 'relay-key', allowedOrigins: [], allowNoOrigin: true, upstream: emulator.url });
});
afterAll(async () => {
  await relay?.close();
  await emulator?.close();
  await closeSpeech();
});

const GUARD_NPC: NpcDefinition = guardNpc();

let apps = 0;
/** The game's App Check: a custom provider handing out emulator tokens, counting how many. */
function gameAppCheck(ttlSeconds: number, minter: () => RunningEmulator = () => emulator): { appCheck: AppCheck; minted: () => number } {
  const app = initializeApp({ apiKey: 'browser-key', projectId: 'game', appId: '1:1:web:1' }, `relay-game-${apps++}`);
  let minted = 0;
  const provider = new CustomProvider({
    getToken: async () => {
      minted++;
      const token = minter().appCheck?.mint({ ttlSeconds }) ?? '';
      const { exp } = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as { exp: number };
      return { token, expireTimeMillis: exp * 1000 };
    },
  });
  return { appCheck: initializeAppCheck(app, { provider, isTokenAutoRefreshEnabled: false }), minted: () => minted };
}

function conversation(options: Omit<LiveModelOptions, 'backend'>, greet: boolean) {
  const live = new LiveConnection({
    model: createLiveModel({
      backend: 'googleAI',
      firebaseConfig: { apiKey: 'browser-key', projectId: 'game', appId: '1:1:web:1' },
      ...options,
    }),
    params: sessionParamsFor(GUARD_NPC, { mode: 'open-mic' }),
  });
  const talk = new Conversation({ npc: GUARD_NPC, live, voice: new RealTimeVoice(), mode: 'open-mic', greet });
  const lines: string[] = [];
  const errors: string[] = [];
  talk.on('transcript', (t) => t.speaker === 'npc' && t.final && lines.push(t.text));
  talk.on('error', ({ error }) => errors.push(error.code));
  return { talk, live, lines, errors };
}

async function frames(talk: Conversation, done: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out in state ${talk.state}`);
    talk.update();
    await new Promise((r) => setTimeout(r, 16));
  }
}

describe('plugin → relay → emulator enforcing App Check', () => {
  it('a voice turn: the greeting, the player speaks, the NPC answers', async () => {
    const { appCheck } = gameAppCheck(600);
    const c = conversation({ appCheck, relayUrl: relay.url }, true);
    await c.talk.start();
    await frames(c.talk, () => c.lines.length === 1 && c.talk.state === 'listening');
    for (const chunk of micChunks(concat(await speech16k('Good evening. May I come in?'), silence16k(1)))) c.talk.pushAudio(chunk);
    await frames(c.talk, () => c.lines.length === 2);
    expect(c.lines).toEqual([GUARD.greeting, GUARD.lines[0]]);
    expect(c.errors).toEqual([]);
    await c.talk.destroy();
  });

  it('each resume after goAway gets a token of its own, fetched when it connects', async () => {
    // Connections live 3 s and tokens 2 s here: a resume that reused the first token would be refused.
    // (Only here: under load, the voice turn above, spanning such a goAway, sometimes heard the
    // greeting twice; the cause is not pinned down, see the closing note of this change.)
    const short = await startTestEmulator({ appCheck: true, apiKey: 'relay-key', connectionLifetimeMs: 3000, goAwayLeadMs: 500 });
    const shortRelay = await startRelay({ apiKey: 'relay-key', allowedOrigins: [], allowNoOrigin: true, upstream: short.url });
    onTestFinished(() => shortRelay.close());
    const { appCheck, minted } = gameAppCheck(2, () => short);
    const c = conversation({ appCheck, relayUrl: shortRelay.url }, false);
    let opened = 0;
    c.live.on('stateChange', ({ state }) => {
      if (state === 'open') opened++;
    });
    await c.talk.start();
    expect(minted()).toBe(1);
    await frames(c.talk, () => opened === 3, 20_000);
    // Three connections, each after the last token expired: three tokens.
    expect(minted()).toBe(3);
    c.talk.sendText('Open the gate, please.');
    await frames(c.talk, () => c.lines.length === 1);
    expect(c.errors).toEqual([]);
    await c.talk.destroy();
  }, 30_000);
});

describe('App Check refusals as typed errors', () => {
  it('straight to the enforcing emulator (no relay, no header): a typed app-check error that says what to do', async () => {
    const direct = await startEmulator({ appCheck: true });
    const model = createLiveModel({ backend: 'emulator', emulatorUrl: direct.url });
    const error = await model.open({}).catch((e: unknown) => e);
    await direct.close();
    expect(error).toBeInstanceOf(LiveError);
    expect((error as LiveError).code).toBe('app-check');
    expect((error as LiveError).closeReason).toBe('Firebase App Check token is invalid.');
    expect((error as LiveError).message).toMatch(/relayUrl/);
  });

  it('a provider that cannot make a token → app-check, and no socket is opened', async () => {
    const app = initializeApp({ apiKey: 'k', projectId: 'game', appId: '1:1:web:1' }, 'relay-game-failing');
    const provider = new CustomProvider({
      getToken: async () => {
        throw new Error('attestation failed');
      },
    });
    const appCheck = initializeAppCheck(app, { provider, isTokenAutoRefreshEnabled: false });
    const before = relay.stats.total;
    const model = createLiveModel({ backend: 'googleAI', firebaseApp: app, appCheck, relayUrl: relay.url });
    await expect(model.open({})).rejects.toMatchObject({ code: 'app-check', message: /attestation failed/ });
    expect(relay.stats.total).toBe(before);
  });

  it('appCheck without relayUrl, or relayUrl without appCheck → invalid-request at once', () => {
    const { appCheck } = gameAppCheck(600);
    const firebaseConfig = { apiKey: 'k', projectId: 'game', appId: '1:1:web:1' };
    expect(() => createLiveModel({ backend: 'googleAI', firebaseConfig, appCheck })).toThrow(
      expect.objectContaining({ code: 'invalid-request' }),
    );
    expect(() => createLiveModel({ backend: 'googleAI', firebaseConfig, relayUrl: relay.url })).toThrow(
      expect.objectContaining({ code: 'invalid-request' }),
    );
  });
});
