import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Conversation, type ConversationState, sessionParamsFor } from '../../../src/plugin/dialogue/conversation.ts';
import { LiveConnection } from '../../../src/plugin/live/live-connection.ts';
import { createLiveModel } from '../../../src/plugin/live/live-model.ts';
import { guardNpc } from '../../support/characters.ts';
import { startTestEmulator, useEmulator } from '../../support/emulator.ts';
import { RealTimeVoice } from '../../support/fakes.ts';
import { micChunks } from '../../support/mic.ts';
import { closeSpeech, concat, silence16k, speech16k } from '../../support/speech.ts';

const guard = guardNpc();

const emulator = useEmulator();
afterAll(async () => {
  await closeSpeech();
});

interface Harness {
  talk: Conversation;
  live: LiveConnection;
  voice: RealTimeVoice;
  states: ConversationState[];
  npcLines: string[];
  errors: string[];
}

function harness(
  url: string,
  options: { mode?: 'open-mic' | 'push-to-talk'; greet?: boolean; live?: Partial<ConstructorParameters<typeof LiveConnection>[0]> } = {},
): Harness {
  const live = new LiveConnection({
    model: createLiveModel({ backend: 'emulator', emulatorUrl: url }),
    params: sessionParamsFor(guard, { mode: options.mode ?? 'open-mic' }),
    ...options.live,
  });
  const voice = new RealTimeVoice();
  const talk = new Conversation({ npc: guard, live, voice, mode: options.mode ?? 'open-mic', greet: options.greet ?? true });
  const h: Harness = { talk, live, voice, states: [], npcLines: [], errors: [] };
  talk.on('state', ({ state }) => h.states.push(state));
  talk.on('transcript', (t) => t.speaker === 'npc' && t.final && h.npcLines.push(t.text));
  talk.on('error', ({ error }) => h.errors.push(error.code));
  live.on('error', ({ error }) => h.errors.push(`live:${error.code}`));
  return h;
}

/** Runs the frame loop (update every 16 ms) until `done` or the timeout. */
async function frames(h: Harness, done: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline)
      throw new Error(`timed out in state ${h.talk.state}; states ${h.states.join(' → ')}; errors ${h.errors.join(', ')}`);
    h.talk.update();
    await new Promise((r) => setTimeout(r, 16));
  }
}

/** Feeds 16 kHz audio as 20 ms chunks, as the plugin's per-frame pump does (here faster than real time). */
function speak(h: Harness, samples: Float32Array): void {
  for (const chunk of micChunks(samples)) h.talk.pushAudio(chunk);
}

