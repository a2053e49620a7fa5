import { AIError, GoogleAIBackend, getAI, LiveGenerativeModel } from 'firebase/ai';
import { initializeApp } from 'firebase/app';
import { afterAll, describe, expect, it } from 'vitest';
import type { WebSocketHandler } from '../../../src/plugin/live/socket.ts';
import { GUARD, GUARD_FUNCTIONS, GUARD_INSTRUCTION, pcmRms } from '../../support/characters.ts';
import { startTestEmulator, useEmulator } from '../../support/emulator.ts';
import { FirebaseClient, hasAudio, isGenerationComplete, isInterrupted, isTurnComplete } from '../../support/firebase-client.ts';
import { closeSpeech, concat, silence16k, speech16k } from '../../support/speech.ts';

const emulator = useEmulator();
afterAll(closeSpeech);

const params = { systemInstruction: GUARD_INSTRUCTION, voiceName: 'Kore', functionDeclarations: GUARD_FUNCTIONS as never };

describe('firebase/ai 12.19.0 seam', () => {
  it('LiveGenerativeModel still takes a WebSocketHandler as its third constructor argument and uses it', async () => {
    const app = initializeApp({ apiKey: 'k', projectId: 'p', appId: 'a' }, 'seam-test');
    const ai = getAI(app, { backend: new GoogleAIBackend() });
    const calls: string[] = [];
    let sent = '';
    const handler: WebSocketHandler = {
      connect: async (url) => void calls.push(url),
      send: (data) => {
        sent = String(data);
      },
      async *listen() {
        yield { setupComplete: {} };
      },
      close: async () => {},
    };
    const Ctor = LiveGenerativeModel as unknown as new (a: typeof ai, p: object, h: WebSocketHandler) => LiveGenerativeModel;
    const session = await new Ctor(ai, { model: 'gemini-2.5-flash-native-audio-preview-12-2025' }, handler).connect();
    expect(calls).toEqual([
      'wss://firebasevertexai.googleapis.com/ws/google.firebase.vertexai.v1beta.GenerativeService/BidiGenerateContent?key=k',
    ]);
    expect(JSON.parse(sent).setup.model).toBe('projects/p/models/gemini-2.5-flash-native-audio-preview-12-2025');
    expect(session.isClosed).toBe(false);
  });

  it('without a handler, Node 20 has no WebSocket for the SDK (why the plugin brings its own)', async () => {
    const app = initializeApp({ apiKey: 'k', projectId: 'p', appId: 'a' }, 'seam-test-2');
    const ai = getAI(app, { backend: new GoogleAIBackend() });
    const Ctor = LiveGenerativeModel as unknown as new (a: typeof ai, p: object) => LiveGenerativeModel;
    const model = new Ctor(ai, { model: 'm' });
    if (typeof WebSocket === 'undefined') await expect(model.connect()).rejects.toBeInstanceOf(AIError);
  });
});

