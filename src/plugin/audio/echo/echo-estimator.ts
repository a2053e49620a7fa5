import { type CopyMatch, WaveformMatch } from './waveform-match.js';

/** How the microphone is treated while an NPC is audible. */
export type EchoMode = 'auto' | 'half-duplex' | 'off';

/** What the estimator found: how much of the NPC's voice comes back into the microphone. */
export interface EchoEstimate {
  /** Echo return loss: how much quieter the voice is at the microphone than as played, dB. */
  returnLossDb: number;
  /** Correlation of the two level envelopes at the best lag (−1..1). */
  correlation: number;
  /** Delay from the speakers to the microphone, ms. */
  lagMs: number;
  /** The microphone hears the NPC (correlated, and not far below it). */
  echo: boolean;
}

export interface EchoEstimatorOptions {
  /** @defaultValue 16000 */
  rate?: number;
  /** @defaultValue 10 */
  frameMs?: number;
  /** Longest speaker → microphone delay searched (output + input latency + the room). @defaultValue 500 */
  maxLagMs?: number;
  /** Analysis window. @defaultValue 1500 */
  windowMs?: number;
  /** A reference frame louder than this counts as the NPC speaking, dBFS. @defaultValue -45 */
  activeDb?: number;
  /** Echo closer than this to the played level counts as echo, dB. @defaultValue 35 */
  echoWithinDb?: number;
  /** …when the envelopes correlate at least this much. @defaultValue 0.5 */
  minCorrelation?: number;
  /**
   * Microphone sound quieter than this is inaudible to a voice detector: a copy of the voice that
   * faint (a canceller's residue) is not a leak, dBFS. @defaultValue -55
   */
  audibleDb?: number;
}

const SILENT_DB = -120;
/** Her pre-emphasised voice fainter than this (−70 dB) over a stretch says nothing about a copy of it. */
const COPY_LEAST_MEAN_SQUARE = 1e-7;
/** How closely a burst must copy her voice to be hers: as a waveform, or as a spectrum coloured by the room (docs/rooms.md). */
const COPY_CORRELATION = 0.38;
const COPY_COHERENCE = 0.65;

/**
 * Echo estimation on what the NPC played (the reference) and what the microphone heard, both at
 * 16 kHz and captured over the same frames. It compares 10 ms level envelopes at every lag up to
 * `maxLagMs`: the best lag's correlation says whether the microphone hears the NPC, and the level
 * difference there is the echo return loss. Envelopes (not waveforms) keep it to a few thousand
 * operations every half second, allocation-free — cheap enough for the frame loop.
 */
export class EchoEstimator {
  private readonly frame: number;
  private readonly maxLag: number;
  private readonly window: number;
  private readonly size: number;
  private readonly ref: Float64Array;
  private readonly mic: Float64Array;
  private readonly o: Required<EchoEstimatorOptions>;
  private readonly waveform: WaveformMatch;
  private readonly pair = new Pearson();
  private frames = 0;
  private fill = 0;
  private refAcc = 0;
  private micAcc = 0;
  private lastActive = Number.NEGATIVE_INFINITY;

  constructor(options: EchoEstimatorOptions = {}) {
    this.o = {
      rate: 16000,
      frameMs: 10,
      maxLagMs: 500,
      windowMs: 1500,
      activeDb: -45,
      echoWithinDb: 35,
      minCorrelation: 0.5,
      audibleDb: -55,
      ...options,
    };
    this.frame = Math.round((this.o.rate * this.o.frameMs) / 1000);
    this.maxLag = Math.round(this.o.maxLagMs / this.o.frameMs);
    this.window = Math.round(this.o.windowMs / this.o.frameMs);
    this.size = this.window + this.maxLag;
    this.ref = new Float64Array(this.size).fill(SILENT_DB);
    this.mic = new Float64Array(this.size).fill(SILENT_DB);
    this.waveform = new WaveformMatch(Math.round((this.o.rate * (this.o.maxLagMs + 500)) / 1000));
  }

  /** Adds aligned microphone and reference samples (any length). */
  push(mic: Float32Array, ref: Float32Array): void {
    const n = Math.min(mic.length, ref.length);
    this.waveform.push(mic, ref);
    for (let i = 0; i < n; i++) {
      const m = mic[i] as number;
      const r = ref[i] as number;
      this.micAcc += m * m;
      this.refAcc += r * r;
      if (++this.fill === this.frame) {
        const slot = this.frames % this.size;
        const refDb = toDb(this.refAcc / this.frame);
        this.ref[slot] = refDb;
        this.mic[slot] = toDb(this.micAcc / this.frame);
        if (refDb > this.o.activeDb) this.lastActive = this.frames;
        this.frames++;
        this.fill = 0;
        this.refAcc = 0;
        this.micAcc = 0;
      }
    }
  }

