import { BANDS, BandLevels } from './band-levels.js';
import { ReturnLossWindow } from './return-loss.js';
import {
  DECAY_DB_PER_CHUNK,
  ECHO_DELAY_CHUNKS,
  HISTORY_CHUNKS,
  LEARN_DELAY_CHUNKS,
  MARGIN_DB,
  MIN_LOSS_DB,
  NOISE_WINDOW_CHUNKS,
  PLAYING_QUANTILE,
  START_LOSS_DB,
  STOPPED_QUANTILE,
} from './sound-gate.js';

/** A chunk is the player's when this many bands stand above her echo's bound there (docs/rooms.md). */
const BANDS_OVER = 2;
/** A band counts only this far above its own noise floor, dB: a fan fills the low bands. */
const ABOVE_NOISE_DB = 10;
/** Below this, her voice in a band is too faint to say anything about her echo there, dBFS. */
const VOICE_DB = -75;
/** Chunks whose band losses are kept for learning: the guard's line and the learning delay fit. */
const RING = 256;
const SILENT_DB = -140;

/**
 * What microphone sound could be the player's, band by band: the {@link SoundGate}'s bound and
 * learned return loss, kept for each of ten bands. A canceller in a reverberant room leaves her
 * echo where her voice was loud and squeezes a player talking over her; what is left of the player
 * stands out in the bands where her recent voice was faint, which the whole chunk's level hides
 * (docs/rooms.md). A chunk is the player's when {@link BANDS_OVER} bands stand above their
 * noise floor and above her echo's bound less that band's loss. Allocation-free.
 *
 * @example
 * ```ts
 * const bands = new BandGate(320);
 * bands.push(mic.samples, ref, gate.playingNow);
 * if (bands.player(10 ** (-80 / 10))) … // maybe the player: hold it and see whether it lasts
 * bands.learn(bands.chunk, gate.playingNow); // later: that chunk was not the player
 * ```
 */
export class BandGate {
  private readonly levels: BandLevels;
  private readonly micDb = new Float64Array(BANDS);
  private readonly voiceDb = new Float64Array(BANDS);
  /** Her voice per band over the last chunks (ring of {@link HISTORY_CHUNKS}). */
  private readonly voice = new Float64Array(HISTORY_CHUNKS * BANDS).fill(SILENT_DB);
  /** The microphone per band over the last chunks, for each band's noise floor. */
  private readonly recent = new Float64Array(NOISE_WINDOW_CHUNKS * BANDS).fill(Number.POSITIVE_INFINITY);
  /** Each band's loss while she plays, and after she stopped. */
  private readonly losses = [
    Array.from({ length: BANDS }, () => new ReturnLossWindow(START_LOSS_DB, MIN_LOSS_DB, PLAYING_QUANTILE)),
    Array.from({ length: BANDS }, () => new ReturnLossWindow(START_LOSS_DB, MIN_LOSS_DB, STOPPED_QUANTILE)),
  ] as const;
  /** Per recent chunk (ring of {@link RING}), each band's loss, NaN where her voice was too faint. */
  private readonly chunkLoss = new Float64Array(RING * BANDS);
  /** Chunks learned from and not yet counted: their numbers, and whether she played. */
  private readonly pending = new Int32Array(RING);
  private readonly pendingPlaying = new Uint8Array(RING);
  private pendingStart = 0;
  private pendingCount = 0;
  private chunks = 0;
  private overCount = 0;
  private overMeanSquare = 0;

  constructor(chunkSamples: number) {
    this.levels = new BandLevels(chunkSamples);
  }

  /** Adds one chunk: the microphone's samples and her voice's over the same 20 ms, and whether she plays now. */
  push(mic: Float32Array, voice: Float32Array, playing: boolean): void {
    this.levels.measure(mic, this.micDb);
    this.levels.measure(voice, this.voiceDb);
    const c = this.chunks++;
    while (this.pendingCount > 0 && (this.pending[this.pendingStart] as number) <= this.chunks - LEARN_DELAY_CHUNKS) this.countOldest();
    const history = (c % HISTORY_CHUNKS) * BANDS;
    const noise = (c % NOISE_WINDOW_CHUNKS) * BANDS;
    this.voice.set(this.voiceDb, history);
    this.recent.set(this.micDb, noise);
    this.overCount = 0;
    this.overMeanSquare = 0;
    const losses = this.losses[playing ? 0 : 1];
    for (let b = 0; b < BANDS; b++) {
      let least = Number.POSITIVE_INFINITY;
      for (let i = b; i < this.recent.length; i += BANDS) if ((this.recent[i] as number) < least) least = this.recent[i] as number;
      const floor = least + ABOVE_NOISE_DB;
      let bound = SILENT_DB;
      for (let k = 0; k < HISTORY_CHUNKS && k <= c; k++) {
        const level =
          (this.voice[((c - k) % HISTORY_CHUNKS) * BANDS + b] as number) - DECAY_DB_PER_CHUNK * Math.max(0, k - ECHO_DELAY_CHUNKS);
        if (level > bound) bound = level;
      }
      const mic = this.micDb[b] as number;
      this.chunkLoss[(c % RING) * BANDS + b] = bound < VOICE_DB ? Number.NaN : bound - Math.max(mic, floor);
      if (mic > floor && mic > bound - (losses[b] as ReturnLossWindow).lossDb + MARGIN_DB) {
        this.overCount++;
        this.overMeanSquare += 10 ** (mic / 10);
      }
    }
  }

  /** The newest chunk's number, to {@link BandGate.learn} from it later. */
  get chunk(): number {
    return this.chunks - 1;
  }

  /** Whether the newest chunk may be the player's: enough bands above her echo's bound, holding more than `least` (a mean square) between them. */
  player(least: number): boolean {
    return this.overCount >= BANDS_OVER && this.overMeanSquare > least;
  }

  /** Each band's loss while she plays and after she stopped, dB. */
  get returnLossDb(): readonly [number[], number[]] {
    return [this.losses[0].map((l) => l.lossDb), this.losses[1].map((l) => l.lossDb)];
  }

  /**
   * Learns from chunk `chunk` (its {@link BandGate.chunk}): it was not the player, and she played
   * (or not) when it came. It counts a second later unless {@link BandGate.forgetRecent} came
   * first; a chunk older than the ring holds is skipped.
   */
  learn(chunk: number, playing: boolean): void {
    if (chunk < this.chunks - (RING - LEARN_DELAY_CHUNKS) || chunk >= this.chunks) return;
    if (this.pendingCount === RING) this.countOldest();
    const i = (this.pendingStart + this.pendingCount) % RING;
    this.pending[i] = chunk;
    this.pendingPlaying[i] = playing ? 1 : 0;
    this.pendingCount++;
  }

  /** Forgets what was learned over the last second (the player took the floor: that sound was theirs). */
  forgetRecent(): void {
    this.pendingStart = 0;
    this.pendingCount = 0;
  }

  private countOldest(): void {
    const chunk = this.pending[this.pendingStart] as number;
    const losses = this.losses[this.pendingPlaying[this.pendingStart] === 1 ? 0 : 1];
    this.pendingStart = (this.pendingStart + 1) % RING;
    this.pendingCount--;
    if (chunk < this.chunks - RING) return;
    for (let b = 0; b < BANDS; b++) {
      const loss = this.chunkLoss[(chunk % RING) * BANDS + b] as number;
      if (!Number.isNaN(loss)) (losses[b] as ReturnLossWindow).add(loss);
    }
  }
}
