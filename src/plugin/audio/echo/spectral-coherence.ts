import FFT from 'fft.js';

/**
 * The magnitude-squared coherence of two equally long signals, averaged over the speech bands and
 * weighted by the first one's power: 1 when one is the other through any steady filter (a room, a
 * loudspeaker, a canceller's band gains, a small misalignment), near 0 for unrelated sounds.
 * Welch's method: Hann-windowed segments of `segment` samples, half overlapping. Allocation-free.
 *
 * @example
 * ```ts
 * const coherence = new SpectralCoherence();
 * coherence.between(micStretch, herVoiceAtItsDelay); // 0..1
 * ```
 */
export class SpectralCoherence {
  private readonly fft: FFT;
  private readonly window: Float64Array;
  private readonly input: number[];
  private readonly a: number[];
  private readonly b: number[];
  private readonly cross: Float64Array;
  private readonly powerA: Float64Array;
  private readonly powerB: Float64Array;
  private readonly lo: number;
  private readonly hi: number;

  /** `segment`: a power of two; `loHz`…`hiHz`: the bands averaged over, at `rate`. */
  constructor(
    readonly segment = 256,
    rate = 16000,
    loHz = 300,
    hiHz = 4000,
  ) {
    this.fft = new FFT(segment);
    this.window = new Float64Array(segment);
    for (let i = 0; i < segment; i++) this.window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (segment - 1));
    this.input = new Array<number>(segment).fill(0);
    this.a = this.fft.createComplexArray();
    this.b = this.fft.createComplexArray();
    const bins = segment / 2 + 1;
    this.cross = new Float64Array(2 * bins);
    this.powerA = new Float64Array(bins);
    this.powerB = new Float64Array(bins);
    this.lo = Math.max(1, Math.ceil((loHz * segment) / rate));
    this.hi = Math.min(segment / 2, Math.floor((hiHz * segment) / rate));
  }

  /** The coherence (0..1) of `a` and `b` over their common length; 0 when either is silent or shorter than a segment. */
  between(a: Float32Array, b: Float32Array): number {
    const n = Math.min(a.length, b.length);
    const seg = this.segment;
    const hop = seg >> 1;
    this.cross.fill(0);
    this.powerA.fill(0);
    this.powerB.fill(0);
    let segments = 0;
    for (let start = 0; start + seg <= n; start += hop) {
      this.transform(a, start, this.a);
      this.transform(b, start, this.b);
      for (let k = this.lo; k <= this.hi; k++) {
        const ar = this.a[2 * k] as number;
        const ai = this.a[2 * k + 1] as number;
        const br = this.b[2 * k] as number;
        const bi = this.b[2 * k + 1] as number;
        // conj(A)·B
        this.cross[2 * k] = (this.cross[2 * k] as number) + ar * br + ai * bi;
        this.cross[2 * k + 1] = (this.cross[2 * k + 1] as number) + ar * bi - ai * br;
        this.powerA[k] = (this.powerA[k] as number) + ar * ar + ai * ai;
        this.powerB[k] = (this.powerB[k] as number) + br * br + bi * bi;
      }
      segments++;
    }
    if (segments === 0) return 0;
    let weighted = 0;
    let total = 0;
    for (let k = this.lo; k <= this.hi; k++) {
      const pa = this.powerA[k] as number;
      const pb = this.powerB[k] as number;
      if (pa <= 0 || pb <= 0) continue;
      const cr = this.cross[2 * k] as number;
      const ci = this.cross[2 * k + 1] as number;
      weighted += (cr * cr + ci * ci) / pb;
      total += pa;
    }
    return total > 1e-20 ? Math.min(1, weighted / total) : 0;
  }

  private transform(x: Float32Array, start: number, into: number[]): void {
    const input = this.input;
    for (let i = 0; i < this.segment; i++) input[i] = (x[start + i] as number) * (this.window[i] as number);
    this.fft.realTransform(into, input);
  }
}
