import { BANDS, BandLevels } from './band-levels.js';
import { EnvelopeLag } from './envelope-lag.js';

/** Chunks of the game's output whose echo the model predicts from (800 ms: the room's delay and its reverb tail). */
const TAPS = 40;
/** Output kept: the taps, and the longest lag looked for (EnvelopeLag's default). */
const HISTORY = TAPS + 40;
/** A band holds something the output does not explain when it stands this far above her echo as predicted, dB. */
const OVER_DB = 5;
/** …and this far above the band's noise floor, dB (a fan fills the low bands). */
const ABOVE_NOISE_DB = 10;
/** A chunk is her echo and the game's sounds alone when no band above its noise floor stands this far above the prediction, dB. */
const EXPLAINED_DB = 3;
/** A chunk holds the player when this many bands do. */
const BANDS_OVER = 2;
/** The model does not learn within this many chunks after a chunk that held the player (their words come and go). */
const LEARN_AFTER_CHUNKS = 50;
/** How long it learns from everything after {@link EchoEnvelope.relearn}, chunks (3 s). */
const RELEARN_CHUNKS = 150;
/** …and on while it still takes chunks for the player, a second after each, up to this (10 s). */
const RELEARN_MAX_CHUNKS = 500;
/** Until it has learnt from this many chunks of output (5 s), it learns from every chunk and says nothing. */
const READY_CHUNKS = 250;
/** The output plays when its chunk is above this mean square (−50 dBFS). */
const PLAYING_MEAN_SQUARE = 1e-5;
/** Chunks over which each band's noise floor is its quietest (2 s). */
const NOISE_CHUNKS = 100;
/** The model starts this many chunks before the output's measured lag into the microphone. */
const BEFORE_LAG = 2;
/** The prediction a band is held against is the largest with the output this many chunks either way (the lag is read to a chunk). */
const SLACK = 1;
/** NLMS step. */
const STEP = 0.2;

/** The same 20 ms as a microphone chunk, of the microphone before the browser's processing and of the game's whole output. */
export interface RawChunk {
  readonly mic: Float32Array;
  readonly output: Float32Array;
}

/** See `EchoGuard.rawTrack`. */
export interface RawTrackStatus {
  /** Whether it has learnt enough of the room (5 s of the game playing) to decide. */
  ready: boolean;
  /** The game's output's lag into the raw microphone, ms, or null until read. */
  lagMs: number | null;
  /** Chunks (20 ms) it has taken for the player since it was ready. */
  playerChunks: number;
}

/**
 * Her echo in the microphone before the browser's processing, predicted band by band from the
 * game's whole output (voices and music): each band's power is a learnt, non-negative mix of the
 * output's power in that band over the last 800 ms (the room's delay and reverberation, in power,
 * so a drifting or jumping delay of a few milliseconds does not throw it off as it throws a
 * waveform model). A chunk that stands well above that prediction in two bands holds sound the
 * game did not play: the player. A canceller that leaks her echo does not change the room, so its
 * leaks are not that (docs/rooms.md). It learns from every chunk while the game plays except
 * within a second of one it took for the player, and from all of them for a while after
 * {@link EchoEnvelope.relearn}; it says nothing until it has learnt from 5 s of output.
 * Allocation-free after construction.
 *
 * @example
 * ```ts
 * const envelope = new EchoEnvelope(320);
 * envelope.push(rawChunk, outputChunk); // each 20 ms, the two on one timeline
 * if (envelope.ready && envelope.player) … // sound the game did not play
 * ```
 */
