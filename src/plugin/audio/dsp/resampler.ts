import { NpcVoiceError } from '../../errors.js';
import { createFirKernel, type FirKernel } from './fir-kernel.js';

/** Filter design knobs; the defaults meet the targets in DESIGN.md with margin. */
export interface ResamplerOptions {
  /**
   * Stopband attenuation in dB (Kaiser window design).
   * @defaultValue 90
   */
  attenuationDb?: number;
  /**
   * Width of the transition band as a fraction of the lower of the two rates, centred on that
   * rate's Nyquist frequency. 0.125 at 16 kHz means flat to 7 kHz and stopped from 9 kHz.
   * @defaultValue 0.125
   */
  transition?: number;
  /**
   * Who runs the filter: WebAssembly SIMD where available (`'auto'`), or plain JavaScript.
   * Both give the same output to within float32 rounding.
   * @defaultValue 'auto'
   */
  implementation?: 'auto' | 'js';
}

/** More phases than this and the table is approximated (512 phases, linearly interpolated). */
const MAX_EXACT_PHASES = 2048;
const INTERPOLATED_PHASES = 512;

/**
 * Streaming windowed-sinc (Kaiser) polyphase resampler for mono float audio, any ratio.
 *
 * Output sample `n` is the band-limited input evaluated at input position `n * inRate / outRate`,
 * so the output lines up with the input sample for sample (the filter's look-ahead shows up as
 * a delay of half a kernel in *when* samples come out, not *where*). It keeps its history
 * between calls, so how the input is chunked never changes the output: feeding 1 sample or 4096
 * at a time gives identical numbers. Rational ratios (all the usual rates: 48k, 44.1k, 24k,
 * 22.05k, 16k) use an exact phase table.
 *
 * @example
 * ```ts
 * const down = new Resampler(48000, 16000);
 * const out = new Float32Array(down.maxOutput(128));
 * const n = down.processInto(quantum, out);     // no allocation: the hot path
 * const tail = down.flush();                    // end of stream: the last half-kernel
 * ```
 */
export class Resampler {
  readonly inRate: number;
  readonly outRate: number;
  /** Taps per phase. */
  readonly taps: number;
  /** Input samples the filter looks ahead (and so delays output) by. */
  readonly lookahead: number;
  /** Input samples before an output position that its window uses. */
  private readonly behind: number;

  private readonly phases: number;
  private readonly exact: boolean;
  /** Exact mode: input step per output as `stepInt + stepFrac / phases`. */
  private readonly stepInt: number;
  private readonly stepFrac: number;
  /** Interpolated mode: input step per output, in input samples. */
  private readonly step: number;
  /** phases+1 rows of `taps` coefficients (the extra row is for interpolation). */
  private readonly table: Float32Array;

  /** Runs the dot products; owns the history (`hist[0]` is absolute input index `histBase`). */
  private readonly kernel: FirKernel;
  private histLen = 0;
  private histBase = 0;
  /** Next output's position: integer input index + phase (exact) or fraction (interpolated). */
  private posInt = 0;
  private posFrac = 0;

