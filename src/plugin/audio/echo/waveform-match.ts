import { CrossCorrelation } from './cross-correlation.js';
import { SpectralCoherence } from './spectral-coherence.js';

/** How closely a stretch of the microphone copies the reference ({@link WaveformMatch.copyAtAnyDelay}). */
export interface CopyMatch {
  /** The best |normalised correlation| at any delay searched, 0..1. */
  correlation: number;
  /** The spectral coherence at that delay, 0..1: a copy through any steady filter (a room) still scores high. */
  coherence: number;
}

/**
 * The last moments of two aligned signals (microphone and reference), pre-emphasised, with one
 * question: does the newest stretch of the microphone contain a delayed copy of the reference?
 * A copy — echo, even filtered by a room — correlates sample by sample; another voice talking at
 * the same time does not, however much its loudness happens to follow along. Pre-emphasis
 * whitens speech enough that chance correlation stays small. Each signal is stored twice over
 * (a mirrored ring) so every window is contiguous. Allocation-free.
 */
export class WaveformMatch {
  /** The search over every delay, sized for the whole ring (shared by the page, built once). */
  private readonly search: CrossCorrelation;
  private readonly coherence = new SpectralCoherence();
  private readonly match: CopyMatch = { correlation: 0, coherence: 0 };
  private readonly mic: Float32Array;
  private readonly ref: Float32Array;
  private written = 0;
  private lastMic = 0;
  private lastRef = 0;

  constructor(readonly capacity = 16000) {
    this.mic = new Float32Array(2 * capacity);
    this.ref = new Float32Array(2 * capacity);
    this.search = CrossCorrelation.shared(2 ** Math.ceil(Math.log2(Math.max(2, capacity))));
  }

  /** Adds aligned samples. */
  push(mic: Float32Array, ref: Float32Array): void {
    const n = Math.min(mic.length, ref.length);
    const size = this.capacity;
    for (let i = 0; i < n; i++) {
      const m = mic[i] as number;
      const r = ref[i] as number;
      const slot = this.written % size;
      const pm = m - 0.9 * this.lastMic;
      const pr = r - 0.9 * this.lastRef;
      this.mic[slot] = pm;
      this.mic[slot + size] = pm;
      this.ref[slot] = pr;
      this.ref[slot + size] = pr;
      this.lastMic = m;
      this.lastRef = r;
      this.written++;
    }
  }

  /**
   * The best normalised correlation (0..1) between the newest `window` microphone samples and the
   * reference `lag ± search` samples earlier. 0 when there is not enough history or either side
   * is silent. Costs `window × (2 search + 1)` multiply-adds.
   */
  correlation(lag: number, window: number, search: number): number {
    const size = this.capacity;
    const start = this.written - window; // first microphone sample of the window
    const from = Math.max(0, lag - search);
    const to = lag + search;
    if (start - to < 0 || window + to > size) return 0;
    const mic = this.mic;
    const ref = this.ref;
    const m0 = start % size;
    let micEnergy = 0;
    for (let k = 0; k < window; k++) micEnergy += (mic[m0 + k] as number) ** 2;
    if (micEnergy < 1e-12) return 0;
    // Reference window for delay d starts at start - d; walk d upwards, sliding its energy.
    let r0 = (start - from) % size;
    let refEnergy = 0;
    for (let k = 0; k < window; k++) refEnergy += (ref[r0 + k] as number) ** 2;
    let best = 0;
    for (let d = from; d <= to; d++) {
      if (d > from) {
        // One sample earlier: gains ref[r0 - 1], loses ref[r0 + window - 1].
        if (r0 === 0) r0 = size;
        const gained = ref[r0 - 1] as number;
        const lost = ref[r0 + window - 1] as number;
        r0--;
        refEnergy += gained * gained - lost * lost;
      }
      if (refEnergy < 1e-12) continue;
      let dot = 0;
      for (let k = 0; k < window; k++) dot += (mic[m0 + k] as number) * (ref[r0 + k] as number);
      const c = dot / Math.sqrt(micEnergy * refEnergy);
      if (c > best) best = c;
    }
    return best;
  }

  /**
   * Whether the `window` microphone samples that ended `age` samples ago are a copy of the reference
   * at any delay up to `maxLag`, either way up (a canceller that subtracts a mistimed estimate leaves
   * her voice inverted): the best |normalised correlation| (0..1), by FFT, and the spectral
   * coherence at that delay. The correlation needs the waveform itself; the coherence also knows her
   * voice coloured by a loudspeaker, a room's early reflections or a canceller's band gains, which
   * spread a copy over many samples. Reference stretches fainter than `leastMeanSquare`
   * (pre-emphasised) are not searched. Both 0 without enough history. The result is reused by the
   * next call.
   */
  copyAtAnyDelay(age: number, window: number, maxLag: number, leastMeanSquare: number): Readonly<CopyMatch> {
    const size = this.capacity;
    const match = this.match;
    match.correlation = 0;
    match.coherence = 0;
    const start = this.written - age - window; // first microphone sample of the stretch
    if (window <= 0 || age < 0 || start - maxLag < 0 || age + window + maxLag > size) return match;
    const m0 = start % size;
    const r0 = (start - maxLag) % size;
    const mic = this.mic.subarray(m0, m0 + window);
    const found = this.search.search(mic, this.ref.subarray(r0, r0 + window + maxLag), leastMeanSquare);
    if (found.offset < 0) return match;
    match.correlation = found.correlation;
    match.coherence = this.coherence.between(mic, this.ref.subarray(r0 + found.offset, r0 + found.offset + window));
    return match;
  }
}