describe('emulator with the real firebase/ai LiveSession', () => {
  it('answers an audio turn with 24 kHz speech, an output transcription and turnComplete — and no invented input transcription', async () => {
    const client = await FirebaseClient.open(emulator().url, params);
    client.sendAudio(concat(await speech16k('Hello there, is anyone on duty at this gate?'), silence16k(1)));
    await client.waitFor(isTurnComplete);
    const audio = client.audio();
    expect(audio.length).toBeGreaterThan(3);
    expect(new Set(client.mimeTypes())).toEqual(new Set(['audio/pcm;rate=24000']));
    expect(Math.max(...audio.map(pcmRms))).toBeGreaterThan(0.05);
    expect(client.transcript().trim()).toBe(GUARD.greeting);
    expect(client.received.some((m) => m.inputTranscription)).toBe(false);
    expect(client.received.some(isGenerationComplete)).toBe(true);
    await client.close();
  });

  it('turns a typed request into a real toolCall with arguments, and completes after the toolResponse', async () => {
    const client = await FirebaseClient.open(emulator().url, params);
    await client.session.send('Ring the bell 3 times, quickly!');
    const call = await client.waitFor((m) => m.type === 'toolCall');
    const [fn] = call.functionCalls ?? [];
    expect(fn?.name).toBe('ring_bell');
    expect(fn?.args).toEqual({ times: 3 });
    expect(fn?.id).toMatch(/^function-call-\d+$/);
    expect(client.received.some(isTurnComplete)).toBe(false);
    const at = client.received.length;
    await client.session.sendFunctionResponses([
      { id: fn?.id as string, name: 'ring_bell', response: { message: 'The bell rings three times.' } },
    ]);
    await client.waitFor(isTurnComplete, at);
    expect(client.audio(at).length).toBeGreaterThan(0);
    expect(client.transcript(at).trim()).toBe('The bell rings three times.');
    await client.close();
  });

  it('a typed line that asks for nothing is answered in character', async () => {
    const client = await FirebaseClient.open(emulator().url, params);
    await client.session.send('Nice weather today.');
    await client.waitFor(isTurnComplete);
    expect(client.received.some((m) => m.type === 'toolCall')).toBe(false);
    expect([GUARD.greeting, ...GUARD.lines]).toContain(client.transcript().trim());
    await client.close();
  });

  it('barge-in: speaking while the guard talks yields interrupted, then turnComplete, and the new turn is answered', async () => {
    const client = await FirebaseClient.open(emulator().url, params);
    await client.session.send('Tell me about the village.');
    await client.waitFor(hasAudio);
    const at = client.received.length;
    client.sendAudio(concat(await speech16k('Wait, wait, stop talking please.'), silence16k(1)));
    const interrupted = await client.waitFor(isInterrupted, at);
    const after = client.received.indexOf(interrupted);
    await client.waitFor(isTurnComplete, after);
    // No generationComplete belongs to the interrupted turn after the interruption.
    const next = client.received.slice(after).findIndex(isTurnComplete) + after;
    expect(client.received.slice(after, next).some(isGenerationComplete)).toBe(false);
    // …and the player's turn gets its own answer.
    await client.waitFor(isTurnComplete, next + 1);
    expect(client.audio(next + 1).length).toBeGreaterThan(0);
    await client.close();
  });

  it('barge-in while a function call is pending cancels it with toolCallCancellation', async () => {
    const client = await FirebaseClient.open(emulator().url, params);
    await client.session.send('Please open the gate.');
    const call = await client.waitFor((m) => m.type === 'toolCall');
    const id = call.functionCalls?.[0]?.id;
    client.sendAudio(concat(await speech16k('Actually, never mind.'), silence16k(0.2)));
    const cancel = await client.waitFor((m) => m.type === 'toolCallCancellation');
    expect(cancel.ids).toEqual([id]);
    await client.close();
  });

  it('goAway ahead of the connection lifetime, and resuming with the handle keeps the conversation (next line, not the greeting)', async () => {
    const shortLived = await startTestEmulator({ connectionLifetimeMs: 3000, goAwayLeadMs: 1000 });
    const client = await FirebaseClient.open(shortLived.url, { ...params, sessionResumption: {} });
    await client.session.send('Good evening.');
    await client.waitFor(isTurnComplete);
    expect(client.transcript().trim()).toBe(GUARD.greeting);
    const update = [...client.received].reverse().find((m) => m.type === 'sessionResumptionUpdate');
    const goAway = await client.waitFor((m) => m.type === 'goingAwayNotice');
    expect(goAway.timeLeft).toBeGreaterThan(0);
    await client.done; // the emulator closes the connection at the end of its lifetime
    expect(client.opened.socket.lastClose?.code).toBe(1000);

    const resumed = await FirebaseClient.open(shortLived.url, { ...params, sessionResumption: { handle: update?.newHandle as string } });
    await resumed.session.send('Good evening again.');
    await resumed.waitFor(isTurnComplete);
    expect(resumed.transcript().trim()).toBe(GUARD.lines[0]);
    await resumed.close();
    await shortLived.close();
  });
});
