import type { LiveSession } from 'firebase/ai';
import { createLiveModel, type LiveSessionParams, type OpenedSession } from '../../src/plugin/live/live-model.ts';
import { floatToPcm16Base64 } from '../../src/plugin/wire/pcm.ts';

/** A message as firebase/ai's `receive()` yields it (loosely typed: tests look at every kind). */
export interface Received {
  type: string;
  modelTurn?: { parts: { inlineData?: { mimeType: string; data: string }; text?: string }[] };
  outputTranscription?: { text?: string };
  inputTranscription?: { text?: string };
  turnComplete?: boolean;
  interrupted?: boolean;
  generationComplete?: boolean;
  functionCalls?: { id: string; name: string; args: Record<string, unknown> }[];
  ids?: string[];
  newHandle?: string;
  timeLeft?: number;
  [key: string]: unknown;
}

/** A firebase/ai LiveSession on the emulator, with everything it receives recorded. */
export class FirebaseClient {
  readonly received: Received[] = [];
  readonly done: Promise<void>;
  private constructor(readonly opened: OpenedSession) {
    this.done = (async () => {
      for await (const m of opened.session.receive()) this.received.push(m as Received);
    })();
  }

  static async open(emulatorUrl: string, params: LiveSessionParams): Promise<FirebaseClient> {
    const live = createLiveModel({ backend: 'emulator', emulatorUrl });
    return new FirebaseClient(await live.open(params));
  }

  get session(): LiveSession {
    return this.opened.session;
  }

  /** Sends 16 kHz audio in 20 ms messages (as fast as the socket takes them). */
  sendAudio(samples: Float32Array): void {
    for (let i = 0; i < samples.length; i += 320) {
      void this.session.sendAudioRealtime({
        mimeType: 'audio/pcm',
        data: floatToPcm16Base64(samples, i, Math.min(samples.length, i + 320)),
      });
    }
  }

  async waitFor(match: (m: Received) => boolean, from = 0, timeoutMs = 15_000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.received.slice(from).find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out waiting; received: ${this.received.map(describe).join(', ')}`);
  }

  /** Audio parts received since `from`, as base64 strings. */
  audio(from = 0): string[] {
    return this.received.slice(from).flatMap((m) => (m.modelTurn?.parts ?? []).flatMap((p) => (p.inlineData ? [p.inlineData.data] : [])));
  }

  /** Output transcription text since `from`. */
  transcript(from = 0): string {
    return this.received
      .slice(from)
      .map((m) => m.outputTranscription?.text ?? '')
      .join('');
  }

  mimeTypes(from = 0): string[] {
    return this.received
      .slice(from)
      .flatMap((m) => (m.modelTurn?.parts ?? []).flatMap((p) => (p.inlineData ? [p.inlineData.mimeType] : [])));
  }

  async close(): Promise<void> {
    await this.session.close();
    await this.done.catch(() => {});
  }
}

export function describe(m: Received): string {
  if (m.type !== 'serverContent') return m.type;
  return Object.keys(m)
    .filter((k) => k !== 'type')
    .join('+');
}

export const isTurnComplete = (m: Received) => m.type === 'serverContent' && m.turnComplete === true;
export const isInterrupted = (m: Received) => m.type === 'serverContent' && m.interrupted === true;
export const isGenerationComplete = (m: Received) =>
  m.type === 'serverContent' && (m as { generationComplete?: boolean }).generationComplete === true;
export const hasAudio = (m: Received) => (m.modelTurn?.parts ?? []).some((p) => p.inlineData);