describe('Conversation + LiveConnection + real firebase/ai, against the emulator', () => {
  it('a full voice turn: greeting, the player speaks, the guard answers, back to listening', async () => {
    const h = harness(emulator().url);
    await h.talk.start();
    await frames(h, () => h.npcLines.length === 1 && h.talk.state === 'listening');
    expect(h.npcLines).toEqual(['Halt! Who goes there?']);
    speak(h, concat(await speech16k('Good evening, I would like to come in.'), silence16k(1)));
    await frames(h, () => h.npcLines.length === 2 && h.talk.state === 'listening');
    expect(h.npcLines[1]).toBe('The gate stays shut after dark.');
    expect(h.states.slice(0, 4)).toEqual(['connecting', 'thinking', 'speaking', 'listening']);
    expect(h.states).toContain('userSpeaking');
    expect(h.errors).toEqual([]);
    await h.talk.destroy();
  });

  it('a text turn that asks for an action runs it and speaks the result', async () => {
    const h = harness(emulator().url, { greet: false });
    const actions: string[] = [];
    h.talk.on('action', (a) => actions.push(`${a.name}:${a.ok}`));
    await h.talk.start();
    h.talk.sendText('Please open the gate.');
    await frames(h, () => h.npcLines.length === 1 && h.talk.state === 'listening');
    expect(actions).toEqual(['open_gate:true']);
    expect(h.npcLines[0]).toBe('The gate swings open.');
    await h.talk.destroy();
  });

  it('a call that breaks the schema is answered as an error, and the guard says so', async () => {
    const h = harness(emulator().url, { greet: false });
    const outcomes: unknown[] = [];
    h.talk.on('action', (a) => outcomes.push(a));
    await h.talk.start();
    h.talk.sendText('Ring the alarm bell!'); // no number: `times` is required
    await frames(h, () => h.npcLines.length === 1 && h.talk.state === 'listening');
    expect(outcomes).toMatchObject([
      { name: 'ring_bell', ok: false, response: { error: expect.stringMatching(/Invalid arguments for ring_bell/) } },
    ]);
    expect(h.npcLines[0]).toMatch(/^I could not ring bell: Invalid arguments/);
    await h.talk.destroy();
  });

  it('barge-in: the player talks over the guard, the voice is cleared, and the player is answered', async () => {
    const h = harness(emulator().url);
    await h.talk.start();
    await frames(h, () => h.talk.state === 'speaking');
    speak(h, concat(await speech16k('Sorry to interrupt, but this is urgent.'), silence16k(1)));
    await frames(h, () => h.states.includes('interrupted'));
    expect(h.voice.cleared).toBeGreaterThan(0);
    await frames(h, () => h.npcLines.length >= 2 && h.talk.state === 'listening');
    expect(h.npcLines[0]).not.toBe('Halt! Who goes there?'); // cut short: only what was heard
    await h.talk.destroy();
  });

  it('push-to-talk: nothing happens until the key; holding it sends the turn; releasing gets the answer', async () => {
    const h = harness(emulator().url, { mode: 'push-to-talk', greet: false });
    await h.talk.start();
    const words = concat(await speech16k('Can you hear me now?'), silence16k(0.2));
    speak(h, words); // key not held: not sent
    await new Promise((r) => setTimeout(r, 500));
    expect(emulator().stats.toJSON().audioSeconds).toBeGreaterThanOrEqual(0);
    expect(h.npcLines).toEqual([]);
    h.talk.pressTalk();
    speak(h, words);
    h.talk.releaseTalk();
    await frames(h, () => h.npcLines.length === 1 && h.talk.state === 'listening');
    expect(h.npcLines[0]).toBe('Halt! Who goes there?'); // its first words to us: the greeting
    await h.talk.destroy();
  });
});

