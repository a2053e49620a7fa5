import { BlockEchoFilter } from './block-echo-filter.ts';
import { EchoDelay } from './echo-delay.ts';

const CHUNK = 320;
const BLOCK = 256;
/** The output is read this long before its echo, so the model's first taps hold the start of the path, samples. */
const LEAD = 480;
/** Processed samples kept for the levels. */
const KEEP = 1024;
/** The output counts as playing above this mean square (−50 dBFS) for the echo reduction's reading. */
const PLAYING = 1e-5;

/**
 * Our own echo model on the raw microphone: the game's output lined up with its echo
 * ({@link EchoDelay}), and a linear model of the room learnt from them ({@link BlockEchoFilter}),
 * chunk by chunk. Each chunk it gives the raw microphone's level, the level of what is left once the
 * modelled echo is taken out (the player, the noise, and the echo the model misses), and the
 * output's level as it reaches the microphone — levels of the newest 20 ms the model has processed,
 * at most one block (16 ms) behind the chunk. Allocation-free after construction, but for
 * {@link EchoDelay}'s readings.
 *
 * @example
 * ```ts
 * const echo = new EchoModel();
 * // each 20 ms chunk, with the player not believed to be talking:
 * echo.push(raw, output, true);
 * const cleaner = echo.residualMeanSquare < echo.rawMeanSquare;
 * ```
 */
export class EchoModel {
  readonly delay = new EchoDelay();
  private readonly filter = new BlockEchoFilter({ block: BLOCK, partitions: 16 });
  private readonly played = new Float32Array(CHUNK);
  private readonly blockRaw = new Float32Array(BLOCK);
  private readonly blockPlayed = new Float32Array(BLOCK);
  private readonly blockLeft = new Float32Array(BLOCK);
  private fill = 0;
  private readonly raw = new Float32Array(KEEP);
  private readonly left = new Float32Array(KEEP);
  private readonly output = new Float32Array(KEEP);
  private processed = 0;
  private jumpsSeen = 0;
  private adapting = true;
  /** Mean square of the newest processed 20 ms: the raw microphone, what the model leaves, and the output at its echo's time. */
  rawMeanSquare = 0;
  residualMeanSquare = 0;
  outputMeanSquare = 0;
  /** The model's echo reduction while the output plays and it learns, dB (smoothed over about a second). */
  reductionDb = 0;

  /** Whether the output's lag is known, so the model is learning the room. */
  get ready(): boolean {
    return this.delay.known;
  }

  /** How many times the model found it had diverged and started again. */
  get resets(): number {
    return this.filter.resets;
  }

  /**
   * Takes the newest chunk of the raw microphone and of the game's output (320 samples each, the
   * same 20 ms); with `adapt` false (the player may be talking) the model is used but not changed.
   */
  push(raw: Float32Array, output: Float32Array, adapt: boolean): void {
    this.delay.push(raw, output);
    if (this.delay.jumps !== this.jumpsSeen) {
      this.jumpsSeen = this.delay.jumps;
      this.filter.reset(); // a new path: what was learnt is wrong now
    }
    if (this.delay.known) this.delay.aligned(this.played, LEAD);
    else this.played.fill(0);
    this.adapting = adapt;
    for (let i = 0; i < raw.length; i++) {
      this.blockRaw[this.fill] = raw[i] as number;
      this.blockPlayed[this.fill] = this.played[i] as number;
      if (++this.fill === BLOCK) this.processBlock();
    }
  }

  private processBlock(): void {
    this.fill = 0;
    this.filter.process(this.blockPlayed, this.blockRaw, this.adapting, this.blockLeft);
    for (let i = 0; i < BLOCK; i++) {
      const k = (this.processed + i) % KEEP;
      this.raw[k] = this.blockRaw[i] as number;
      this.left[k] = this.blockLeft[i] as number;
      this.output[k] = this.blockPlayed[i] as number;
    }
    this.processed += BLOCK;
    const from = this.processed - CHUNK;
    this.rawMeanSquare = meanSquare(this.raw, from, CHUNK);
    this.residualMeanSquare = meanSquare(this.left, from, CHUNK);
    // The output read LEAD early: its level at the echo's time is LEAD further back.
    this.outputMeanSquare = meanSquare(this.output, from - LEAD, CHUNK);
    if (this.adapting && this.delay.known && this.outputMeanSquare > PLAYING && this.residualMeanSquare > 0) {
      const db = 10 * Math.log10(this.rawMeanSquare / this.residualMeanSquare);
      this.reductionDb += 0.1 * (db - this.reductionDb);
    }
  }
}

function meanSquare(ring: Float32Array, from: number, length: number): number {
  let sum = 0;
  for (let i = from; i < from + length; i++) sum += (ring[((i % ring.length) + ring.length) % ring.length] as number) ** 2;
  return sum / length;
}