export class EchoEnvelope {
  private readonly levels: BandLevels;
  private readonly db = new Float64Array(BANDS);
  private readonly outputDb = new Float64Array(BANDS);
  /** The output's lag into the microphone: the model's taps start there, so a glitch that moves it need not be learnt again. */
  private readonly lag = new EnvelopeLag(BANDS);
  /** The output's power per band over the last {@link HISTORY} chunks (ring). */
  private readonly output = new Float64Array(HISTORY * BANDS);
  /** Chunks from the newest output to the model's first tap. */
  private offset = 0;
  private placed = false;
  /** Each band's learnt echo path, in power: weights[b * TAPS + k] for the output k chunks ago. */
  private readonly weights = new Float64Array(BANDS * TAPS);
  /** The raw microphone's power per band over the last {@link NOISE_CHUNKS} chunks (ring), for the noise floor. */
  private readonly recent = new Float64Array(NOISE_CHUNKS * BANDS).fill(Number.POSITIVE_INFINITY);
  private readonly mic = new Float64Array(BANDS);
  private readonly predicted = new Float64Array(BANDS);
  private readonly floor = new Float64Array(BANDS);
  private chunks = 0;
  private learnt = 0;
  private lastPlayer = Number.NEGATIVE_INFINITY;
  private overCount = 0;
  private worstOverDb = 0;
  private mostOverDb = Number.NEGATIVE_INFINITY;
  private relearnUntil = 0;
  private relearnCap = 0;

  constructor(chunkSamples: number) {
    this.levels = new BandLevels(chunkSamples);
  }

  /** Whether it has learnt enough of the room to say anything. */
  get ready(): boolean {
    return this.learnt >= READY_CHUNKS;
  }

  /** Whether the newest chunk holds sound the game's output does not explain, in enough bands (false until {@link ready}). */
  get player(): boolean {
    return this.ready && this.overCount >= BANDS_OVER;
  }

  /** Chunks it has taken for the player since it was ready. */
  playerChunks = 0;
  /** Chunks it has learnt from. */
  get learntChunks(): number {
    return this.learnt;
  }

  /** The output's lag into the raw microphone as last read, ms, or null until read. */
  get lagMs(): number | null {
    return this.lag.chunks < 0 ? null : this.lag.chunks * 20;
  }

  /**
   * Whether the newest chunk is her echo and the game's sounds and nothing else: no band above its
   * noise floor stands 3 dB over the prediction (false until {@link ready}). Between this and
   * {@link player} the envelope cannot tell, and the guard's other rules decide.
   */
  get explained(): boolean {
    return this.ready && this.mostOverDb < EXPLAINED_DB;
  }

  /** Chunks since the newest it took for the player (Infinity if none yet). */
  get chunksSincePlayer(): number {
    return this.chunks - 1 - this.lastPlayer;
  }

  /** How many bands of the newest chunk stand above her echo as predicted and above their noise floor. */
  get bandsOver(): number {
    return this.overCount;
  }

  /** The newest chunk's largest excess over the prediction in a band above its noise floor, dB (0 when none). */
  get overDb(): number {
    return this.worstOverDb;
  }

