/** Options of {@link LipSync}. */
export interface LipSyncOptions {
  /** Level (RMS) at which the mouth is fully open. @defaultValue 0.2 */
  fullLevel?: number;
  /** Below this level the mouth is shut (breath, hiss). @defaultValue 0.01 */
  gate?: number;
  /** Opening speed per second (fraction of the gap closed). @defaultValue 30 */
  attack?: number;
  /** Closing speed per second. @defaultValue 12 */
  release?: number;
}

/**
 * Turns the audible level of a voice into how open a mouth is (0..1), opening fast and closing a
 * little slower so syllables read clearly. Call {@link update} every frame with the frame time.
 */
export class LipSync {
  private value = 0;
  private readonly o: Required<LipSyncOptions>;

  constructor(options: LipSyncOptions = {}) {
    this.o = { fullLevel: 0.2, gate: 0.01, attack: 30, release: 12, ...options };
  }

  /** Current openness, 0..1. */
  get mouthOpen(): number {
    return this.value;
  }

  /** Follows `level` over `dtMs` and returns the new openness. */
  update(level: number, dtMs: number): number {
    const target = level <= this.o.gate ? 0 : Math.min(1, Math.sqrt((level - this.o.gate) / (this.o.fullLevel - this.o.gate)));
    const rate = target > this.value ? this.o.attack : this.o.release;
    const k = 1 - Math.exp((-rate * Math.max(0, dtMs)) / 1000);
    this.value += (target - this.value) * k;
    if (this.value < 1e-3) this.value = 0;
    return this.value;
  }

  reset(): void {
    this.value = 0;
  }
}
