/** Samples in one chunk: 20 ms at 16 kHz, the Live API's input rate. */
export const CHUNK_SAMPLES = 320;

/**
 * One 20 ms chunk of microphone audio with its level, measured once where the chunk is read, and
 * whether the player's voice is in it ({@link VoiceActivity} decides). Everything downstream — the
 * echo guard, the NPC's voice floor, the conversation, the Live connection — reads these instead
 * of measuring again. Chunks are reused: copy what you keep.
 */
export class MicChunk {
  readonly samples: Float32Array;
  /** Mean square of the samples (0..1). */
  meanSquare = 0;
  /** Whether the player's voice is in this chunk. */
  voiced = false;

  constructor(samples: number | Float32Array = CHUNK_SAMPLES) {
    this.samples = typeof samples === 'number' ? new Float32Array(samples) : samples;
  }

  /** RMS level (0..1). */
  get level(): number {
    return Math.sqrt(this.meanSquare);
  }

  /** Level in dBFS (−120 for silence). */
  get db(): number {
    return this.meanSquare > 1e-12 ? 10 * Math.log10(this.meanSquare) : -120;
  }

  /** Measures the samples (call once, after they were written); `voiced` is reset until classified. */
  measure(): this {
    const x = this.samples;
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += (x[i] as number) * (x[i] as number);
    this.meanSquare = sum / Math.max(1, x.length);
    this.voiced = false;
    return this;
  }

  /** Takes another chunk's samples, level and verdict (no allocation). */
  copyFrom(other: MicChunk): this {
    const from = other.samples;
    // A view only when the lengths differ: chunks of one size copy without allocating.
    this.samples.set(from.length === this.samples.length ? from : from.subarray(0, this.samples.length));
    this.meanSquare = other.meanSquare;
    this.voiced = other.voiced;
    return this;
  }

  /** Turns the chunk into silence (what goes out in place of sound held back). */
  silence(): this {
    this.samples.fill(0);
    this.meanSquare = 0;
    this.voiced = false;
    return this;
  }
}