  /** Adds one chunk: the raw microphone and the game's output over the same 20 ms. */
  push(raw: Float32Array, output: Float32Array): void {
    const c = this.chunks++;
    const slot = (c % HISTORY) * BANDS;
    this.levels.measure(output, this.outputDb);
    let playing = 0;
    for (let b = 0; b < BANDS; b++) {
      const power = 10 ** ((this.outputDb[b] as number) / 10);
      this.output[slot + b] = power;
      playing += power;
    }
    this.levels.measure(raw, this.db);
    this.lag.push(this.db, this.outputDb);
    if (this.lag.chunks >= 0) {
      const offset = Math.max(0, this.lag.chunks - BEFORE_LAG);
      // The first reading places taps learnt from the output as it came: they move with it, so the
      // prediction stays; later readings follow the path itself, which the taps already describe.
      if (!this.placed) this.shiftTaps(offset - this.offset);
      this.placed = true;
      this.offset = offset;
    }
    const noise = (c % NOISE_CHUNKS) * BANDS;
    this.overCount = 0;
    this.worstOverDb = 0;
    this.mostOverDb = Number.NEGATIVE_INFINITY;
    for (let b = 0; b < BANDS; b++) {
      const power = 10 ** ((this.db[b] as number) / 10);
      this.mic[b] = power;
      this.recent[noise + b] = power;
      let least = Number.POSITIVE_INFINITY;
      for (let i = b; i < this.recent.length; i += BANDS) if ((this.recent[i] as number) < least) least = this.recent[i] as number;
      this.floor[b] = least;
      let echo = this.predict(b, c, this.offset);
      this.predicted[b] = echo;
      // Within a chunk either way: the lag is read to a chunk, and drifts between readings.
      for (let s = -SLACK; s <= SLACK; s++) if (s !== 0) echo = Math.max(echo, this.predict(b, c, this.offset + s));
      const overDb = 10 * Math.log10(power / (echo + least + 1e-20));
      const audible = power > least * 10 ** (ABOVE_NOISE_DB / 10);
      if (audible && overDb > this.mostOverDb) this.mostOverDb = overDb;
      if (overDb > OVER_DB && audible) {
        this.overCount++;
        if (overDb > this.worstOverDb) this.worstOverDb = overDb;
      }
    }
    if (this.overCount >= BANDS_OVER) {
      this.lastPlayer = c;
      if (this.ready) this.playerChunks++;
      // Relearning goes on while it still takes her echo for the player, up to a cap.
      if (c < this.relearnUntil) this.relearnUntil = Math.min(this.relearnCap, Math.max(this.relearnUntil, c + LEARN_AFTER_CHUNKS));
    }
    if (playing <= PLAYING_MEAN_SQUARE) return;
    // It learns unless the player may be talking (a chunk it took for them within the last second),
    // or for a while after the guard found it had taken her echo for the player.
    if (this.ready && c >= this.relearnUntil && c - this.lastPlayer <= LEARN_AFTER_CHUNKS) return;
    this.learn(c);
  }

  /**
   * Tells it that what it last took for the player was her echo (the guard's probe heard the sound
   * stop when she paused): the room has more echo than it expects, after a volume change or a new
   * loudspeaker. It then learns from everything for the next 3 s, and on while it still takes
   * sound for the player (up to 10 s).
   */
  relearn(): void {
    this.relearnUntil = this.chunks + RELEARN_CHUNKS;
    this.relearnCap = this.chunks + RELEARN_MAX_CHUNKS;
  }

  /** Moves every band's taps `by` chunks earlier (the output's lag was found `by` chunks later than assumed). */
  private shiftTaps(by: number): void {
    if (by <= 0) return;
    for (let b = 0; b < BANDS; b++)
      for (let k = 0; k < TAPS; k++) this.weights[b * TAPS + k] = k + by < TAPS ? (this.weights[b * TAPS + k + by] as number) : 0;
  }

  /** Band `b`'s echo in chunk `c` as the model predicts it from the output `offset` chunks back and earlier. */
  private predict(b: number, c: number, offset: number): number {
    let echo = 0;
    const from = Math.max(0, offset);
    for (let k = 0; k < TAPS && k + from <= c; k++)
      echo += (this.weights[b * TAPS + k] as number) * (this.output[((c - from - k) % HISTORY) * BANDS + b] as number);
    return echo;
  }

  /** One NLMS step per band on power: the weights stay non-negative (echo only adds power). */
  private learn(c: number): void {
    this.learnt++;
    for (let b = 0; b < BANDS; b++) {
      let norm = 1e-20;
      for (let k = 0; k < TAPS && k + this.offset <= c; k++)
        norm += (this.output[((c - this.offset - k) % HISTORY) * BANDS + b] as number) ** 2;
      const error = (this.mic[b] as number) - (this.predicted[b] as number);
      const step = (STEP * error) / norm;
      for (let k = 0; k < TAPS && k + this.offset <= c; k++) {
        const i = b * TAPS + k;
        const w = (this.weights[i] as number) + step * (this.output[((c - this.offset - k) % HISTORY) * BANDS + b] as number);
        this.weights[i] = Math.max(w, 0);
      }
    }
  }
}
