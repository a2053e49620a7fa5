import type { FunctionResponse } from 'firebase/ai';
import type { SpokenChunk, VoiceOutput } from '../../src/plugin/dialogue/conversation.ts';
import { TypedEmitter } from '../../src/plugin/events.ts';
import type { LiveConnectionEvents, LiveConnectionState } from '../../src/plugin/live/live-connection.ts';

/** A Live connection that records what is sent and lets a test play the service. */
export class FakeLive extends TypedEmitter<LiveConnectionEvents> {
  state: LiveConnectionState = 'idle';
  resumptionHandle: string | null = null;
  readonly sent: { kind: string; value?: unknown }[] = [];
  failConnect: Error | null = null;

  async connect(): Promise<void> {
    if (this.failConnect) throw this.failConnect;
    this.setState('open');
  }
  sendAudio(audio: SpokenChunk): void {
    this.sent.push({ kind: 'audio', value: audio.samples.length });
  }
  sendText(text: string): void {
    this.sent.push({ kind: 'text', value: text });
  }
  sendToolResponses(responses: FunctionResponse[]): void {
    this.sent.push({ kind: 'toolResponse', value: responses });
  }
  activityStart(): void {
    this.sent.push({ kind: 'activityStart' });
  }
  activityEnd(): void {
    this.sent.push({ kind: 'activityEnd' });
  }
  audioStreamEnd(): void {
    this.sent.push({ kind: 'audioStreamEnd' });
  }
  async close(): Promise<void> {
    this.setState('closed');
  }
  /** Plays the service: emits a connection event. */
  fire<K extends keyof LiveConnectionEvents>(event: K, payload: LiveConnectionEvents[K]): void {
    this.emit(event, payload);
  }
  setState(state: LiveConnectionState): void {
    const previous = this.state;
    this.state = state;
    this.emit('stateChange', { state, previous });
  }
  kinds(): string[] {
    return this.sent.map((s) => s.kind);
  }
}

/** A voice output whose playback position the test moves by hand. */
export class FakeVoice implements VoiceOutput {
  writtenFrames = 0;
  consumedFrames = 0;
  state: 'idle' | 'buffering' | 'playing' = 'idle';
  ended = 0;
  cleared = 0;
  enqueue(samples: Float32Array): void {
    this.writtenFrames += samples.length;
    this.state = 'playing';
  }
  end(): void {
    this.ended++;
  }
  clear(): void {
    this.cleared++;
    this.consumedFrames = this.writtenFrames;
    this.state = 'idle';
  }
  update(): void {}
  get bufferedMs(): number {
    return ((this.writtenFrames - this.consumedFrames) / 24000) * 1000;
  }
  /** Plays `frames` more (or everything). */
  play(frames = this.writtenFrames - this.consumedFrames): void {
    this.consumedFrames = Math.min(this.writtenFrames, this.consumedFrames + frames);
    if (this.consumedFrames === this.writtenFrames) this.state = 'idle';
  }
}

/** A 20 ms chunk of the player's voice and a silent one, at 16 kHz, as the microphone path marks them. */
export const LOUD: SpokenChunk = { samples: Float32Array.from({ length: 320 }, (_, i) => 0.3 * Math.sin(i / 3)), voiced: true };
export const QUIET: SpokenChunk = { samples: new Float32Array(320), voiced: false };

/** A voice output that "plays" in real time (24 kHz) whenever it is updated: a speaker for Node tests. */
export class RealTimeVoice extends FakeVoice {
  private last = performance.now();
  override update(): void {
    const now = performance.now();
    this.play(Math.round(((now - this.last) / 1000) * 24000));
    this.last = now;
  }
  override enqueue(samples: Float32Array): void {
    if (this.state === 'idle') this.last = performance.now();
    super.enqueue(samples);
  }
}
