import { ReturnLossWindow } from './return-loss.js';

/** The microphone's noise floor is the quietest chunk of the last 2 s… */
export const NOISE_WINDOW_CHUNKS = 100;
/** …and only sound this far above it counts as sound: a fan is not the player (docs/rooms.md). */
const ABOVE_NOISE = 10 ** (10 / 10);
/** Her echo arrives up to this many chunks after she played it (output, room and input latency)… */
export const ECHO_DELAY_CHUNKS = 15;
/** …then dies away at most this fast, dB per 20 ms chunk (a reverberation time of 0.6 s). */
export const DECAY_DB_PER_CHUNK = 2;
/** Chunks of her voice the bound looks back over. */
export const HISTORY_CHUNKS = ECHO_DELAY_CHUNKS + 30;
/** Return loss assumed before the room has shown any: a canceller that works (its residue is 90–110 dB down, docs/decisions.md). */
export const START_LOSS_DB = 90;
/** Never assume her echo comes back louder than this below her voice (a Geigel detector's 6 dB). */
export const MIN_LOSS_DB = 6;
/** Sound must stand this far above her echo's bound to be the player's. */
export const MARGIN_DB = 3;
/** Her voice counts as playing now when one of its newest this many chunks is above {@link VOICE_DB}. */
const PLAYING_CHUNKS = 3;
/** What is learned waits this many chunks (1 s) before it counts: sound that leads up to the player taking the floor is theirs. */
export const LEARN_DELAY_CHUNKS = 50;
/**
 * While she plays, the loss only one chunk in twenty came back louder than: a leak above it asks
 * her to pause, and the probe catches it. After she stopped (and in the probe itself), one in a
 * hundred: what passes there is taken for the player (docs/rooms.md).
 */
export const PLAYING_QUANTILE = 0.05;
export const STOPPED_QUANTILE = 0.01;
/** Room for that many chunks learned (the guard may learn a whole delay line at once). */
const PENDING = 128;
/** Below this her voice is too faint for what the microphone hears to say anything about her echo, dBFS. */
const VOICE_DB = -50;
const SILENT_DB = -120;

/**
 * What microphone sound could be the player's, chunk by chunk: sound above the room's noise floor
 * (its quietest 20 ms over the last 2 s) and above the loudest her echo can be now. That bound is
 * her voice as played over the last moments, held for the echo's delay, then dying away like a
 * reverberant room, less the return loss the room has shown: a canceller in a reverberant room
 * leaves tens of dB of her voice, loudest just after she stops, when it lets go (docs/rooms.md).
 * The loss is learned from the chunks the guard found were not the player ({@link SoundGate.learn});
 * until then it is a working canceller's. Allocation-free.
 */
export class SoundGate {
  /** Mean squares of the last chunks, for the noise floor. */
  private readonly recent = new Float64Array(NOISE_WINDOW_CHUNKS).fill(Number.POSITIVE_INFINITY);
  private readonly voice = new Float64Array(HISTORY_CHUNKS).fill(SILENT_DB);
  private chunks = 0;
  private noise = 0;
  private boundDb = SILENT_DB;
  private playing = false;
  /** The loss while she plays (a canceller's suppressor at work), and after she stopped (it lets go). */
  private readonly losses = [
    new ReturnLossWindow(START_LOSS_DB, MIN_LOSS_DB, PLAYING_QUANTILE),
    new ReturnLossWindow(START_LOSS_DB, MIN_LOSS_DB, STOPPED_QUANTILE),
  ] as const;
  /** Chunks learned from but not yet counted ({@link LEARN_DELAY_CHUNKS}): when, the loss, whether she played. */
  private readonly pending = new Float64Array(PENDING * 3);
  private pendingStart = 0;
  private pendingCount = 0;

