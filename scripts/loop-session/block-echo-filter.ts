import FFT from 'fft.js';

/** Residual energy over the microphone's, in a block, above which the model has diverged. */
const DIVERGED = 4;

/** How the filter is built. */
export interface BlockEchoFilterOptions {
  /** Samples per block (and per partition of the echo path). */
  block?: number;
  /** Partitions: the echo path it can model is `block × partitions` samples long. */
  partitions?: number;
  /** Step size of the normalised update (0…1). */
  step?: number;
  /**
   * The reference's mean square per sample that the update treats as silence (it regularises
   * the normalisation, so a quiet bin over the microphone's noise does not throw the model off).
   */
  quiet?: number;
}

/**
 * A linear model of the echo path, learnt while it runs: a partitioned-block frequency-domain
 * adaptive filter (overlap-save, constrained gradient, step normalised per frequency bin by the
 * reference's power over the modelled span). Given what the speakers played and what the microphone heard, block by
 * block, it returns the microphone with the modelled echo taken out.
 *
 * Allocation-free after construction.
 *
 * @example
 * ```ts
 * const filter = new BlockEchoFilter({ block: 256, partitions: 16 });
 * const residual = new Float32Array(256);
 * filter.process(played, heard, true, residual); // each 256 samples
 * ```
 */
export class BlockEchoFilter {
  readonly block: number;
  readonly partitions: number;
  private readonly step: number;
  private readonly floor: number;
  private readonly fft: FFT;
  private readonly input: Float32Array;
  private readonly spectra: number[][];
  private readonly weights: number[][];
  private readonly power: Float64Array;
  private readonly scratch: number[];
  private readonly scratch2: number[];
  private readonly frame: number[];
  private readonly gradient: number[];
  private newest = 0;
  private heardEnergy = 0;
  private residualEnergy = 0;
  /** How many times the model diverged and was started again. */
  resets = 0;

  constructor(options: BlockEchoFilterOptions = {}) {
    this.block = options.block ?? 256;
    this.partitions = options.partitions ?? 16;
    this.step = options.step ?? 0.5;
    const size = 2 * this.block;
    this.floor = this.partitions * size * (options.quiet ?? 1e-5);
    this.fft = new FFT(size);
    this.input = new Float32Array(size);
    this.spectra = Array.from({ length: this.partitions }, () => this.fft.createComplexArray().fill(0));
    this.weights = Array.from({ length: this.partitions }, () => this.fft.createComplexArray().fill(0));
    this.power = new Float64Array(size);
    this.scratch = this.fft.createComplexArray();
    this.scratch2 = this.fft.createComplexArray();
    this.frame = new Array<number>(size).fill(0);
    this.gradient = this.fft.createComplexArray();
  }

