import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/server.ts';
import { Conversation, sessionParamsFor } from '../../../src/plugin/dialogue/conversation.ts';
import type { NpcDefinition } from '../../../src/plugin/dialogue/npc.ts';
import { EarlyConnect } from '../../../src/plugin/game/early-connect.ts';
import { LiveConnection, type LiveConnectionOptions } from '../../../src/plugin/live/live-connection.ts';
import { createLiveModel } from '../../../src/plugin/live/live-model.ts';
import { FakeVoice, LOUD, QUIET } from '../../support/fakes.ts';
import { FaultProxy } from '../../support/fault-proxy.ts';
import { closeSpeech } from '../../support/speech.ts';
import { sleep, until } from '../../support/until.ts';

const guard: NpcDefinition = {
  id: 'guard',
  name: 'Edda',
  persona: 'You are Edda, the stern gate guard of Oakvale.',
  voice: 'Kore',
  greeting: 'Halt! Who goes there?',
  sampleLines: ['The gate stays shut after dark.', 'State your business, traveller.'],
  actions: {
    open_gate: {
      description: 'Opens the village gate.',
      handler: () => new Promise((resolve) => setTimeout(() => resolve({ message: 'The gate swings open.' }), 300)),
    },
  },
};

let emulator: RunningEmulator;
let proxy: FaultProxy;
beforeAll(async () => {
  emulator = await startEmulator();
  proxy = await FaultProxy.start(emulator.url);
});
afterEach(() => proxy.reset());
afterAll(async () => {
  await proxy?.close();
  await emulator?.close();
  await closeSpeech();
});

function connection(extra: Partial<LiveConnectionOptions> = {}): LiveConnection {
  return new LiveConnection({
    model: createLiveModel({ backend: 'emulator', emulatorUrl: proxy.url }),
    params: sessionParamsFor(guard),
    reconnectDelayMs: 50,
    ...extra,
  });
}

/** Sessions the emulator has open now (it counts them as the sockets open and close). */
const upstreamOpen = () => emulator.stats.sessionsOpen;

describe('LiveConnection under a slow handshake', () => {
  it('close() while the handshake is under way: the session that completes afterwards is closed, never used', async () => {
    proxy.set({ handshakeDelayMs: 400 });
    const live = connection();
    const states: string[] = [];
    live.on('stateChange', ({ state }) => states.push(state));
    const connecting = live.connect();
    await sleep(100);
    await live.close();
    await connecting;
    await sleep(700); // the handshake would have completed by now
    expect(live.state).toBe('closed');
    expect(states).not.toContain('open');
    await until(() => upstreamOpen() === 0, 'the emulator to have no session open');
  });

  it('connect() while connecting returns the open under way instead of opening a second session', async () => {
    proxy.set({ handshakeDelayMs: 300 });
    const before = proxy.counts.connections;
    const live = connection();
    const first = live.connect();
    await expect(live.connect()).resolves.toBeUndefined();
    await first;
    expect(live.state).toBe('open');
    expect(proxy.counts.connections - before).toBe(1);
    await live.close();
    await until(() => upstreamOpen() === 0, 'the emulator to have no session open');
  });

  it('early connect: a conversation handed a connection still handshaking waits for it and greets on it', async () => {
    proxy.set({ handshakeDelayMs: 800 });
    const before = proxy.counts.connections;
    const early = new EarlyConnect();
    early.prepare('guard', () => connection());
    await sleep(50); // the player crossed into talking range well before the handshake ends
    const live = early.take('guard');
    expect(live?.state).toBe('connecting');
    const talk = new Conversation({ npc: guard, live: live as LiveConnection, voice: new FakeVoice() });
    await talk.start();
    expect(talk.state).toBe('thinking'); // greeting sent on the prepared connection
    expect(proxy.counts.connections - before).toBe(1);
    await talk.end();
    await until(() => upstreamOpen() === 0, 'the emulator to have no session open');
    await early.destroy();
  });

  it('early connect dropped while handshaking (the player walked away): no session stays open', async () => {
    proxy.set({ handshakeDelayMs: 400 });
    const early = new EarlyConnect();
    early.prepare('guard', () => connection());
    await sleep(50);
    await early.drop('guard');
    await sleep(700);
    expect(upstreamOpen()).toBe(0);
  });
});

