import type { ActivityDetectionConfig } from './protocol.js';

/** What the detector decided about the audio it was just given. */
export type VadEvent =
  | { type: 'speechStart' /** Seconds of stream time where the turn starts (prefix padding included). */; at: number }
  | { type: 'speechEnd' /** Stream time the silence window ended. */; at: number /** Seconds of speech. */; speech: number };

const FRAME = 320; // 20 ms at 16 kHz
const RATE = 16000;
const FLOOR_WINDOW = 75; // 1.5 s of frames
const FLOOR_MAX_DB = -35; // even a loud room is not "silence" above this

/**
 * Energy voice-activity detector with an adaptive noise floor and a hangover, on 16 kHz audio.
 *
 * Each 20 ms frame's energy is compared with the noise floor — the quietest frame of the last
 * 1.5 s ("minimum statistics": speech always has gaps between syllables, steady noise has none) —
 * plus a margin set by the start sensitivity; speech starts after a few voiced frames in a row. It ends once frames have stayed below a (lower, by
 * the end sensitivity) margin for `silenceDurationMs` — the hangover that keeps short pauses
 * inside one turn. An absolute floor keeps digital silence and hiss from ever counting.
 */
export class EnergyVad {
  private readonly startMarginDb: number;
  private readonly endMarginDb: number;
  private readonly startFrames: number;
  private readonly silenceFrames: number;
  private readonly prefixSec: number;
  private readonly frame = new Float32Array(FRAME);
  private fill = 0;
  private frames = 0; // frames processed: the stream clock
  private readonly recent = new Float64Array(FLOOR_WINDOW).fill(-90); // last frames' dB
  private floorDb = -90;
  private run = 0; // voiced frames in a row (not speaking) or silent frames in a row (speaking)
  private speaking = false;
  private speechStartFrame = 0;
  private lastVoicedFrame = 0;

  /** Absolute level below which nothing is speech, in dBFS. */
  static readonly MIN_SPEECH_DB = -50;

  constructor(
    config: Pick<ActivityDetectionConfig, 'startOfSpeechSensitivity' | 'endOfSpeechSensitivity' | 'prefixPaddingMs' | 'silenceDurationMs'>,
  ) {
    const startLow = config.startOfSpeechSensitivity === 'START_SENSITIVITY_LOW';
    const endHigh = config.endOfSpeechSensitivity === 'END_SENSITIVITY_HIGH';
    this.startMarginDb = startLow ? 16 : 10;
    this.startFrames = startLow ? 5 : 2;
    this.endMarginDb = endHigh ? 8 : 4;
    this.silenceFrames = Math.max(1, Math.round(config.silenceDurationMs / 20));
    this.prefixSec = config.prefixPaddingMs / 1000;
  }

  /** True between speechStart and speechEnd. */
  get isSpeaking(): boolean {
    return this.speaking;
  }

  /** Seconds of audio processed so far. */
  get time(): number {
    return (this.frames * FRAME + this.fill) / RATE;
  }

  /** Current noise floor estimate in dBFS (for logs and tests). */
  get noiseFloorDb(): number {
    return this.floorDb;
  }

  /** Feeds 16 kHz samples; calls `onEvent` for each decision, in order. */
  push(samples: Float32Array, onEvent: (event: VadEvent) => void): void {
    for (let i = 0; i < samples.length; ) {
      const take = Math.min(FRAME - this.fill, samples.length - i);
      for (let k = 0; k < take; k++) this.frame[this.fill + k] = samples[i + k] as number;
      this.fill += take;
      i += take;
      if (this.fill === FRAME) {
        this.fill = 0;
        this.analyse(onEvent);
      }
    }
  }

  /** Ends any speech in progress now (audioStreamEnd). */
  flush(onEvent: (event: VadEvent) => void): void {
    if (this.speaking) this.end(onEvent, this.time);
  }

  /** Forgets the current turn (after the client takes over with activityStart/End, say). */
  reset(): void {
    this.speaking = false;
    this.run = 0;
  }

  private analyse(onEvent: (event: VadEvent) => void): void {
    let sum = 0;
    for (let k = 0; k < FRAME; k++) sum += (this.frame[k] as number) ** 2;
    const db = 10 * Math.log10(sum / FRAME + 1e-12);
    const index = this.frames++;
    this.recent[index % FLOOR_WINDOW] = db;
    let floor = Number.POSITIVE_INFINITY;
    const seen = Math.min(index + 1, FLOOR_WINDOW);
    for (let k = 0; k < seen; k++) if ((this.recent[k] as number) < floor) floor = this.recent[k] as number;
    this.floorDb = Math.max(-90, Math.min(FLOOR_MAX_DB, floor));
    if (!this.speaking) {
      const voiced = db > Math.max(this.floorDb + this.startMarginDb, EnergyVad.MIN_SPEECH_DB);
      if (voiced) {
        this.run++;
        if (this.run >= this.startFrames) {
          this.speaking = true;
          this.speechStartFrame = index - this.run + 1;
          this.lastVoicedFrame = index;
          this.run = 0;
          onEvent({ type: 'speechStart', at: Math.max(0, (this.speechStartFrame * FRAME) / RATE - this.prefixSec) });
        }
      } else {
        this.run = 0;
      }
      return;
    }
    const voiced = db > Math.max(this.floorDb + this.endMarginDb, EnergyVad.MIN_SPEECH_DB - 6);
    if (voiced) {
      this.run = 0;
      this.lastVoicedFrame = index;
    } else if (++this.run >= this.silenceFrames) {
      this.end(onEvent, ((index + 1) * FRAME) / RATE);
    }
  }

  private end(onEvent: (event: VadEvent) => void, at: number): void {
    this.speaking = false;
    this.run = 0;
    onEvent({ type: 'speechEnd', at, speech: ((this.lastVoicedFrame + 1 - this.speechStartFrame) * FRAME) / RATE });
  }
}
