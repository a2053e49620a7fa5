import { CrossCorrelation } from '../../src/plugin/audio/echo/cross-correlation.ts';
import { lanczosAt, lineThrough, peakFraction } from './sub-sample.ts';

const RATE = 16000;
/** Each reading correlates one second of the output. */
const WINDOW = RATE;
/** Audio kept for readings: the window, the largest lag looked for and the search either side. */
const HISTORY = 4 * RATE;
/** Until a lag is known, readings search this far either side of {@link FIRST_GUESS}: lags of 0–1.2 s. */
const FIRST_GUESS = Math.round(0.6 * RATE);
const WIDE = Math.round(0.6 * RATE);
/** Once a lag is known, readings search this far either side of it. */
const NARROW = RATE >> 2;
/** A reading this far (samples) from the line's prediction is a jump of the path, or a misreading. */
const JUMP = 8;
/** The line through the drift is fitted to at most this many readings (one a second). */
const FIT = 30;
/** The output counts for a reading above this mean square, and a reading above this correlation. */
const LOUD = 1e-5;
const CORRELATED = 0.4;

/** One reading of the lag: where on the microphone's timeline it was read (samples since start), and the lag there. */
interface Reading {
  at: number;
  lag: number;
}

/**
 * How late the game's output reaches the raw microphone, found as the audio comes, to a fraction
 * of a sample: the output card and the microphone run on clocks that drift apart (100 ppm turns
 * an echo's phase by 2 radians a second at 3 kHz, faster than an echo model learns), and the path
 * can jump when a device glitches. Once a second it reads the lag on the last second of output
 * whose echo has wholly arrived, and predicts the lag from a line through the readings since the
 * path last jumped. A reading off the line starts a new stretch only when the next one agrees
 * (a jump); else it is dropped (a misreading). Nothing it does looks ahead. After construction it
 * allocates a little once a second (a reading, and the line through the readings).
 *
 * @example
 * ```ts
 * const delay = new EchoDelay();
 * delay.push(raw, output); // each 20 ms, both 320 samples at 16 kHz
 * if (delay.known) delay.aligned(played, 480); // the output, 480 samples before its echo
 * ```
 */
export class EchoDelay {
  /** Output and microphone, each written twice so any stretch of {@link HISTORY} is one subarray. */
  private readonly output = new Float32Array(2 * HISTORY);
  private readonly mic = new Float32Array(2 * HISTORY);
  private written = 0;
  private nextReading = WINDOW;
  private stretch: Reading[] = [];
  private candidate: Reading | null = null;
  /** The least-squares line through the stretch: its lag at its mean position, and its slope. */
  private lineAt = 0;
  private lineLag = 0;
  private slope = 0;
  private readonly wide = CrossCorrelation.shared(2 ** Math.ceil(Math.log2(WINDOW + 2 * WIDE)));
  private readonly narrow = CrossCorrelation.shared(2 ** Math.ceil(Math.log2(WINDOW + 2 * NARROW)));
  /** Readings taken, dropped as misreadings, and jumps followed. */
  readings = 0;
  dropped = 0;
  jumps = 0;

  /** Whether a lag is known. */
  get known(): boolean {
    return this.stretch.length > 0;
  }

  /** Samples pushed so far. */
  get position(): number {
    return this.written;
  }

  /** Adds the newest samples of the raw microphone and of the game's output (the same count); reads the lag once a second. */
  push(raw: Float32Array, output: Float32Array): void {
    const n = Math.min(raw.length, output.length);
    for (let i = 0; i < n; i++) {
      const k = (this.written + i) % HISTORY;
      this.mic[k] = this.mic[k + HISTORY] = raw[i] as number;
      this.output[k] = this.output[k + HISTORY] = output[i] as number;
    }
    this.written += n;
    if (this.written >= this.nextReading) {
      this.nextReading += WINDOW;
      this.read();
    }
  }

  /** The lag predicted at sample `at` of the microphone's timeline (0 before anything is known). */
  predict(at: number): number {
    return this.lineLag + this.slope * (at - this.lineAt);
  }

  /**
   * Writes into `out` the output as it was `lead` samples before its echo reached the microphone's
   * newest `out.length` samples (read between samples, through an 8-tap Lanczos kernel). Where
   * the lag is shorter than `lead`, the output is read as late as it has been pushed.
   */
  aligned(out: Float32Array, lead: number): void {
    const first = this.written - out.length;
    for (let i = 0; i < out.length; i++) {
      const p = first + i;
      out[i] = this.outputAt(p - Math.max(this.predict(p) - lead, 5));
    }
  }

  /** The output at a fractional sample position (0 outside what is kept). */
  private outputAt(at: number): number {
    const k = Math.floor(at);
    if (k - 3 < this.written - HISTORY || k + 4 >= this.written) return 0;
    return lanczosAt((j) => this.output[j % HISTORY] as number, at);
  }

  /** One reading with everything pushed so far: the output's second whose echo (at up to guess + span) has wholly arrived. */
  private read(): void {
    const end = this.written;
    const guess = Math.max(0, Math.round(this.known ? this.predict(end) : FIRST_GUESS));
    const span = this.known ? NARROW : WIDE;
    const at = end - WINDOW - guess - span;
    if (at < Math.max(0, end - HISTORY)) return;
    const short = this.stretchOf(this.output, at, WINDOW);
    let energy = 0;
    for (let i = 0; i < WINDOW; i++) energy += (short[i] as number) ** 2;
    if (energy / WINDOW <= LOUD) return;
    const long = this.stretchOf(this.mic, at + guess - span, WINDOW + 2 * span);
    const found = (this.known ? this.narrow : this.wide).search(short, long, 1e-8);
    if (found.offset < 0 || found.correlation <= CORRELATED) return;
    const lag = guess - span + found.offset + peakFraction(short, long, found.offset);
    this.readings++;
    this.take({ at: at + lag + WINDOW / 2, lag });
  }

  /** `length` samples of a history from absolute sample `from`, as one subarray. */
  private stretchOf(history: Float32Array, from: number, length: number): Float32Array {
    const k = from % HISTORY;
    return history.subarray(k, k + length);
  }

  private take(r: Reading): void {
    if (!this.known || Math.abs(r.lag - this.predict(r.at)) <= JUMP) {
      if (this.candidate) this.dropped++;
      this.candidate = null;
      this.stretch.push(r);
      if (this.stretch.length > FIT) this.stretch.shift();
      this.fit();
      return;
    }
    // Off the line: a jump if the next reading agrees, else a misreading.
    const c = this.candidate;
    if (c && Math.abs(r.lag - c.lag) <= JUMP) {
      this.jumps++;
      this.stretch = [c, r];
      this.candidate = null;
      this.fit();
      return;
    }
    if (c) this.dropped++;
    this.candidate = r;
  }

  private fit(): void {
    const line = lineThrough(
      this.stretch.map((r) => r.at),
      this.stretch.map((r) => r.lag),
    );
    this.lineAt = line.x;
    this.lineLag = line.y;
    this.slope = line.slope;
  }
}