  /** The longest echo delay it looks for, ms. */
  get maxLagMs(): number {
    return this.o.maxLagMs;
  }

  /** Milliseconds since the reference was last above the activity level (∞ if never). */
  get msSinceActive(): number {
    return (this.frames - this.lastActive) * this.o.frameMs;
  }

  /**
   * A quick look at the last moments: is the microphone, right now, a copy of the voice? First a
   * cheap screen at every delay up to `maxLagMs` over the voice's most recent `voicedMs` (its frames
   * above the activity level): the delay at which the microphone's loudness best follows the
   * voice's (a canceller losing its grip, or automatic gain riding up, changes the level, not the
   * shape). That delay is then checked sample by sample ({@link WaveformMatch}): loudness can
   * follow the voice by chance — a player talking over the NPC — a waveform cannot. Catches a
   * canceller that slips (it loses track when the output delay drifts, which also moves the
   * delay) within about `voicedMs` of voice.
   */
  leaking(voicedMs = 80): boolean {
    if (this.frames < this.size) return false;
    const size = this.size;
    const { activeDb, echoWithinDb } = this.o;
    const want = Math.max(3, Math.round(voicedMs / this.o.frameMs));
    const span = this.size - this.maxLag; // mic frames looked at, newest first
    const newest = this.frames - 1;
    let bestLag = -1;
    let bestScore = 0.5; // envelope correlation the delay must beat
    const pair = this.pair;
    for (let lag = 0; lag <= this.maxLag; lag++) {
      pair.reset();
      for (let k = 0; k < span && pair.n < want; k++) {
        const t = newest - k; // mic frame; its reference frame is t - lag
        const r = this.ref[(t - lag + size) % size] as number;
        if (r > activeDb) pair.add(r, this.mic[t % size] as number);
      }
      if (pair.n < want || pair.meanDifference() > echoWithinDb) continue;
      if (pair.varianceA() < 4 || pair.varianceB() < 4) continue; // flat stretches say nothing
      const correlation = pair.correlation();
      if (correlation > bestScore) {
        bestScore = correlation;
        bestLag = lag;
      }
    }
    if (bestLag < 0) return false;
    // Only a leak a voice detector could hear matters: the copy's share of the newest 150 ms
    // (correlation² of the microphone's energy) must be audible.
    const frames = 15;
    const micEnergy = this.recentMicEnergy(frames);
    const audible = this.audibleEnergy(frames);
    if (micEnergy < audible) return false;
    // The best delay, ±1 frame, over the newest 150 ms: about 0.8 M multiply-adds, once per chunk.
    const perFrame = this.frame;
    const c = this.waveform.correlation(bestLag * perFrame, frames * perFrame, perFrame);
    return c >= 0.55 && c * c * micEnergy >= audible;
  }

  /**
   * Whether the newest 300 ms of the microphone holds a sample-by-sample copy of the voice at
   * `lagMs` (±1 frame) — the check that tells the NPC's echo from another voice whose loudness
   * happens to follow its own (a player talking over the NPC). Null when it cannot tell: the
   * voice was mostly silent over those frames, or the microphone inaudible.
   */
  waveformEcho(lagMs: number, minCorrelation = 0.3): boolean | null {
    const frames = 30;
    const lag = Math.round(lagMs / this.o.frameMs);
    if (this.frames < this.size || lag > this.maxLag) return null;
    const size = this.size;
    const newest = this.frames - 1;
    let active = 0;
    for (let k = 0; k < frames; k++) if ((this.ref[(newest - k - lag + size) % size] as number) > this.o.activeDb) active++;
    if (active < frames / 2 || this.recentMicEnergy(frames) < this.audibleEnergy(frames)) return null;
    return this.waveform.correlation(lag * this.frame, frames * this.frame, this.frame) >= minCorrelation;
  }