  constructor(inRate: number, outRate: number, options: ResamplerOptions = {}) {
    if (!(inRate > 0 && outRate > 0 && Number.isFinite(inRate) && Number.isFinite(outRate))) {
      throw new NpcVoiceError('invalid-argument', `Resampler rates must be positive numbers, got ${inRate} → ${outRate}.`);
    }
    const attenuation = options.attenuationDb ?? 90;
    const transition = options.transition ?? 0.125;
    this.inRate = inRate;
    this.outRate = outRate;

    // Kernel in input-sample units: cutoff at the lower Nyquist, Kaiser window sized for the
    // transition band (Kaiser's formulas: N = (A − 7.95) / (2.285 Δω), β from A).
    const minRate = Math.min(inRate, outRate);
    const cutoff = (0.5 * minRate) / inRate; // cycles per input sample
    const deltaOmega = (2 * Math.PI * transition * minRate) / inRate;
    const span = Math.max(2, Math.ceil((attenuation - 7.95) / (2.285 * deltaOmega)));
    const half = span / 2;
    const beta =
      attenuation > 50
        ? 0.1102 * (attenuation - 8.7)
        : attenuation >= 21
          ? 0.5842 * (attenuation - 21) ** 0.4 + 0.07886 * (attenuation - 21)
          : 0;
    // Window for an output at i0 + frac covers inputs i0 − behind … i0 + behind + 1: one extra
    // tap so the kernel's whole support fits for every fractional phase.
    // Rounded up to a multiple of 8 (the extra taps are zeros) for the SIMD and unrolled loops.
    this.behind = Math.ceil(half);
    this.taps = Math.ceil((2 * this.behind + 2) / 8) * 8;
    this.lookahead = this.taps - 1 - this.behind;

    const integerRates = Number.isInteger(inRate) && Number.isInteger(outRate);
    const g = integerRates ? gcd(inRate, outRate) : 1;
    const up = integerRates ? outRate / g : 0;
    this.exact = integerRates && up <= MAX_EXACT_PHASES;
    this.phases = this.exact ? up : INTERPOLATED_PHASES;
    const down = this.exact ? inRate / g : 0;
    this.stepInt = this.exact ? Math.floor(down / up) : 0;
    this.stepFrac = this.exact ? down % up : 0;
    this.step = inRate / outRate;

    // Row p holds h(k − behind − p/phases) for k = 0..taps−1: the weights of inputs
    // i0 − behind … i0 + behind + 1 for an output at i0 + p/phases. Each row is normalised to
    // unit sum so DC is exact for every phase.
    const rows = this.phases + 1;
    const table = new Float32Array(rows * this.taps);
    const i0Beta = besselI0(beta);
    for (let p = 0; p < rows; p++) {
      const frac = p / this.phases;
      let sum = 0;
      for (let k = 0; k < this.taps; k++) {
        const t = k - this.behind - frac; // input offset relative to the output position
        const w = Math.abs(t) >= half ? 0 : besselI0(beta * Math.sqrt(1 - (t / half) ** 2)) / i0Beta;
        const h = 2 * cutoff * sinc(2 * cutoff * t) * w;
        table[p * this.taps + k] = h;
        sum += h;
      }
      for (let k = 0; k < this.taps; k++) table[p * this.taps + k] = (table[p * this.taps + k] as number) / sum;
    }
    this.table = table;
    const shape = { table, taps: this.taps, phases: this.phases, stepInt: this.stepInt, stepFrac: this.stepFrac, behind: this.behind };
    this.kernel = createFirKernel(shape, this.taps * 2 + 4096, options.implementation ?? 'auto');
    this.reset();
  }

  /** Most samples {@link processInto} can produce from `inputLength` more input samples. */
  maxOutput(inputLength: number): number {
    return Math.ceil(((inputLength + this.taps) * this.outRate) / this.inRate) + 2;
  }

  /** Which filter implementation this instance runs. */
  get implementation(): 'wasm-simd' | 'js' {
    return this.kernel.name;
  }

  /** Forgets all history, as if newly constructed. */
  reset(): void {
    // The stream is preceded by silence: the first output (position 0) needs `behind` zeros.
    this.kernel.hist.fill(0, 0, this.behind);
    this.histLen = this.behind;
    this.histBase = -this.behind;
    this.posInt = 0;
    this.posFrac = 0;
  }

  /** Resamples a chunk into a new array (convenient; allocates). */
  process(input: Float32Array): Float32Array {
    const out = new Float32Array(this.maxOutput(input.length));
    const n = this.processInto(input, out);
    return out.slice(0, n);
  }

  /**
   * Resamples a chunk into `out` (which must hold {@link maxOutput}`(input.length)` samples)
   * and returns how many samples were written. Allocates nothing once its history buffer has
   * grown to the largest chunk size seen.
   */
  processInto(input: Float32Array, out: Float32Array, inputStart = 0, inputEnd = input.length): number {
    const count = inputEnd - inputStart;
    if (this.histLen + count > this.kernel.hist.length) {
      this.kernel.growHistory(Math.max(this.histLen + count, this.kernel.hist.length * 2), this.histLen);
    }
    const hist = this.kernel.hist;
    let len = this.histLen;
    for (let i = inputStart; i < inputEnd; i++) hist[len++] = input[i] as number;
    this.histLen = len;
    const produced = this.exact ? this.runExact(out) : this.runInterpolated(out);
    this.compact();
    return produced;
  }

