import { type FunctionDeclaration, GoogleGenAI, type LiveServerMessage, Modality, type Session } from '@google/genai';
import { afterAll, describe, expect, it } from 'vitest';
import { floatToPcm16Base64 } from '../../../src/plugin/wire/pcm.ts';
import { GUARD, GUARD_FUNCTIONS, GUARD_INSTRUCTION, pcmRms } from '../../support/characters.ts';
import { startTestEmulator, useEmulator } from '../../support/emulator.ts';
import { closeSpeech, concat, silence16k, speech16k } from '../../support/speech.ts';

const MODEL = 'gemini-2.5-flash-native-audio-preview-12-2025';

const emulator = useEmulator();
afterAll(closeSpeech);

/** A real @google/genai live session pointed at the emulator with `httpOptions.baseUrl`. */
class GenaiClient {
  readonly received: LiveServerMessage[] = [];
  closed: { code: number; reason: string } | null = null;
  session!: Session;

  static async open(baseUrl: string, handle?: string): Promise<GenaiClient> {
    const client = new GenaiClient();
    const ai = new GoogleGenAI({ apiKey: 'emulator-key', httpOptions: { baseUrl } });
    client.session = await ai.live.connect({
      model: MODEL,
      config: {
        responseModalities: [Modality.AUDIO],
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Charon' } } },
        systemInstruction: GUARD_INSTRUCTION,
        tools: [{ functionDeclarations: GUARD_FUNCTIONS as unknown as FunctionDeclaration[] }],
        outputAudioTranscription: {},
        sessionResumption: handle ? { handle } : {},
      },
      callbacks: {
        onmessage: (m) => client.received.push(m),
        onclose: (e) => {
          client.closed = { code: e.code, reason: e.reason };
        },
      },
    });
    return client;
  }

  sendAudio(samples: Float32Array): void {
    for (let i = 0; i < samples.length; i += 320) {
      this.session.sendRealtimeInput({
        audio: { mimeType: 'audio/pcm;rate=16000', data: floatToPcm16Base64(samples, i, Math.min(samples.length, i + 320)) },
      });
    }
  }

  async waitFor(match: (m: LiveServerMessage) => boolean, from = 0, timeoutMs = 15_000): Promise<LiveServerMessage> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.received.slice(from).find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out; got ${this.received.map((m) => Object.keys(m).join('+')).join(', ')}`);
  }

  audio(from = 0): string[] {
    return this.received
      .slice(from)
      .flatMap((m) => (m.serverContent?.modelTurn?.parts ?? []).flatMap((p) => (p.inlineData?.data ? [p.inlineData.data] : [])));
  }

  transcript(from = 0): string {
    return this.received
      .slice(from)
      .map((m) => m.serverContent?.outputTranscription?.text ?? '')
      .join('');
  }
}

const turnComplete = (m: LiveServerMessage) => m.serverContent?.turnComplete === true;

describe('emulator with the real @google/genai live.connect (baseUrl)', () => {
  it('answers an audio turn with speech, transcription and turnComplete', async () => {
    const client = await GenaiClient.open(emulator().url);
    client.sendAudio(concat(await speech16k('Good morning, guard.'), silence16k(1)));
    await client.waitFor(turnComplete);
    expect(Math.max(...client.audio().map(pcmRms))).toBeGreaterThan(0.05);
    expect(client.transcript().trim()).toBe(GUARD.greeting);
    expect(client.received.find(turnComplete)?.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
    client.session.close();
  });

  it('a text turn triggers a tool call and completes after the tool response', async () => {
    const client = await GenaiClient.open(emulator().url);
    client.session.sendRealtimeInput({ text: 'Open the gate, I live here.' });
    const call = await client.waitFor((m) => !!m.toolCall);
    const fn = call.toolCall?.functionCalls?.[0];
    expect(fn?.name).toBe('open_gate');
    const at = client.received.length;
    client.session.sendToolResponse({ functionResponses: [{ id: fn?.id, name: 'open_gate', response: { result: 'The gate is open' } }] });
    await client.waitFor(turnComplete, at);
    expect(client.transcript(at).trim()).toBe('The gate is open.');
    client.session.close();
  });

  it('barge-in yields interrupted', async () => {
    const client = await GenaiClient.open(emulator().url);
    client.session.sendClientContent({ turns: [{ role: 'user', parts: [{ text: 'Tell me a story.' }] }], turnComplete: true });
    await client.waitFor((m) => !!m.serverContent?.modelTurn);
    client.sendAudio(concat(await speech16k('Stop, please stop.'), silence16k(0.8)));
    await client.waitFor((m) => m.serverContent?.interrupted === true);
    client.session.close();
  });

  it('goAway, then resuming with the handle continues the conversation', async () => {
    const shortLived = await startTestEmulator({ connectionLifetimeMs: 6000, goAwayLeadMs: 1000 });
    const client = await GenaiClient.open(shortLived.url);
    client.session.sendRealtimeInput({ text: 'Hello.' });
    await client.waitFor(turnComplete);
    const handle = [...client.received].reverse().find((m) => m.sessionResumptionUpdate?.newHandle)?.sessionResumptionUpdate?.newHandle;
    const goAway = await client.waitFor((m) => !!m.goAway);
    expect(goAway.goAway?.timeLeft).toBe('1s');
    const deadline = Date.now() + 5000;
    while (!client.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(client.closed?.code).toBe(1000);
    const resumed = await GenaiClient.open(shortLived.url, handle);
    resumed.session.sendRealtimeInput({ text: 'Hello again.' });
    await resumed.waitFor(turnComplete);
    expect(resumed.transcript().trim()).toBe(GUARD.lines[0]);
    resumed.session.close();
    await shortLived.close();
  });
});
