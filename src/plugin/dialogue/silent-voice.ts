import type { VoiceOutput } from './conversation.js';

/**
 * A voice output for when there is no Web Audio (or the player turned voices off): nothing is
 * heard, but the speech "plays" in real time by the clock, so subtitles, lip-sync-free
 * conversation states and turn taking behave exactly as with sound.
 */
export class SilentVoice implements VoiceOutput {
  writtenFrames = 0;
  private consumed = 0;
  private lastUpdate = 0;
  private readonly rate: number;

  constructor(
    sampleRate = 24000,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.rate = sampleRate;
  }

  get consumedFrames(): number {
    return this.consumed;
  }

  get state(): 'idle' | 'playing' {
    return this.consumed < this.writtenFrames ? 'playing' : 'idle';
  }

  get bufferedMs(): number {
    return ((this.writtenFrames - this.consumed) / this.rate) * 1000;
  }

  enqueue(samples: Float32Array): void {
    if (this.state === 'idle') this.lastUpdate = this.now();
    this.writtenFrames += samples.length;
  }

  end(): void {}

  clear(): void {
    this.consumed = this.writtenFrames;
  }

  update(): void {
    const t = this.now();
    this.consumed = Math.min(this.writtenFrames, this.consumed + Math.round(((t - this.lastUpdate) / 1000) * this.rate));
    this.lastUpdate = t;
  }
}