describe('LiveConnection: a resumption handle the service refuses', () => {
  it('connect() with a handle the service no longer knows starts a fresh session and forgets the handle', async () => {
    const live = connection({ resumeHandle: 'expired-handle-from-yesterday' });
    const resumable: (string | null)[] = [];
    live.on('resumable', ({ handle }) => resumable.push(handle));
    await live.connect();
    expect(live.state).toBe('open');
    expect(resumable[0]).toBeNull(); // the refused handle is given up first
    await until(() => live.resumptionHandle !== null, 'a fresh handle');
    expect(live.resumptionHandle).not.toBe('expired-handle-from-yesterday');
    await live.close();
  });

  it('a refused handle on connect (proxy refuses any handle): the NPC is still reachable', async () => {
    proxy.set({ refuseHandles: true });
    const first = connection();
    await first.connect();
    await until(() => first.resumptionHandle !== null, 'a handle');
    const handle = first.resumptionHandle as string;
    await first.close();
    const live = connection({ resumeHandle: handle });
    await live.connect();
    expect(live.state).toBe('open');
    expect(proxy.counts.refusedHandles).toBeGreaterThanOrEqual(1);
    await live.close();
  });
});

describe('LiveConnection: nothing the player says or does is lost silently', () => {
  it('audio held during a reconnect that then fails is reported as dropped when the connection closes', async () => {
    const live = connection({ maxReconnectAttempts: 1 });
    const dropped: { samples: number; reason: string }[] = [];
    live.on('audioDropped', (e) => dropped.push(e));
    live.on('error', () => {});
    await live.connect();
    proxy.set({ handshakeDelayMs: 3000 });
    proxy.dropAll();
    await until(() => live.state === 'reconnecting', 'reconnecting');
    for (let i = 0; i < 10; i++) live.sendAudio(QUIET);
    await live.close();
    expect(dropped.reduce((n, d) => n + d.samples, 0)).toBe(10 * 320);
  });

  it('every chunk sent around a dropped socket reaches the service or is reported dropped', async () => {
    const live = connection();
    let dropped = 0;
    live.on('audioDropped', ({ samples }) => {
      dropped += samples;
    });
    live.on('error', () => {});
    await live.connect();
    const before = proxy.counts.audioSamples;
    let sent = 0;
    for (let i = 0; i < 150; i++) {
      live.sendAudio(i % 2 ? LOUD : QUIET);
      sent += 320;
      if (i === 40) proxy.dropAll();
      await sleep(4);
    }
    await until(() => live.state === 'open', 'reopened');
    await sleep(300);
    expect(proxy.counts.audioSamples - before + dropped).toBeGreaterThanOrEqual(sent);
    await live.close();
  });

  it('a tool response due while reconnecting is sent on the new connection', async () => {
    const live = connection();
    await live.connect();
    const talk = new Conversation({ npc: guard, live, voice: new FakeVoice(), greet: false });
    const actions: boolean[] = [];
    talk.on('action', (a) => actions.push(a.ok));
    await talk.start();
    const responsesBefore = emulator.stats.unknownToolResponses;
    talk.sendText('Please open the gate.');
    await until(() => emulator.stats.toolCalls > 0, 'the tool call');
    await sleep(50);
    proxy.set({ handshakeDelayMs: 600 });
    proxy.dropAll(); // the handler (300 ms) finishes while the connection is resuming
    await until(() => actions.length === 1, 'the action');
    await until(() => live.state === 'open', 'reopened');
    await sleep(200);
    expect(actions).toEqual([true]);
    // The resumed session has no pending call any more, so the answer arrives as unknown: it was sent.
    expect(emulator.stats.unknownToolResponses - responsesBefore).toBe(1);
    await talk.end();
  });

  it('a line typed while reconnecting is sent once the connection is back, not thrown away', async () => {
    const live = connection();
    const talk = new Conversation({ npc: guard, live, voice: new FakeVoice(), greet: false });
    await talk.start();
    const textTurns = emulator.stats.textTurns;
    proxy.set({ handshakeDelayMs: 500 });
    proxy.dropAll();
    await until(() => live.state === 'reconnecting', 'reconnecting');
    expect(() => talk.sendText('Are you still there?')).not.toThrow();
    await until(() => live.state === 'open', 'reopened');
    await until(() => emulator.stats.textTurns > textTurns, 'the line to reach the service');
    expect(talk.history.at(-1)?.text).toBe('Are you still there?');
    await talk.end();
  });
});

