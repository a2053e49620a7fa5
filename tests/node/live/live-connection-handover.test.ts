import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Conversation, sessionParamsFor } from '../../../src/plugin/dialogue/conversation.ts';
import { EarlyConnect } from '../../../src/plugin/game/early-connect.ts';
import { LiveConnection } from '../../../src/plugin/live/live-connection.ts';
import { createLiveModel } from '../../../src/plugin/live/live-model.ts';
import { guardNpc } from '../../support/characters.ts';
import { useEmulator } from '../../support/emulator.ts';
import { FakeVoice, LOUD, QUIET } from '../../support/fakes.ts';
import { FaultProxy } from '../../support/fault-proxy.ts';
import { closeSpeech } from '../../support/speech.ts';
import { sleep, until } from '../../support/until.ts';

const emulator = useEmulator();
const guard = guardNpc();
let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await FaultProxy.start(emulator().url);
});
afterEach(() => proxy.reset());
afterAll(async () => {
  await proxy?.close();
  await closeSpeech();
});

function connection(): LiveConnection {
  return new LiveConnection({
    model: createLiveModel({ backend: 'emulator', emulatorUrl: proxy.url }),
    params: sessionParamsFor(guard),
    reconnectDelayMs: 50,
  });
}

describe('a connection prepared ahead of time that is reconnecting when the player arrives', () => {
  it('talkTo on it waits for the reconnect and greets on the resumed session (no second session)', async () => {
    const early = new EarlyConnect();
    early.prepare('guard', () => connection());
    await sleep(10);
    const prepared = early.take('guard') as LiveConnection;
    // Not taken yet in the game's sense: put it back the way the plugin holds it, opened.
    await prepared.connect();
    await until(() => prepared.resumptionHandle !== null, 'a resumption handle');
    prepared.on('error', () => {});
    proxy.set({ handshakeDelayMs: 500 });
    proxy.dropAll();
    await until(() => prepared.state === 'reconnecting', 'reconnecting');
    const talk = new Conversation({ npc: guard, live: prepared, voice: new FakeVoice() });
    await talk.start();
    expect(prepared.state).toBe('open');
    expect(talk.state).toBe('thinking'); // the greeting went out on the resumed session
    expect(emulator().stats.sessionsOpen).toBe(1);
    await talk.end();
    await until(() => emulator().stats.sessionsOpen === 0, 'the emulator to have no session open');
    await early.destroy();
  });
});

describe('audio captured while the first connection is still handshaking', () => {
  it('is sent once the connection opens (held, bounded), or reported dropped — never lost silently', async () => {
    proxy.set({ handshakeDelayMs: 500 });
    const live = connection();
    let dropped = 0;
    live.on('audioDropped', ({ samples }) => {
      dropped += samples;
    });
    const talk = new Conversation({ npc: guard, live, voice: new FakeVoice(), greet: false });
    const before = proxy.counts.audioSamples;
    const starting = talk.start();
    let sent = 0;
    for (let i = 0; i < 20; i++) {
      talk.pushAudio(i % 2 ? LOUD : QUIET); // the microphone opened before the socket
      sent += 320;
      await sleep(10);
    }
    expect(live.state).toBe('connecting');
    await starting;
    await sleep(300);
    expect(proxy.counts.audioSamples - before).toBe(sent);
    expect(dropped).toBe(0);
    await talk.end();
  });
});
