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
  /** Longest speaker → microphone delay searched. @defaultValue 300 */
  maxLagMs?: number;
  /** Analysis window. @defaultValue 1500 */
  windowMs?: number;
  /** A reference frame louder than this counts as the NPC speaking, dBFS. @defaultValue -45 */
  activeDb?: number;
  /** Echo closer than this to the played level counts as echo, dB. @defaultValue 35 */
  echoWithinDb?: number;
  /** …when the envelopes correlate at least this much. @defaultValue 0.5 */
  minCorrelation?: number;
}

const SILENT_DB = -120;

/**
 * Echo estimation on what the NPC played (the reference) and what the microphone heard, both at
 * 16 kHz and captured over the same frames. It compares 10 ms level envelopes at every lag up to
 * 300 ms: the best lag's correlation says whether the microphone hears the NPC, and the level
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
  private frames = 0;
  private fill = 0;
  private refAcc = 0;
  private micAcc = 0;
  private lastActive = Number.NEGATIVE_INFINITY;

  constructor(options: EchoEstimatorOptions = {}) {
    this.o = { rate: 16000, frameMs: 10, maxLagMs: 300, windowMs: 1500, activeDb: -45, echoWithinDb: 35, minCorrelation: 0.5, ...options };
    this.frame = Math.round((this.o.rate * this.o.frameMs) / 1000);
    this.maxLag = Math.round(this.o.maxLagMs / this.o.frameMs);
    this.window = Math.round(this.o.windowMs / this.o.frameMs);
    this.size = this.window + this.maxLag;
    this.ref = new Float64Array(this.size).fill(SILENT_DB);
    this.mic = new Float64Array(this.size).fill(SILENT_DB);
  }

  /** Adds aligned microphone and reference samples (any length). */
  push(mic: Float32Array, ref: Float32Array): void {
    const n = Math.min(mic.length, ref.length);
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

  /** Milliseconds since the reference was last above the activity level (∞ if never). */
  get msSinceActive(): number {
    return (this.frames - this.lastActive) * this.o.frameMs;
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
    for (let lag = 0; lag <= this.maxLag; lag++) {
      let n = 0;
      let sr = 0;
      let sm = 0;
      let srr = 0;
      let smm = 0;
      let srm = 0;
      let refEnergy = 0;
      let micEnergy = 0;
      for (let k = 0; k < this.window; k++) {
        const r = this.ref[(first + k) % this.size] as number;
        if (r <= activeDb) continue;
        const m = this.mic[(first + k + lag) % this.size] as number;
        n++;
        sr += r;
        sm += m;
        srr += r * r;
        smm += m * m;
        srm += r * m;
        refEnergy += 10 ** (r / 10);
        micEnergy += 10 ** (m / 10);
      }
      const cov = srm / n - (sr / n) * (sm / n);
      const vr = srr / n - (sr / n) ** 2;
      const vm = smm / n - (sm / n) ** 2;
      const correlation = vr > 1e-9 && vm > 1e-9 ? cov / Math.sqrt(vr * vm) : 0;
      if (correlation > best.correlation) best = { correlation, lag, lossDb: 10 * Math.log10(refEnergy / Math.max(micEnergy, 1e-30)) };
    }
    const echo = best.correlation >= this.o.minCorrelation && best.lossDb <= this.o.echoWithinDb;
    return { returnLossDb: best.lossDb, correlation: best.correlation, lagMs: best.lag * frameMs, echo };
  }
}

export interface EchoGuardOptions extends EchoEstimatorOptions {
  /** @defaultValue 'auto' */
  mode?: EchoMode;
  /** Keep the microphone held this long after the NPC falls silent (room tail, output latency). @defaultValue 300 */
  hangoverMs?: number;
  /** Re-estimate this often while the NPC speaks. @defaultValue 500 */
  everyMs?: number;
}

/** What the guard believes about the echo path. */
export type EchoState = 'unknown' | 'cancelled' | 'echo';

/**
 * Decides, chunk by chunk, whether the microphone goes to the service while an NPC speaks, so the
 * NPC never interrupts itself and the player still can:
 * - `'auto'`: measure. Echo cancelled (the usual case) → send everything, barge-in works. Echo
 *   heard (no canceller, or one that misses Web Audio output) → hold the microphone while the NPC is
 *   audible, plus a hangover. Before the first measurement it trusts what the browser says it applied.
 * - `'half-duplex'`: always hold while the NPC is audible.
 * - `'off'`: never hold.
 * Push-to-talk bypasses it (a held key is the player's explicit word).
 */
export class EchoGuard {
  readonly mode: EchoMode;
  private readonly estimator: EchoEstimator;
  private readonly hangoverMs: number;
  private readonly everyChunks: number;
  private stateValue: EchoState = 'unknown';
  private lastEstimate: EchoEstimate | null = null;
  private chunks = 0;
  private votes = 0; // consecutive estimates agreeing on a change

  constructor(
    /** Whether the browser says its echo canceller is on for this track (null: unknown). */
    private readonly cancellerOn: boolean | null,
    private readonly onEstimate: (estimate: EchoEstimate, state: EchoState) => void = () => {},
    options: EchoGuardOptions = {},
  ) {
    this.mode = options.mode ?? 'auto';
    this.estimator = new EchoEstimator(options);
    this.hangoverMs = options.hangoverMs ?? 300;
    this.everyChunks = Math.max(1, Math.round((options.everyMs ?? 500) / 20));
  }

  get state(): EchoState {
    return this.stateValue;
  }

  get estimate(): EchoEstimate | null {
    return this.lastEstimate;
  }

  /** True while the NPC is audible (or was, within the hangover). */
  get npcAudible(): boolean {
    return this.estimator.msSinceActive <= this.hangoverMs;
  }

  /** Whether the microphone is being held back now. */
  get holding(): boolean {
    if (this.mode === 'off' || !this.npcAudible) return false;
    if (this.mode === 'half-duplex') return true;
    return this.stateValue === 'echo' || (this.stateValue === 'unknown' && this.cancellerOn === false);
  }

  /** Feeds one aligned 20 ms chunk; returns true when the microphone chunk may be sent. */
  admit(mic: Float32Array, ref: Float32Array, pushToTalkHeld = false): boolean {
    this.estimator.push(mic, ref);
    if (++this.chunks % this.everyChunks === 0 && this.estimator.msSinceActive <= 200) this.measure();
    return pushToTalkHeld || !this.holding;
  }

  private measure(): void {
    const e = this.estimator.estimate();
    if (!e) return;
    this.lastEstimate = e;
    const verdict: EchoState = e.echo ? 'echo' : 'cancelled';
    if (verdict === this.stateValue) this.votes = 0;
    // One estimate decides the first time; after that a change needs two in a row.
    else if (this.stateValue === 'unknown' || ++this.votes >= 2) {
      this.stateValue = verdict;
      this.votes = 0;
    }
    this.onEstimate(e, this.stateValue);
  }
}

function toDb(meanSquare: number): number {
  return meanSquare > 1e-12 ? 10 * Math.log10(meanSquare) : SILENT_DB;
}