  /**
   * How closely the microphone's `windowMs` that ended `ageMs` ago copies the voice at any delay up
   * to `maxLagMs`, either way up: the best |normalised correlation| of the pre-emphasised
   * waveforms and the spectral coherence at its delay (0..1; 0 without enough history). A burst
   * that copies her voice is her echo however loud it came through; a player's first syllable
   * against her voice stays far lower (docs/rooms.md). The result is reused by the next call.
   */
  copyOfVoice(ageMs: number, windowMs: number): Readonly<CopyMatch> {
    const perMs = this.o.rate / 1000;
    return this.waveform.copyAtAnyDelay(
      Math.round(ageMs * perMs),
      Math.round(windowMs * perMs),
      Math.round(this.o.maxLagMs * perMs),
      COPY_LEAST_MEAN_SQUARE,
    );
  }

  /** Whether {@link copyOfVoice} finds her voice in that stretch, as a waveform or as a spectrum coloured by the room. */
  copiesVoice(ageMs: number, windowMs: number): boolean {
    const copy = this.copyOfVoice(ageMs, windowMs);
    return copy.correlation >= COPY_CORRELATION || copy.coherence >= COPY_COHERENCE;
  }

  /** Summed mean-square energy of the newest `frames` microphone frames. */
  private recentMicEnergy(frames: number): number {
    const size = this.size;
    const newest = this.frames - 1;
    let energy = 0;
    for (let k = 0; k < frames; k++) energy += 10 ** ((this.mic[(newest - k + size) % size] as number) / 10);
    return energy;
  }

  /** The least {@link recentMicEnergy} over `frames` that a voice detector could hear. */
  private audibleEnergy(frames: number): number {
    return 10 ** (this.o.audibleDb / 10) * frames;
  }

  /** The estimate over the last window, or null when the NPC said too little to tell. */
  estimate(): EchoEstimate | null {
    if (this.frames < this.size) return null;
    const { activeDb, frameMs } = this.o;
    // Reference frames t (older end of the buffer, so t + lag is still in it), mic frames t + lag.
    const newest = this.frames - 1;
    const first = newest - this.size + 1;
    let active = 0;
    for (let k = 0; k < this.window; k++) if ((this.ref[(first + k) % this.size] as number) > activeDb) active++;
    if (active < this.window * 0.3) return null;
    let best = { correlation: Number.NEGATIVE_INFINITY, lag: 0, lossDb: 0 };
    const pair = this.pair;
    for (let lag = 0; lag <= this.maxLag; lag++) {
      pair.reset();
      let refEnergy = 0;
      let micEnergy = 0;
      for (let k = 0; k < this.window; k++) {
        const r = this.ref[(first + k) % this.size] as number;
        if (r <= activeDb) continue;
        const m = this.mic[(first + k + lag) % this.size] as number;
        pair.add(r, m);
        refEnergy += 10 ** (r / 10);
        micEnergy += 10 ** (m / 10);
      }
      const correlation = pair.varianceA() > 1e-9 && pair.varianceB() > 1e-9 ? pair.correlation() : 0;
      if (correlation > best.correlation) best = { correlation, lag, lossDb: 10 * Math.log10(refEnergy / Math.max(micEnergy, 1e-30)) };
    }
    // Echo: the microphone follows the voice and is not far below it. (A player talking over the
    // NPC can be as loud; only the shape of the envelope tells them apart.)
    const echo = best.correlation >= this.o.minCorrelation && best.lossDb <= this.o.echoWithinDb;
    return { returnLossDb: best.lossDb, correlation: best.correlation, lagMs: best.lag * frameMs, echo };
  }
}

/** Running sums for the Pearson correlation of two series (here: reference and microphone dB). */
class Pearson {
  n = 0;
  private sa = 0;
  private sb = 0;
  private saa = 0;
  private sbb = 0;
  private sab = 0;

  reset(): void {
    this.n = 0;
    this.sa = 0;
    this.sb = 0;
    this.saa = 0;
    this.sbb = 0;
    this.sab = 0;
  }

  add(a: number, b: number): void {
    this.n++;
    this.sa += a;
    this.sb += b;
    this.saa += a * a;
    this.sbb += b * b;
    this.sab += a * b;
  }

  /** mean(a) − mean(b). */
  meanDifference(): number {
    return (this.sa - this.sb) / this.n;
  }

  varianceA(): number {
    return this.saa / this.n - (this.sa / this.n) ** 2;
  }

  varianceB(): number {
    return this.sbb / this.n - (this.sb / this.n) ** 2;
  }

  correlation(): number {
    const cov = this.sab / this.n - (this.sa / this.n) * (this.sb / this.n);
    return cov / Math.sqrt(this.varianceA() * this.varianceB());
  }
}

function toDb(meanSquare: number): number {
  return meanSquare > 1e-12 ? 10 * Math.log10(meanSquare) : SILENT_DB;
}
