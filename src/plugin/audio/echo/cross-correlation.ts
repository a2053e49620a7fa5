import FFT from 'fft.js';

/**
 * The normalised cross-correlation of a short signal against every position in a longer one, by
 * FFT: what a sample-by-sample search over half a second of delays would cost in millions of
 * multiply-adds takes three transforms. Allocation-free after construction.
 *
 * @example
 * ```ts
 * const xc = CrossCorrelation.shared(16384);
 * // best |correlation| of 960 microphone samples against her voice over 8000 delays:
 * const { correlation, offset } = xc.search(micWindow, refStretch, 1e-7);
 * ```
 */
export class CrossCorrelation {
  private static readonly instances = new Map<number, CrossCorrelation>();
  private readonly fft: FFT;
  private readonly input: number[];
  private readonly a: number[];
  private readonly b: number[];
  private readonly product: number[];
  private readonly out: number[];
  /** Prefix sums of the long signal's squares, for each position's energy. */
  private readonly squares: Float64Array;

  /** `size`: a power of two at least as long as the longer signal. */
  constructor(readonly size: number) {
    this.fft = new FFT(size);
    this.input = new Array<number>(size).fill(0);
    this.a = this.fft.createComplexArray();
    this.b = this.fft.createComplexArray();
    this.product = this.fft.createComplexArray();
    this.out = this.fft.createComplexArray();
    this.squares = new Float64Array(size + 1);
  }

  /**
   * One instance of each size for the whole page, built and warmed up on first request: its tables
   * take milliseconds to build and its first searches compile the transform (tens of milliseconds),
   * which belongs where a guard is made, not in the frame that first needs a search. Searches are
   * synchronous, so sharing is safe.
   */
  static shared(size: number): CrossCorrelation {
    let xc = CrossCorrelation.instances.get(size);
    if (!xc) {
      xc = new CrossCorrelation(size);
      xc.warmUp();
      CrossCorrelation.instances.set(size, xc);
    }
    return xc;
  }

  private warmUp(): void {
    const long = new Float32Array(this.size >> 1);
    for (let i = 0; i < long.length; i++) long[i] = Math.sin(i * 0.37) * Math.sin(i * 0.011);
    const short = long.subarray(0, Math.min(960, long.length >> 1));
    for (let i = 0; i < 3; i++) this.search(short, long, 0);
  }

  /**
   * The largest |normalised correlation| (0..1) of `short` against each stretch of `long` as long
   * as it, at every offset from 0 to `long.length − short.length`, and the offset into `long` of
   * that stretch. Stretches of `long` whose mean square is below `leastMeanSquare` (silence says
   * nothing) are skipped; correlation 0 and offset −1 when all are, or when `short` is silent.
   */
  search(short: Float32Array, long: Float32Array, leastMeanSquare: number): { correlation: number; offset: number } {
    const w = short.length;
    const offsets = long.length - w;
    const none = { correlation: 0, offset: -1 };
    if (w === 0 || offsets < 0 || long.length > this.size) return none;
    let shortEnergy = 0;
    for (let i = 0; i < w; i++) shortEnergy += (short[i] as number) ** 2;
    if (shortEnergy < 1e-12) return none;
    this.transform(short, this.a);
    this.transform(long, this.b);
    // Correlation at offset x is the inverse transform of conj(A)·B.
    const a = this.a;
    const b = this.b;
    const p = this.product;
    for (let k = 0; k < 2 * this.size; k += 2) {
      const ar = a[k] as number;
      const ai = a[k + 1] as number;
      const br = b[k] as number;
      const bi = b[k + 1] as number;
      p[k] = ar * br + ai * bi;
      p[k + 1] = ar * bi - ai * br;
    }
    this.fft.inverseTransform(this.out, p);
    const sq = this.squares;
    sq[0] = 0;
    for (let i = 0; i < long.length; i++) sq[i + 1] = (sq[i] as number) + (long[i] as number) ** 2;
    const least = leastMeanSquare * w;
    let best = 0;
    let at = -1;
    for (let x = 0; x <= offsets; x++) {
      const energy = (sq[x + w] as number) - (sq[x] as number);
      if (energy < least || energy <= 0) continue;
      const c = Math.abs(this.out[2 * x] as number) / Math.sqrt(shortEnergy * energy);
      if (c > best) {
        best = c;
        at = x;
      }
    }
    return { correlation: Math.min(1, best), offset: at };
  }

  private transform(x: Float32Array, into: number[]): void {
    const input = this.input;
    for (let i = 0; i < this.size; i++) input[i] = i < x.length ? (x[i] as number) : 0;
    this.fft.realTransform(into, input);
    this.fft.completeSpectrum(into);
  }
}