describe('LiveConnection resilience', () => {
  it("goAway during the guard's line: the switch waits for its turn to end, then the conversation goes on", async () => {
    const shortLived = await startTestEmulator({ connectionLifetimeMs: 6000, goAwayLeadMs: 4500 });
    const h = harness(shortLived.url);
    const liveStates: string[] = [];
    h.live.on('stateChange', ({ state }) => liveStates.push(state));
    await h.talk.start();
    await frames(h, () => h.npcLines.length === 1 && h.talk.state === 'listening');
    expect(h.npcLines).toEqual(['Halt! Who goes there?']); // not cut by the switch
    await frames(h, () => shortLived.stats.resumed >= 1 && h.live.state === 'open');
    speak(h, concat(await speech16k('Let me in.'), silence16k(1)));
    await frames(h, () => h.npcLines.length === 2);
    expect(h.npcLines[1]).toBe('The gate stays shut after dark.'); // resumed: the next line, not a new greeting
    expect(liveStates).toEqual(expect.arrayContaining(['reconnecting', 'open']));
    await h.talk.destroy();
    await shortLived.close();
  });

  it('a switch forced mid-sentence loses no audio: what is said during it is held and sent on the new connection', async () => {
    const shortLived = await startTestEmulator({ connectionLifetimeMs: 2500, goAwayLeadMs: 2000 });
    const h = harness(shortLived.url, { greet: false });
    const dropped: number[] = [];
    h.live.on('audioDropped', ({ samples }) => dropped.push(samples));
    const switches: string[] = [];
    h.live.on('stateChange', ({ state }) => switches.push(state));
    await h.talk.start();
    const words = await speech16k('I have walked for three days through the rain and the mud, and I would very much like to come in now.');
    const talk = concat(words, words, silence16k(0.5));
    for (const chunk of micChunks(talk)) {
      h.talk.pushAudio(chunk);
      h.talk.update();
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(switches.filter((s) => s === 'reconnecting').length).toBeGreaterThanOrEqual(1);
    expect(dropped).toEqual([]);
    expect(shortLived.stats.audioSeconds).toBeCloseTo(talk.length / 16000, 1);
    await h.talk.destroy();
    await shortLived.close();
  });

  it('emulator killed mid-turn → reconnecting → recovered when it comes back', async () => {
    const port = 43000 + Math.floor(Math.random() * 2000);
    let child = await spawnEmulator(port);
    const h = harness(`http://127.0.0.1:${port}`, { live: { reconnectDelayMs: 200, maxReconnectAttempts: 12 } });
    await h.talk.start();
    await frames(h, () => h.talk.state === 'speaking');
    child.kill('SIGKILL');
    await frames(h, () => h.live.state === 'reconnecting');
    // What was already received still plays; then the conversation shows it is reconnecting.
    await frames(h, () => h.talk.state === 'connecting');
    child = await spawnEmulator(port);
    await frames(h, () => h.live.state === 'open' && h.talk.state === 'listening', 20_000);
    h.talk.sendText('Are you still there?');
    await frames(h, () => h.npcLines.length >= 1 && h.talk.state === 'listening');
    await h.talk.destroy();
    child.kill('SIGKILL');
  });

  it('emulator gone for good → a typed reconnect-failed error and the conversation ends in error', async () => {
    const port = 45000 + Math.floor(Math.random() * 2000);
    const child = await spawnEmulator(port);
    const h = harness(`http://127.0.0.1:${port}`, { greet: false, live: { reconnectDelayMs: 50, maxReconnectAttempts: 3 } });
    await h.talk.start();
    child.kill('SIGKILL');
    await frames(h, () => h.talk.state === 'error');
    expect(h.errors).toContain('reconnect-failed');
    await h.talk.destroy();
  });

  it('a service-side close worth retrying (1011) is reported and the session resumes', async () => {
    const idle = await startTestEmulator({ idleTimeoutMs: 800 });
    const h = harness(idle.url, { greet: false });
    await h.talk.start();
    await frames(h, () => h.errors.includes('live:service-error'));
    await frames(h, () => h.live.state === 'open');
    await h.talk.destroy();
    await idle.close();
  });
});

describe('LiveConnection: refusals become typed errors', () => {
  it('a wrong API key → invalid-api-key', async () => {
    const locked = await startTestEmulator({ apiKey: 'right' });
    const live = new LiveConnection({
      model: createLiveModel({ backend: 'emulator', emulatorUrl: locked.url }),
      params: sessionParamsFor(guard),
    });
    await expect(live.connect()).rejects.toMatchObject({ code: 'invalid-api-key', closeCode: 1007 });
    expect(live.state).toBe('closed');
    await locked.close();
  });

  it('an unknown model → model-not-found', async () => {
    const live = new LiveConnection({
      model: createLiveModel({ backend: 'emulator', emulatorUrl: emulator().url, model: 'gemini-0.1-nonexistent' }),
      params: sessionParamsFor(guard),
    });
    await expect(live.connect()).rejects.toMatchObject({ code: 'model-not-found', closeCode: 1008 });
  });

  it('nothing listening → no-emulator, saying how to add one', async () => {
    const live = new LiveConnection({
      model: createLiveModel({ backend: 'emulator', emulatorUrl: 'http://127.0.0.1:9' }),
      params: sessionParamsFor(guard),
    });
    await expect(live.connect()).rejects.toMatchObject({
      code: 'no-emulator',
      message: expect.stringMatching(/^No emulator at http:\/\/127\.0\.0\.1:9 .*Vite plugin.*npx phaser-npc-voice-emulator/),
    });
  });
});

/** Starts `npm run emulator` as a separate process (so it can be killed for real). */
async function spawnEmulator(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulator/cli.ts', '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('emulator did not start')), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return child;
}