  /** Ends the stream: feeds the zeros the last outputs still need, returns them, and resets. */
  flush(): Float32Array {
    const lastInput = this.histBase + this.histLen - 1;
    const keep = this.outputsUpTo(lastInput);
    const zeros = new Float32Array(this.taps);
    const out = new Float32Array(this.maxOutput(zeros.length));
    const n = this.processInto(zeros, out);
    this.reset();
    return out.slice(0, Math.min(n, keep));
  }

  /** How many of the next outputs sit at input positions ≤ `limit`. */
  private outputsUpTo(limit: number): number {
    let posInt = this.posInt;
    let posFrac = this.posFrac;
    let count = 0;
    while (posInt <= limit) {
      count++;
      if (this.exact) {
        posInt += this.stepInt;
        posFrac += this.stepFrac;
        if (posFrac >= this.phases) {
          posFrac -= this.phases;
          posInt++;
        }
      } else {
        posFrac += this.step;
        const whole = Math.floor(posFrac);
        posInt += whole;
        posFrac -= whole;
      }
    }
    return count;
  }

  private runExact(out: Float32Array): number {
    // How many outputs fit: output m sits at posInt_m = floor(u_m / phases), u_m = u_0 + m·D, and
    // needs input up to posInt_m + lookahead. Counted in closed form, then run in one kernel call.
    const phases = this.phases;
    const step = this.stepInt * phases + this.stepFrac;
    const lastPos = this.histBase + this.histLen - 1 - this.lookahead;
    const room = (lastPos + 1 - this.posInt) * phases - this.posFrac;
    const n = room > 0 ? Math.ceil(room / step) : 0;
    if (n === 0) return 0;
    this.kernel.run(n, this.posInt - this.behind - this.histBase, this.posFrac, out, 0);
    const units = this.posFrac + n * this.stepFrac;
    this.posInt += n * this.stepInt + Math.floor(units / phases);
    this.posFrac = units % phases;
    return n;
  }

  private runInterpolated(out: Float32Array): number {
    const hist = this.kernel.hist;
    const table = this.table;
    const taps = this.taps;
    const phases = this.phases;
    const step = this.step;
    const look = this.behind;
    const lastStart = this.histBase + this.histLen - taps;
    let posInt = this.posInt;
    let posFrac = this.posFrac; // fraction of an input sample in [0, 1)
    let n = 0;
    while (posInt - look <= lastStart) {
      const start = posInt - look - this.histBase;
      const p = posFrac * phases;
      const pi = Math.floor(p);
      const mix = p - pi;
      const rowA = pi * taps;
      const rowB = rowA + taps;
      let a0 = 0;
      let a1 = 0;
      let b0 = 0;
      let b1 = 0;
      for (let k = 0; k < taps; k += 2) {
        const x0 = hist[start + k] as number;
        const x1 = hist[start + k + 1] as number;
        a0 += x0 * (table[rowA + k] as number);
        a1 += x1 * (table[rowA + k + 1] as number);
        b0 += x0 * (table[rowB + k] as number);
        b1 += x1 * (table[rowB + k + 1] as number);
      }
      const accA = a0 + a1;
      const accB = b0 + b1;
      out[n++] = accA + (accB - accA) * mix;
      posFrac += step;
      const whole = Math.floor(posFrac);
      posInt += whole;
      posFrac -= whole;
    }
    this.posInt = posInt;
    this.posFrac = posFrac;
    return n;
  }

  /** Drops history the next output no longer needs. */
  private compact(): void {
    const keepFrom = this.posInt - this.behind - this.histBase;
    if (keepFrom <= 0) return;
    const drop = Math.min(keepFrom, this.histLen);
    this.kernel.hist.copyWithin(0, drop, this.histLen);
    this.histLen -= drop;
    this.histBase += drop;
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Modified Bessel function of the first kind, order 0 (series; converges fast for β ≤ 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}