  /** Adds one chunk: the microphone's and her voice's mean squares over the same 20 ms. */
  push(micMeanSquare: number, voiceMeanSquare: number): void {
    this.recent[this.chunks % NOISE_WINDOW_CHUNKS] = micMeanSquare;
    this.voice[this.chunks % HISTORY_CHUNKS] = toDb(voiceMeanSquare);
    this.chunks++;
    while (this.pendingCount > 0 && (this.pending[this.pendingStart * 3] as number) <= this.chunks - LEARN_DELAY_CHUNKS) this.countOldest();
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < NOISE_WINDOW_CHUNKS; i++) if ((this.recent[i] as number) < min) min = this.recent[i] as number;
    this.noise = min;
    let bound = SILENT_DB;
    for (let k = 0; k < HISTORY_CHUNKS && k < this.chunks; k++) {
      const level =
        (this.voice[(this.chunks - 1 - k) % HISTORY_CHUNKS] as number) - DECAY_DB_PER_CHUNK * Math.max(0, k - ECHO_DELAY_CHUNKS);
      if (level > bound) bound = level;
    }
    this.boundDb = bound;
    this.playing = false;
    for (let k = 0; k < PLAYING_CHUNKS && k < this.chunks; k++)
      if ((this.voice[(this.chunks - 1 - k) % HISTORY_CHUNKS] as number) > VOICE_DB) this.playing = true;
  }

  /** The loudest her echo can be at the microphone now, before the loss: her recent voice as played, dBFS. */
  get voiceBoundDb(): number {
    return this.boundDb;
  }

  /** Whether her voice is playing now (else, if the bound is up, her echo is dying away after she stopped). */
  get playingNow(): boolean {
    return this.playing;
  }

  /** The return loss the room has shown so far while she plays, and after she stopped, dB. */
  get returnLossDb(): readonly [number, number] {
    return [this.losses[0].lossDb, this.losses[1].lossDb];
  }

  /** The microphone's noise floor, dBFS (−120 for silence). */
  get noiseDb(): number {
    return this.noise > 1e-12 ? 10 * Math.log10(this.noise) : SILENT_DB;
  }

  /** The least mean square a chunk needs now to be sound at all (above the noise floor), and at least `least`. */
  floor(least: number): number {
    return Math.max(least, this.noise * ABOVE_NOISE);
  }

  /** The least mean square a chunk needs now to be the player's (above her echo's bound too), and at least `least`. */
  threshold(least: number): number {
    const loss = this.losses[this.playing ? 0 : 1].lossDb;
    return Math.max(this.floor(least), 10 ** ((this.boundDb - loss + MARGIN_DB) / 10));
  }

  /**
   * Learns from a chunk the guard found was not the player (sent as silence or as it came while
   * she spoke): {@link SoundGate.voiceBoundDb} and {@link SoundGate.playingNow} as they were when
   * the chunk came in, the chunk's mean square, and `least` as in {@link SoundGate.floor}. A chunk
   * at or below the floor counts at the floor (her echo was at most that loud), which keeps the
   * quantile one of all her chunks, not only of her leaks. A chunk counts a second later,
   * unless {@link SoundGate.forgetRecent} came first.
   */
  learn(bound: number, playing: boolean, micMeanSquare: number, least: number): void {
    if (bound < VOICE_DB) return;
    if (this.pendingCount === PENDING) this.countOldest();
    const slot = ((this.pendingStart + this.pendingCount) % PENDING) * 3;
    this.pendingCount++;
    this.pending[slot] = this.chunks;
    this.pending[slot + 1] = bound - toDb(Math.max(micMeanSquare, this.floor(least)));
    this.pending[slot + 2] = playing ? 1 : 0;
  }

  /** Forgets what was learned over the last second: the player took the floor (or may be taking it), so that sound was theirs. */
  forgetRecent(): void {
    this.pendingStart = 0;
    this.pendingCount = 0;
  }

  /** Counts the oldest pending chunk towards its loss. */
  private countOldest(): void {
    const slot = this.pendingStart * 3;
    this.losses[this.pending[slot + 2] === 1 ? 0 : 1].add(this.pending[slot + 1] as number);
    this.pendingStart = (this.pendingStart + 1) % PENDING;
    this.pendingCount--;
  }
}

function toDb(meanSquare: number): number {
  return meanSquare > 1e-12 ? 10 * Math.log10(meanSquare) : SILENT_DB;
}

/** Mean square of `x` (0 when empty). */
export function meanSquareOf(x: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i] as number) * (x[i] as number);
  return x.length ? sum / x.length : 0;
}
