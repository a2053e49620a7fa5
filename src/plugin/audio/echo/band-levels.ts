import FFT from 'fft.js';

/** Band edges, Hz, for 16 kHz chunks: narrow where voices' pitch and first formants sit, wider above. */
const EDGES_HZ = [100, 300, 500, 750, 1000, 1500, 2000, 3000, 4000, 6000, 8000] as const;
/** How many bands {@link BandLevels.measure} reports. */
export const BANDS = EDGES_HZ.length - 1;
const RATE = 16000;
const SIZE = 512;
/** A Hann window's mean square: the windowed spectrum's energy is this share of the chunk's. */
const HANN_POWER = 0.375;
const SILENT_DB = -140;

/**
 * The level of each band of a 20 ms chunk (320 samples at 16 kHz), dBFS: the share of the chunk's
 * mean square that falls in it, so that the bands of a chunk add up to about its level.
 * Allocation-free after construction.
 *
 * @example
 * ```ts
 * const bands = new BandLevels(320);
 * const db = new Float64Array(BANDS);
 * bands.measure(chunk.samples, db); // db[0] is 100–300 Hz, db[BANDS - 1] 6–8 kHz
 * ```
 */
export class BandLevels {
  private readonly fft = new FFT(SIZE);
  private readonly input: number[] = new Array<number>(SIZE).fill(0);
  private readonly spectrum: number[];
  private readonly window: Float64Array;
  private readonly bins = EDGES_HZ.map((hz) => Math.round((hz / RATE) * SIZE));
  private readonly norm: number;

  constructor(private readonly length: number) {
    if (length > SIZE) throw new RangeError(`BandLevels: a chunk of ${length} samples is longer than ${SIZE}`);
    this.spectrum = this.fft.createComplexArray();
    this.window = Float64Array.from({ length }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / length));
    // Two-sided energy (real input) over the transform's size, back to a mean square of the chunk.
    this.norm = 2 / (SIZE * length * HANN_POWER);
  }

  /** Writes the level of each of the {@link BANDS} bands of `samples` (its first `length`) into `into`, dBFS. */
  measure(samples: Float32Array, into: Float64Array): void {
    for (let i = 0; i < this.length; i++) this.input[i] = (samples[i] ?? 0) * (this.window[i] as number);
    this.fft.realTransform(this.spectrum, this.input);
    const s = this.spectrum;
    for (let b = 0; b < BANDS; b++) {
      let energy = 0;
      for (let k = this.bins[b] as number; k < (this.bins[b + 1] as number); k++)
        energy += (s[2 * k] as number) ** 2 + (s[2 * k + 1] as number) ** 2;
      const meanSquare = energy * this.norm;
      into[b] = meanSquare > 1e-14 ? 10 * Math.log10(meanSquare) : SILENT_DB;
    }
  }
}
