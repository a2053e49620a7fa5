import { FIR_WASM } from './wasm/fir.generated.js';

/** Where the resampler's polyphase table and input history live, and who runs the dot products. */
export interface FirKernel {
  readonly name: 'wasm-simd' | 'js';
  /** Input history; replaced (contents kept) by {@link growHistory}. */
  hist: Float32Array;
  growHistory(capacity: number, keep: number): void;
  /**
   * Computes `n` outputs into `out` from `outStart`: output i is the dot product of
   * `hist[start_i … start_i + taps)` with table row `frac_i`, where each output steps
   * `start` by `stepInt` and `frac` by `stepFrac` (carrying into `start` at `phases`).
   */
  run(n: number, start: number, frac: number, out: Float32Array, outStart: number): void;
}

/** The fixed parts of a kernel: the table and how outputs step through the input. */
export interface FirShape {
  readonly table: Float32Array;
  readonly taps: number;
  readonly phases: number;
  readonly stepInt: number;
  readonly stepFrac: number;
  /** Taps before the centre tap (for the folded integer-decimation path). */
  readonly behind: number;
}

let compiled: WebAssembly.Module | null | undefined;

/** The SIMD module, compiled once per realm; null where WebAssembly SIMD is not available. */
function firModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = typeof WebAssembly !== 'undefined' && WebAssembly.validate(FIR_WASM) ? new WebAssembly.Module(FIR_WASM) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** The fastest kernel this platform runs: WebAssembly SIMD, else plain JavaScript. */
export function createFirKernel(shape: FirShape, historyCapacity: number, prefer: 'auto' | 'js' = 'auto'): FirKernel {
  const module = prefer === 'auto' ? firModule() : null;
  return module ? new WasmFirKernel(module, shape, historyCapacity) : new JsFirKernel(shape, historyCapacity);
}

interface FirExports {
  memory: WebAssembly.Memory;
  run(
    hist: number,
    table: number,
    out: number,
    taps: number,
    n: number,
    pos: number,
    frac: number,
    stepInt: number,
    stepFrac: number,
    phases: number,
  ): void;
}

const PAGE = 65536;

/**
 * One instance (and one small memory) per resampler: `[table][history][outputs]`. The history
 * sits right after the table so growing it never moves its contents; only the output area moves.
 */
class WasmFirKernel implements FirKernel {
  readonly name = 'wasm-simd';
  hist: Float32Array;
  private readonly exports: FirExports;
  private readonly shape: FirShape;
  private readonly histOffset: number;
  private outOffset = 0;
  private outView: Float32Array;

  constructor(module: WebAssembly.Module, shape: FirShape, historyCapacity: number) {
    this.shape = shape;
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as FirExports;
    this.histOffset = align16(shape.table.length * 4);
    this.hist = new Float32Array(0);
    this.outView = new Float32Array(0);
    this.layout(historyCapacity, 4096);
    new Float32Array(this.exports.memory.buffer, 0, shape.table.length).set(shape.table);
  }

  growHistory(capacity: number): void {
    this.layout(capacity, this.outView.length);
  }

  run(n: number, start: number, frac: number, out: Float32Array, outStart: number): void {
    if (n > this.outView.length) this.layout(this.hist.length, n * 2);
    const s = this.shape;
    this.exports.run(this.histOffset, 0, this.outOffset, s.taps, n, start, frac, s.stepInt, s.stepFrac, s.phases);
    const src = this.outView;
    for (let i = 0; i < n; i++) out[outStart + i] = src[i] as number;
  }

  /** Sizes memory for the history and output areas and (re)builds the views. */
  private layout(histCapacity: number, outCapacity: number): void {
    const memory = this.exports.memory;
    const outOffset = align16(this.histOffset + histCapacity * 4);
    const needed = outOffset + outCapacity * 4;
    if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
    this.outOffset = outOffset;
    this.hist = new Float32Array(memory.buffer, this.histOffset, histCapacity);
    this.outView = new Float32Array(memory.buffer, outOffset, outCapacity);
  }
}

/** The same arithmetic in JavaScript, with the symmetric kernel folded for integer decimation. */
class JsFirKernel implements FirKernel {
  readonly name = 'js';
  hist: Float32Array;
  private readonly shape: FirShape;

  constructor(shape: FirShape, historyCapacity: number) {
    this.shape = shape;
    this.hist = new Float32Array(historyCapacity);
  }

  growHistory(capacity: number, keep: number): void {
    const next = new Float32Array(capacity);
    next.set(this.hist.subarray(0, keep));
    this.hist = next;
  }

  run(n: number, start: number, frac: number, out: Float32Array, outStart: number): void {
    if (this.shape.phases === 1) this.runFolded(n, start, out, outStart);
    else this.runRows(n, start, frac, out, outStart);
  }

  private runRows(n: number, start: number, frac: number, out: Float32Array, outStart: number): void {
    const { table, taps, phases, stepInt, stepFrac } = this.shape;
    const hist = this.hist;
    let pos = start;
    let phase = frac;
    for (let i = 0; i < n; i++) {
      const row = phase * taps;
      // Four independent sums: one running sum would stall on each add's latency.
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let k = 0; k < taps; k += 4) {
        const h = pos + k;
        const t = row + k;
        a0 += (hist[h] as number) * (table[t] as number);
        a1 += (hist[h + 1] as number) * (table[t + 1] as number);
        a2 += (hist[h + 2] as number) * (table[t + 2] as number);
        a3 += (hist[h + 3] as number) * (table[t + 3] as number);
      }
      out[outStart + i] = a0 + a1 + (a2 + a3);
      pos += stepInt;
      phase += stepFrac;
      if (phase >= phases) {
        phase -= phases;
        pos++;
      }
    }
  }

  /** Row 0 is symmetric about tap `behind`: y = h₀·x[c] + Σⱼ hⱼ·(x[c−j] + x[c+j]). */
  private runFolded(n: number, start: number, out: Float32Array, outStart: number): void {
    const { table, behind, stepInt } = this.shape;
    const hist = this.hist;
    const folds = behind - (behind % 4);
    let c = start + behind;
    for (let i = 0; i < n; i++) {
      let a0 = (table[behind] as number) * (hist[c] as number);
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let j = 1;
      for (; j <= folds - 3; j += 4) {
        a0 += (table[behind + j] as number) * ((hist[c - j] as number) + (hist[c + j] as number));
        a1 += (table[behind + j + 1] as number) * ((hist[c - j - 1] as number) + (hist[c + j + 1] as number));
        a2 += (table[behind + j + 2] as number) * ((hist[c - j - 2] as number) + (hist[c + j + 2] as number));
        a3 += (table[behind + j + 3] as number) * ((hist[c - j - 3] as number) + (hist[c + j + 3] as number));
      }
      for (; j <= behind; j++) a0 += (table[behind + j] as number) * ((hist[c - j] as number) + (hist[c + j] as number));
      out[outStart + i] = a0 + a1 + (a2 + a3);
      c += stepInt;
    }
  }
}

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
