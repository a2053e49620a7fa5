/** The lowest band level kept, dBFS: silence would otherwise weigh as much as a voice. */
const FLOOR_DB = -90;
/** A lag is believed when the envelopes correlate at least this well there. */
const MIN_CORRELATION = 0.7;

/**
 * How many 20 ms chunks the game's output takes to reach the raw microphone, read from their band
 * envelopes: every half second, the lag at which the last 5 s of the microphone's band levels
 * (dB) correlate best with the output's. A new lag is taken only when two readings in a row agree
 * on it and it is at least two chunks away from the current one: a clock's drift is the model's
 * to follow, a glitch that moves the output by 100 ms is this. Allocation-free after construction.
 *
 * @example
 * ```ts
 * const lag = new EnvelopeLag(10);
 * lag.push(micBandsDb, outputBandsDb); // each chunk
 * lag.chunks; // −1 until found
 * ```
 */
export class EnvelopeLag {
  private readonly history: number;
  private readonly mic: Float64Array;
  private readonly output: Float64Array;
  private readonly scores: Float64Array;
  private count = 0;
  private candidate = -1;
  private current = -1;

  constructor(
    private readonly bands: number,
    /** The longest lag looked for, chunks. */
    readonly maxLag = 40,
    /** Chunks correlated per reading. */
    private readonly window = 250,
    /** Chunks between readings. */
    private readonly every = 25,
  ) {
    this.history = window + maxLag;
    this.mic = new Float64Array(this.history * bands);
    this.output = new Float64Array(this.history * bands);
    this.scores = new Float64Array(maxLag + 1);
  }

  /** The output's lag into the microphone, chunks, or −1 until found. */
  get chunks(): number {
    return this.current;
  }

  /** Adds one chunk's band levels, dBFS: the microphone's and the output's. */
  push(micDb: Float64Array, outputDb: Float64Array): void {
    const slot = (this.count % this.history) * this.bands;
    for (let b = 0; b < this.bands; b++) {
      this.mic[slot + b] = Math.max(FLOOR_DB, micDb[b] as number);
      this.output[slot + b] = Math.max(FLOOR_DB, outputDb[b] as number);
    }
    this.count++;
    if (this.count < this.history || this.count % this.every !== 0) return;
    const best = this.read();
    if (best < 0) return;
    if (best === this.candidate && (this.current < 0 || best !== this.current)) this.current = best;
    this.candidate = best;
  }

  /** The lag at which the last window correlates best, or −1 when nothing correlates. */
  private read(): number {
    const { bands, history, window } = this;
    const newest = this.count - 1;
    let best = -1;
    let bestScore = MIN_CORRELATION;
    for (let lag = 0; lag <= this.maxLag; lag++) {
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let b = 0; b < bands; b++) {
        let mx = 0;
        let my = 0;
        for (let t = 0; t < window; t++) {
          const c = newest - t;
          mx += this.mic[(c % history) * bands + b] as number;
          my += this.output[((c - lag) % history) * bands + b] as number;
        }
        mx /= window;
        my /= window;
        for (let t = 0; t < window; t++) {
          const c = newest - t;
          const x = (this.mic[(c % history) * bands + b] as number) - mx;
          const y = (this.output[((c - lag) % history) * bands + b] as number) - my;
          sxy += x * y;
          sxx += x * x;
          syy += y * y;
        }
      }
      const score = sxy / Math.sqrt(sxx * syy + 1e-12);
      this.scores[lag] = score;
      if (score > bestScore) {
        bestScore = score;
        best = lag;
      }
    }
    return best;
  }
}
