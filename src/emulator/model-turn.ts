import type { Speech } from './tts/text-to-speech.js';

/** How a turn streams: chunk sizes and how much faster than real time. */
export interface TurnTiming {
  /** The first audio chunk, small so the voice starts at once. */
  firstChunkMs: number;
  /** Every later chunk (the real service sends 200–240 ms). */
  chunkMs: number;
  /** Audio is sent this many times faster than it plays (the real service is faster than real time). */
  speedup: number;
}

export interface TurnOutput {
  send(message: object): void;
  /** Called once when the turn ended (completed or interrupted). */
  ended(turn: ModelTurn, how: 'complete' | 'interrupted'): void;
}

/** Token counts for `usageMetadata`, estimated the way the service counts (32 tokens per audio second). */
export interface TurnUsage {
  promptAudioSeconds: number;
  promptText: string;
}

const AUDIO_TOKENS_PER_SECOND = 32;
const RATE = 24000;

/**
 * One model turn: optional function calls, then speech streamed as `modelTurn` audio chunks with
 * output transcription, `generationComplete` after the last chunk, and `turnComplete` (with usage)
 * when the client will have finished playing it — so a barge-in can arrive any time until then.
 * An interruption sends `interrupted`, cancels pending calls, and completes the turn at once.
 */
export class ModelTurn {
  /** Calls waiting for a toolResponse: id → name. */
  readonly pendingCalls = new Map<string, string>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private finished = false;
  private responseSeconds = 0;
  private responseText = '';
  /** When the first audio chunk went out (performance.now()), for latency stats. */
  firstAudioAt: number | null = null;

  constructor(
    private readonly out: TurnOutput,
    private readonly timing: TurnTiming,
    private readonly usage: TurnUsage,
  ) {}

  get isFinished(): boolean {
    return this.finished;
  }

  /** Sends a toolCall; the turn then waits for {@link resolveCall}. */
  callFunctions(calls: { id: string; name: string; args: Record<string, unknown> }[]): void {
    for (const c of calls) this.pendingCalls.set(c.id, c.name);
    this.out.send({ toolCall: { functionCalls: calls } });
  }

  /** Marks a call answered; true when it was pending in this turn. */
  resolveCall(id: string): boolean {
    return this.pendingCalls.delete(id);
  }

  /**
   * Streams `text` as speech (or as text parts when `modality` is TEXT), then completes the turn.
   */
  speak(text: string, speech: Speech | null, options: { transcription: boolean }): void {
    if (this.finished) return;
    this.responseText += text;
    if (!speech) {
      this.out.send({ serverContent: { modelTurn: { parts: [{ text }] } } });
      this.out.send({ serverContent: { generationComplete: true } });
      this.complete();
      return;
    }
    const { pcm, seconds } = speech;
    this.responseSeconds += seconds;
    const words = wordTimes(text, seconds);
    let wordIndex = 0;
    const first = Math.max(1, Math.round((this.timing.firstChunkMs / 1000) * RATE));
    const rest = Math.max(1, Math.round((this.timing.chunkMs / 1000) * RATE));
    const started = performance.now();
    let offset = 0;
    let chunk = 0;
    while (offset < pcm.length) {
      const size = chunk === 0 ? first : rest;
      const start = offset;
      const end = Math.min(pcm.length, offset + size);
      const endSec = end / RATE;
      const from = wordIndex;
      while (wordIndex < words.length && (words[wordIndex] as { at: number }).at < endSec) wordIndex++;
      const spoken = words
        .slice(from, wordIndex)
        .map((w) => w.word)
        .join('');
      const last = end >= pcm.length;
      const tail = last
        ? words
            .slice(wordIndex)
            .map((w) => w.word)
            .join('')
        : '';
      const send = () => {
        const data = Buffer.from(pcm.buffer, pcm.byteOffset + start * 2, (end - start) * 2).toString('base64');
        this.out.send({ serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data } }] } } });
        this.firstAudioAt ??= performance.now();
        const said = spoken + tail;
        if (options.transcription && said) this.out.send({ serverContent: { outputTranscription: { text: said } } });
        if (last) this.out.send({ serverContent: { generationComplete: true } });
      };
      const at = (start / RATE / this.timing.speedup) * 1000;
      if (chunk === 0) send();
      else this.after(at, send);
      offset = end;
      chunk++;
    }
    // turnComplete when the client will have played it all.
    this.after(seconds * 1000 - (performance.now() - started), () => this.complete());
  }

  /** Barge-in: stop, say so, cancel pending calls, complete. */
  interrupt(): void {
    if (this.finished) return;
    this.clearTimers();
    this.out.send({ serverContent: { interrupted: true } });
    if (this.pendingCalls.size > 0) {
      this.out.send({ toolCallCancellation: { ids: [...this.pendingCalls.keys()] } });
      this.pendingCalls.clear();
    }
    this.finish('interrupted');
  }

  /** Stops timers without a word (the socket is closing). */
  dispose(): void {
    this.clearTimers();
    this.finished = true;
  }

  private complete(): void {
    if (this.finished) return;
    this.finish('complete');
  }

  private finish(how: 'complete' | 'interrupted'): void {
    this.clearTimers();
    this.finished = true;
    const audioIn = Math.round(this.usage.promptAudioSeconds * AUDIO_TOKENS_PER_SECOND);
    const textIn = Math.ceil(this.usage.promptText.length / 4);
    const audioOut = Math.round(this.responseSeconds * AUDIO_TOKENS_PER_SECOND);
    const textOut = this.responseSeconds > 0 ? 0 : Math.ceil(this.responseText.length / 4);
    const prompt = audioIn + textIn;
    const response = audioOut + textOut;
    this.out.send({
      serverContent: { turnComplete: true },
      usageMetadata: {
        promptTokenCount: prompt,
        responseTokenCount: response,
        totalTokenCount: prompt + response,
        promptTokensDetails: [
          { modality: 'AUDIO', tokenCount: audioIn },
          { modality: 'TEXT', tokenCount: textIn },
        ],
        responseTokensDetails: [{ modality: this.responseSeconds > 0 ? 'AUDIO' : 'TEXT', tokenCount: response }],
      },
    });
    this.out.ended(this, how);
  }

  private after(ms: number, fn: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (!this.finished) fn();
      },
      Math.max(0, ms),
    );
    this.timers.add(timer);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** Each word (with its following space) and when it is spoken, assuming an even pace through the text. */
function wordTimes(text: string, seconds: number): { word: string; at: number }[] {
  const parts = text.match(/\S+\s*/g) ?? [];
  const total = text.length || 1;
  let chars = 0;
  return parts.map((word) => {
    const at = (chars / total) * seconds;
    chars += word.length;
    return { word, at };
  });
}
