import type { FunctionResponse } from 'firebase/ai';
import { INPUT_AUDIO_RATE } from '../wire/realtime-audio.js';

/** A typed line or tool responses waiting for the connection to be back. */
export type HeldMessage = { text: string } | { responses: FunctionResponse[] };

/** Sent chunks remembered for the unconfirmed window (2.5 s of 20 ms chunks). */
const SENT_RING = 128;

/**
 * What the player said that the service may not have: input held while a connection is away (up
 * to a limit, oldest dropped first) and a record of the audio just sent, so that a connection
 * failing under it can say how much may have died in flight. Counts samples; keeps no timers.
 */
export class InputBacklog {
  private audio: Float32Array[] = [];
  private audioSamples = 0;
  private messages: HeldMessage[] = [];
  private readonly sentAt = new Float64Array(SENT_RING);
  private readonly sentSamples = new Uint32Array(SENT_RING);
  private sentNext = 0;
  private readonly limitSamples: number;

  constructor(
    holdAudioMs: number,
    private readonly unconfirmedMs: number,
  ) {
    this.limitSamples = (holdAudioMs / 1000) * INPUT_AUDIO_RATE;
  }

  /** Samples of audio held now. */
  get heldSamples(): number {
    return this.audioSamples;
  }

  /** Holds a copy of `samples`; returns how many samples of the oldest had to go to stay in the limit. */
  holdAudio(samples: Float32Array): number {
    this.audio.push(samples.slice());
    this.audioSamples += samples.length;
    let dropped = 0;
    while (this.audioSamples > this.limitSamples && this.audio.length > 0) {
      const first = this.audio.shift() as Float32Array;
      this.audioSamples -= first.length;
      dropped += first.length;
    }
    return dropped;
  }

  holdMessage(message: HeldMessage): void {
    this.messages.push(message);
  }

  /** Hands over everything held (messages first, then audio, oldest first) and forgets it. */
  take(): { messages: HeldMessage[]; audio: Float32Array[] } {
    const taken = { messages: this.messages, audio: this.audio };
    this.messages = [];
    this.audio = [];
    this.audioSamples = 0;
    return taken;
  }

  /** Forgets everything held; returns the samples of audio it held. */
  discard(): number {
    const samples = this.audioSamples;
    this.take();
    return samples;
  }

  /** Notes a chunk just sent (no allocation). */
  noteSent(samples: number, nowMs: number): void {
    const i = this.sentNext;
    this.sentAt[i] = nowMs;
    this.sentSamples[i] = samples;
    this.sentNext = (i + 1) % SENT_RING;
  }

  /** Samples sent within the unconfirmed window before `nowMs`; the record starts afresh. */
  takeUnconfirmed(nowMs: number): number {
    const since = nowMs - this.unconfirmedMs;
    let samples = 0;
    for (let i = 0; i < SENT_RING; i++) if ((this.sentAt[i] as number) >= since) samples += this.sentSamples[i] as number;
    this.forgetSent();
    return samples;
  }

  /** A new connection: nothing sent on it yet. */
  forgetSent(): void {
    this.sentAt.fill(0);
  }
}
