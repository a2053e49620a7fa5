import type { MicChunk } from './mic-chunk.js';

/** Options of {@link VoiceActivity}. */
export interface VoiceActivityOptions {
  /** A voice is this far above the noise floor. @defaultValue 12 */
  aboveFloorDb?: number;
  /** …and at least this loud, dBFS. @defaultValue −50 */
  minDb?: number;
  /** Noise floor to start from, dBFS. @defaultValue −70 */
  initialFloorDb?: number;
}

/**
 * The one place that decides whether the player's voice is in a microphone chunk: louder than
 * both a noise floor that follows the room (it falls at once and rises slowly, so speech does not
 * raise it) and an absolute minimum. It marks `chunk.voiced`; the conversation's "player is
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

  constructor(options: VoiceActivityOptions = {}) {
    this.aboveFloorDb = options.aboveFloorDb ?? 12;
    this.minDb = options.minDb ?? -50;
    this.floorDb = options.initialFloorDb ?? -70;
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
    chunk.voiced = voiced;
    return voiced;
  }
}