describe('a close the service means for good', () => {
  it.each([1007, 1008])('%i ends the conversation in error, and audio after it is reported, not lost', async (code) => {
    const live = connection();
    let dropped = 0;
    live.on('audioDropped', ({ samples }) => {
      dropped += samples;
    });
    const talk = new Conversation({ npc: guard, live, voice: new FakeVoice(), greet: false });
    const errors: string[] = [];
    talk.on('error', ({ error }) => errors.push(error.code));
    await talk.start();
    proxy.closeAll(code, 'fault');
    await until(() => live.state === 'closed', 'closed');
    expect(talk.state).toBe('error');
    expect(errors).toHaveLength(1);
    for (let i = 0; i < 5; i++) live.sendAudio(QUIET);
    expect(dropped).toBe(5 * 320);
    await talk.end();
  });
});

describe('the service closes just as the player ends the conversation', () => {
  it('a close of ours on a healthy connection reports nothing dropped (everything sent arrives)', async () => {
    const live = connection();
    let dropped = 0;
    live.on('audioDropped', ({ samples }) => {
      dropped += samples;
    });
    await live.connect();
    const before = proxy.counts.audioSamples;
    for (let i = 0; i < 12; i++) live.sendAudio(QUIET);
    await live.close();
    await until(() => proxy.counts.audioSamples - before === 12 * 320, 'every chunk to arrive');
    expect(dropped).toBe(0);
  });

  it('chunks sent into the crossing closes reach the service or are reported dropped', async () => {
    for (let round = 0; round < 5; round++) {
      const live = connection();
      let dropped = 0;
      live.on('audioDropped', ({ samples }) => {
        dropped += samples;
      });
      await live.connect();
      const before = proxy.counts.audioSamples;
      for (let i = 0; i < 12; i++) live.sendAudio(QUIET);
      proxy.closeAll(1000, 'Session ended by the service.');
      await live.close();
      await until(() => upstreamOpen() === 0, 'the emulator to have no session open');
      expect(proxy.counts.audioSamples - before + dropped).toBeGreaterThanOrEqual(12 * 320);
    }
  });
});

describe('the fault proxy itself', () => {
  it('holds the service’s frames until released, then delivers them in order', async () => {
    const live = connection();
    await live.connect();
    const got: string[] = [];
    live.on('audio', () => got.push('audio'));
    live.on('turnComplete', () => got.push('turnComplete'));
    proxy.set({ holdDownstream: true });
    live.sendText('Hello there.');
    await sleep(600);
    expect(got).toEqual([]);
    proxy.set({ holdDownstream: false });
    await until(() => got.includes('turnComplete'), 'the reply');
    expect(got[0]).toBe('audio');
    expect(got.at(-1)).toBe('turnComplete');
    await live.close();
  });

  it('caps the bandwidth: the reply takes at least its size over the cap (well over its real-time length)', async () => {
    const live = connection();
    await live.connect();
    let bytes = 0;
    let done = false;
    live.on('audio', ({ samples }) => {
      bytes += samples.length * 2;
    });
    live.on('turnComplete', () => {
      done = true;
    });
    proxy.set({ bandwidthBytesPerSec: 24_000 });
    const t0 = Date.now();
    live.sendText('Hello there.');
    await until(() => done, 'the reply', 20_000);
    const seconds = (Date.now() - t0) / 1000;
    // base64 carries 4 bytes for every 3 of audio.
    expect(seconds).toBeGreaterThanOrEqual((bytes * 4) / 3 / 24_000 - 0.2);
    await live.close();
  });
});
