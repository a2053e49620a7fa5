import { MicChunk } from '../capture/mic-chunk.js';

/**
 * What a chunk holds: nothing above the noise floor, sound (held, sent as silence unless it proves
 * to be the player), sound that may be the player's (in enough bands), or that and strong (far
 * above her echo's bound).
 */
export const QUIET = 0;
export const SOUND = 1;
export const PLAYER = 2;
export const STRONG = 3;
export type ChunkClass = typeof QUIET | typeof SOUND | typeof PLAYER | typeof STRONG;

/** What a chunk of this class counts towards the player's sound, in chunks: a strong one twice. */
export function weightOf(sound: ChunkClass): number {
  return sound === STRONG ? 2 : sound === PLAYER ? 1 : 0;
}

/**
 * The echo guard's delay line: the microphone chunks it holds back while the NPC speaks, oldest
 * first, each with its class and what the gates knew as it came in (to learn from when it
 * leaves). Allocation-free.
 *
 * @example
 * ```ts
 * const line = new GuardLine(16, 320);
 * line.push(chunk, PLAYER, gate.voiceBoundDb, gate.playingNow, bands.chunk);
 * if (line.weight >= 6) line.clear();
 * ```
 */
export class GuardLine {
  private readonly slots: MicChunk[];
  private readonly classes: Uint8Array;
  private readonly bounds: Float64Array;
  private readonly playing: Uint8Array;
  private readonly numbers: Int32Array;
  private start = 0;
  private count = 0;
  private weightValue = 0;

  constructor(capacity: number, chunkSamples: number) {
    const samples = new Float32Array(capacity * chunkSamples);
    this.slots = Array.from({ length: capacity }, (_, i) => new MicChunk(samples.subarray(i * chunkSamples, (i + 1) * chunkSamples)));
    this.classes = new Uint8Array(capacity);
    this.bounds = new Float64Array(capacity);
    this.playing = new Uint8Array(capacity);
    this.numbers = new Int32Array(capacity);
  }

  /** Chunks in the line. */
  get length(): number {
    return this.count;
  }

  /** The player's sound in the line, in chunks ({@link weightOf}). */
  get weight(): number {
    return this.weightValue;
  }

  /** Adds a copy of `chunk` as the newest, with its class, her echo's bound and whether she played then, and its band-gate number. */
  push(chunk: MicChunk, sound: ChunkClass, bound: number, playing: boolean, chunkNumber: number): void {
    const i = (this.start + this.count) % this.slots.length;
    (this.slots[i] as MicChunk).copyFrom(chunk);
    this.classes[i] = sound;
    this.bounds[i] = bound;
    this.playing[i] = playing ? 1 : 0;
    this.numbers[i] = chunkNumber;
    this.weightValue += weightOf(sound);
    this.count++;
  }

  /** The oldest chunk (the line must not be empty); valid until {@link shift}. */
  get oldest(): MicChunk {
    return this.slots[this.start] as MicChunk;
  }

  get oldestClass(): ChunkClass {
    return this.classes[this.start] as ChunkClass;
  }

  get oldestBound(): number {
    return this.bounds[this.start] as number;
  }

  get oldestPlaying(): boolean {
    return this.playing[this.start] === 1;
  }

  get oldestChunkNumber(): number {
    return this.numbers[this.start] as number;
  }

  /** Removes the oldest chunk. */
  shift(): void {
    this.weightValue -= weightOf(this.classes[this.start] as ChunkClass);
    this.start = (this.start + 1) % this.slots.length;
    this.count--;
  }

  /** Empties the line. */
  clear(): void {
    this.start = 0;
    this.count = 0;
    this.weightValue = 0;
  }

  /** Chunks from the oldest one that may be the player's to the newest (0 if none). */
  loudStretch(): number {
    const n = this.slots.length;
    for (let k = 0; k < this.count; k++) if ((this.classes[(this.start + k) % n] as number) >= PLAYER) return this.count - k;
    return 0;
  }

  /**
   * How many chunks came after the loudest run of `run` consecutive chunks among the newest
   * `within` (its age, in chunks), or −1 if there are fewer.
   */
  loudestRunAge(run: number, within = this.count): number {
    const n = this.slots.length;
    let best = -1;
    let bestSum = 0;
    for (let k = Math.max(0, this.count - within); k + run <= this.count; k++) {
      let sum = 0;
      for (let j = 0; j < run; j++) sum += (this.slots[(this.start + k + j) % n] as MicChunk).meanSquare;
      if (sum > bestSum) {
        bestSum = sum;
        best = k;
      }
    }
    return best < 0 ? -1 : this.count - best - run;
  }

  /** Every chunk that may have been the player's counts as sound only. */
  demote(): void {
    const n = this.slots.length;
    for (let k = 0; k < this.count; k++) {
      const i = (this.start + k) % n;
      if ((this.classes[i] as number) >= PLAYER) this.classes[i] = SOUND;
    }
    this.weightValue = 0;
  }
}
