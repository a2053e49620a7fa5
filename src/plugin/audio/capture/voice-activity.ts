import type { MicChunk } from './mic-chunk.js';

/** Options of {@link VoiceActivity}. */
export interface VoiceActivityOptions {
  /** A voice is this far above the noise floor. @defaultValue 12 */
  aboveFloorDb?: number;
  /** …and at least this loud, dBFS. @defaultValue −50 */
  minDb?: number;
  /** Noise floor to start from, dBFS. @defaultValue −70 */
  initialFloorDb?: number;
  /**
   * How fast the floor creeps up under sound that counts as voice, dB a second: a steady noise
   * that starts loud (a fan switched on) stops counting as voice after a few seconds, while
   * speech, with its pauses, keeps the floor down. @defaultValue 2.5
   */
  creepDbPerSecond?: number;
}

/**
 * The one place that decides whether the player's voice is in a microphone chunk: louder than
 * both a noise floor that follows the room (it falls at once, rises slowly with the noise, and
 * creeps up under sustained loud sound so a steady noise is not voice for ever) and an absolute
 * minimum. It marks `chunk.voiced`; the conversation's "player is
 * speaking" state and the Live connection's choice of a quiet moment both read that mark.
 *
 * @example
 * ```ts
 * const vad = new VoiceActivity();
 * chunk.measure();
 * if (vad.classify(chunk)) lastVoiceAt = now;
 * ```
 */
export class VoiceActivity {
  private floorDb: number;
  private readonly aboveFloorDb: number;
  private readonly minDb: number;
  private readonly creepDbPerChunk: number;

  constructor(options: VoiceActivityOptions = {}) {
    this.aboveFloorDb = options.aboveFloorDb ?? 12;
    this.minDb = options.minDb ?? -50;
    this.floorDb = options.initialFloorDb ?? -70;
    this.creepDbPerChunk = (options.creepDbPerSecond ?? 2.5) / 50;
  }

  /** The noise floor now, dBFS. */
  get noiseFloorDb(): number {
    return this.floorDb;
  }

  /** Sets and returns `chunk.voiced` for a measured chunk, and follows the noise floor. */
  classify(chunk: MicChunk): boolean {
    const db = chunk.db;
    const voiced = db > Math.max(this.floorDb + this.aboveFloorDb, this.minDb);
    if (!voiced) this.floorDb = db < this.floorDb ? db : this.floorDb + (db - this.floorDb) * 0.02;
    else this.floorDb += this.creepDbPerChunk;
    chunk.voiced = voiced;
    return voiced;
  }
}