  /**
   * Takes one block of the reference (`played`) and of the microphone (`heard`), and writes into
   * `residual` (returned) the microphone less the echo the model predicts. With `adapt` false
   * (someone else is talking) the model is used but not changed.
   *
   * @throws RangeError when a block is not {@link block} samples long.
   */
  process(played: Float32Array, heard: Float32Array, adapt: boolean, residual = new Float32Array(this.block)): Float32Array {
    const n = this.block;
    const size = 2 * n;
    if (played.length !== n || heard.length !== n || residual.length !== n) throw new RangeError(`blocks must be ${n} samples`);
    this.input.copyWithin(0, n);
    this.input.set(played, n);
    this.newest = (this.newest + this.partitions - 1) % this.partitions;
    this.transform(this.input, this.spectra[this.newest] as number[]);
    // Each bin's power over the whole modelled span (all partitions), as NLMS normalises by the
    // power of every sample in its taps: a smoothed power would lag an onset and overshoot.
    this.power.fill(0);
    for (const spectrum of this.spectra) {
      for (let k = 0; k < size; k++) {
        const re = spectrum[2 * k] as number;
        const im = spectrum[2 * k + 1] as number;
        this.power[k] = (this.power[k] as number) + re * re + im * im;
      }
    }
    // The echo predicted: the sum over partitions of weights × the reference's spectra, last half.
    const echo = this.scratch.fill(0);
    for (let p = 0; p < this.partitions; p++) {
      multiplyAdd(echo, this.weights[p] as number[], this.spectra[(this.newest + p) % this.partitions] as number[], false);
    }
    this.fft.inverseTransform(this.scratch2, echo);
    let heardEnergy = 0;
    let residualEnergy = 0;
    for (let i = 0; i < n; i++) {
      residual[i] = (heard[i] as number) - (this.scratch2[2 * (n + i)] as number);
      heardEnergy += (heard[i] as number) ** 2;
      residualEnergy += (residual[i] as number) ** 2;
    }
    // A model that adds more than it takes away, over the last few blocks, has diverged (the echo
    // path jumped, or it learnt while someone talked): it starts again from nothing, and this
    // block goes out as heard.
    this.heardEnergy = 0.8 * this.heardEnergy + heardEnergy;
    this.residualEnergy = 0.8 * this.residualEnergy + residualEnergy;
    if (this.residualEnergy > DIVERGED * this.heardEnergy + 1e-9) {
      this.residualEnergy = this.heardEnergy;
      for (const w of this.weights) w.fill(0);
      this.resets++;
      residual.set(heard);
      return residual;
    }
    if (!adapt) return residual;
    // The error's spectrum, normalised per bin, then each partition's constrained update.
    this.frame.fill(0);
    for (let i = 0; i < n; i++) this.frame[n + i] = residual[i] as number;
    const error = this.scratch;
    this.fft.realTransform(error, this.frame);
    this.fft.completeSpectrum(error);
    for (let k = 0; k < size; k++) {
      const norm = this.step / ((this.power[k] as number) + this.floor);
      error[2 * k] = (error[2 * k] as number) * norm;
      error[2 * k + 1] = (error[2 * k + 1] as number) * norm;
    }
    const gradient = this.gradient;
    for (let p = 0; p < this.partitions; p++) {
      gradient.fill(0);
      multiplyAdd(gradient, error, this.spectra[(this.newest + p) % this.partitions] as number[], true);
      this.fft.inverseTransform(this.scratch2, gradient);
      for (let i = 0; i < n; i++) this.frame[i] = this.scratch2[2 * i] as number;
      for (let i = n; i < size; i++) this.frame[i] = 0;
      this.fft.realTransform(gradient, this.frame);
      this.fft.completeSpectrum(gradient);
      const w = this.weights[p] as number[];
      for (let i = 0; i < 2 * size; i++) w[i] = (w[i] as number) + (gradient[i] as number);
    }
    return residual;
  }

  /** Forgets the model (the echo path changed). */
  reset(): void {
    for (const w of this.weights) w.fill(0);
    this.heardEnergy = 0;
    this.residualEnergy = 0;
  }

  /** The modelled echo path, as an impulse response (samples). */
  impulseResponse(): Float32Array {
    const n = this.block;
    const out = new Float32Array(n * this.partitions);
    for (let p = 0; p < this.partitions; p++) {
      this.fft.inverseTransform(this.scratch2, this.weights[p] as number[]);
      for (let i = 0; i < n; i++) out[p * n + i] = this.scratch2[2 * i] as number;
    }
    return out;
  }

  private transform(x: Float32Array, out: number[]): void {
    for (let i = 0; i < x.length; i++) this.frame[i] = x[i] as number;
    this.fft.realTransform(out, this.frame);
    this.fft.completeSpectrum(out);
  }
}

/** `acc += a × b` (or `a × conj(b)`), complex arrays interleaved [re, im]. */
function multiplyAdd(acc: number[], a: number[], b: number[], conjugateB: boolean): void {
  const s = conjugateB ? -1 : 1;
  for (let i = 0; i < acc.length; i += 2) {
    const ar = a[i] as number;
    const ai = a[i + 1] as number;
    const br = b[i] as number;
    const bi = s * (b[i + 1] as number);
    acc[i] = (acc[i] as number) + ar * br - ai * bi;
    acc[i + 1] = (acc[i + 1] as number) + ar * bi + ai * br;
  }
}
