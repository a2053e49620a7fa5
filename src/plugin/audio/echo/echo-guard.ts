import type { MicChunk } from '../capture/mic-chunk.js';
import { BandGate } from './band-gate.js';
import { EchoEnvelope, type RawChunk, type RawTrackStatus } from './echo-envelope.js';
import { type EchoEstimate, EchoEstimator, type EchoMode } from './echo-estimator.js';
import type { EchoGuardOptions } from './echo-guard-options.js';
import { type ChunkClass, GuardLine, PLAYER, QUIET, SOUND, STRONG } from './guard-line.js';
import * as tuning from './guard-tuning.js';
import { meanSquareOf, SoundGate } from './sound-gate.js';

export type { RawChunk, RawTrackStatus } from './echo-envelope.js';
export { type EchoEstimate, EchoEstimator, type EchoEstimatorOptions, type EchoMode } from './echo-estimator.js';
export type { EchoGuardOptions } from './echo-guard-options.js';

/** What the guard believes about the echo path. */
export type EchoState = 'unknown' | 'cancelled' | 'echo';

/**
 * Decides, chunk by chunk, what of the microphone goes to the service while an NPC speaks, so the
 * NPC never interrupts itself and the player still can:
 * - `'auto'`: measure. Until the first measurement, and whenever echo is heard (no canceller, or
 *   one that misses or slips), hold the microphone while the NPC is audible plus a hangover. When
 *   the echo is cancelled, the microphone runs a short delay line behind
 *   ({@link EchoGuardOptions.lookaheadMs}): sound that lasts ({@link EchoGuardOptions.minTalkMs},
 *   longer just after the NPC starts a sentence) and is still going on gives the player the floor and
 *   everything goes out, in order; short bursts (what a canceller lets slip while it re-locks) go
 *   out as silence; a leak that is plainly the NPC's voice (its waveform, at its delay) is dropped
 *   and makes the echo state stick; sound that lasted but whose loudest 60 ms copy her voice at any
 *   delay, as a waveform or as a spectrum coloured by the room (a canceller that slipped for a
 *   moment), goes out as silence too.
 *   Sound counts towards the player only above the noise floor and her echo's bound ({@link SoundGate}).
 * - `'half-duplex'`: always hold while the NPC is audible.
 * - `'off'`: never hold.
 * A held push-to-talk key bypasses it (the player's explicit word). Allocation-free.
 */
export class EchoGuard {
  readonly mode: EchoMode;
  private readonly estimator: EchoEstimator;
  private readonly hangoverMs: number;
  private readonly everyChunks: number;
  private readonly delayChunks: number;
  private readonly talkChunks: number;
  private readonly onsetTalkChunks: number;
  private readonly onsetChunks: number;
  private lineStart = Number.NEGATIVE_INFINITY; // chunk at which the NPC last started after a pause
  private readonly soundMeanSquare: number;
  /** What counts as sound towards the floor: with a probe to catch mistakes, fainter sound. */
  private readonly floorMeanSquare: number;
  private readonly stickyChunks: number;
  /** What sound can be the player's: above the noise floor and her echo's bound… */
  private readonly gate = new SoundGate();
  /** …there, and in enough bands of its own. */
  private readonly bands = new BandGate(tuning.CHUNK);
  /** Her echo in the raw microphone, predicted from the game's output, when the uplink feeds them. */
  private readonly envelope = new EchoEnvelope(tuning.CHUNK);
  private rawSeen = false;
  private readonly line: GuardLine;
  private floor = false; // the player has the floor: send as it comes
  private readonly probeChunks: number;
  private readonly probeSettleChunks: number;
  private readonly probeMaxChunks: number;
  private probing = -1; // chunks into the probe, or −1
  private probeSettleEnd = 0; // chunk of the probe from which the NPC's echo has stopped
  private probeEnd = 0; // chunk of the probe at which it decides
  private probeSound = 0;
  private probeHeardCopy = false; // the probe already listened again once after hearing her voice
  private quietRun = 0;
  private inBurst = false;
  private stateValue: EchoState = 'unknown';
  private lastEstimate: EchoEstimate | null = null;
  private chunks = 0;
  private votes = 0; // consecutive estimates agreeing on a change
  private stickyUntil = 0; // chunk count until which a detected leak keeps the state at 'echo'
  /** Chunks held back so far (not sent, or sent as silence). */
  held = 0;
  /** Leaks of the NPC's voice caught in the delay line. */
  leaks = 0;
  /** Short bursts sent as silence. */
  bursts = 0;
  /** Sound that would have asked her to pause, but whose loudest burst copied her voice (sent as silence). */
  copies = 0;
  /** Probes where the sound stopped once the NPC paused, or copied its voice twice (its echo, sent as silence). */
  falseAlarms = 0;
  /** The player holds the push-to-talk key: everything goes, the guard only watches. */
  talkKeyHeld = false;

  constructor(
    /** Whether the browser says its echo canceller is on for this track (null: unknown). */
    private readonly cancellerOn: boolean | null,
    private readonly onEstimate: (estimate: EchoEstimate, state: EchoState) => void = () => {},
    options: EchoGuardOptions = {},
  ) {
    this.mode = options.mode ?? 'auto';
    this.probeChunks = Math.max(0, Math.round((options.probeMs ?? 0) / 20));
    this.estimator = new EchoEstimator(options);
    this.hangoverMs = options.hangoverMs ?? 300;
    this.everyChunks = Math.max(1, Math.round((options.everyMs ?? 500) / 20));
    this.delayChunks = Math.max(0, Math.round((options.lookaheadMs ?? (this.probeChunks > 0 ? tuning.PROBE_LOOKAHEAD_MS : 160)) / 20));
    // With a probe to catch mistakes, sound need not last as long before the NPC is asked to pause.
    const minTalkMs = options.minTalkMs ?? (this.probeChunks > 0 ? 120 : 140);
    this.talkChunks = Math.min(Math.max(1, this.delayChunks), Math.max(1, Math.round(minTalkMs / 20)));
    // With a probe, a slip at the start of a line costs the NPC a short pause, not a cut: a shorter onset rule.
    const onsetTalkMs = options.onsetTalkMs ?? (this.probeChunks > 0 ? 300 : 400);
    this.onsetTalkChunks = Math.max(this.talkChunks, Math.round(onsetTalkMs / 20));
    this.onsetChunks = Math.round((options.onsetMs ?? 700) / 20);
    this.soundMeanSquare = 10 ** ((options.audibleDb ?? -55) / 10);
    this.stickyChunks = Math.round((options.stickyMs ?? (this.probeChunks > 0 ? 1000 : 10_000)) / 20);
    this.probeSettleChunks = Math.min(this.probeChunks - 1, Math.round(tuning.PROBE_SETTLE_MS / 20));
    this.probeMaxChunks = this.probeChunks > 0 ? this.probeChunks + Math.round(tuning.PROBE_MAX_LATE_MS / 20) : 0;
    const slots = Math.max(this.delayChunks, this.onsetTalkChunks) + this.probeMaxChunks + 1;
    // A canceller squeezes a player talking over the NPC far down; with a probe, faint sound may ask the NPC to pause.
    this.floorMeanSquare = this.probeChunks > 0 ? Math.min(this.soundMeanSquare, 10 ** (tuning.PROBE_FLOOR_DB / 10)) : this.soundMeanSquare;
    this.line = new GuardLine(slots, tuning.CHUNK);
  }

  get state(): EchoState {
    return this.stateValue;
  }

  /** The raw-track model ({@link EchoGuardOptions.rawTrack}) as it stands; null without a raw track. */
  get rawTrack(): RawTrackStatus | null {
    const e = this.envelope;
    if (e.learntChunks === 0 && !this.rawSeen) return null;
    return { ready: e.ready, lagMs: e.lagMs, playerChunks: e.playerChunks };
  }

  get estimate(): EchoEstimate | null {
    return this.lastEstimate;
  }

  /**
   * Whether a chunk holds sound that could be the player (louder than
   * {@link EchoEstimatorOptions.audibleDb}): while the NPC is paused for the player, this — not
   * the speech detector, whose floor sits higher — says the player is still there, because a
   * canceller recovering from double talk still squeezes the player's first words.
   */
  hearsSound(chunk: MicChunk): boolean {
    return chunk.meanSquare > this.gate.threshold(this.soundMeanSquare);
  }

  /** The microphone's noise floor: its quietest 20 ms over the last 2 s, dBFS (−120 for silence). */
  get noiseDb(): number {
    return this.gate.noiseDb;
  }

  /** True while the NPC is audible, or was within the hangover plus the echo's delay (the longest looked for when cancelled: docs/rooms.md). */
  get npcAudible(): boolean {
    const lag = this.stateValue === 'cancelled' ? this.estimator.maxLagMs : this.lastEstimate?.lagMs;
    const hangover = lag === undefined ? Math.max(this.hangoverMs, 700) : this.hangoverMs + lag;
    return this.estimator.msSinceActive <= hangover;
  }

  /**
   * True while the player has the floor over the NPC: sound that lasted got through the delay line
   * while the NPC spoke, and the microphone has not yet been quiet for 400 ms.
   */
  get playerHasFloor(): boolean {
    return this.floor || this.probing >= 0;
  }

  /** Whether the microphone is being held back now. */
  get holding(): boolean {
    if (this.mode === 'off' || !this.npcAudible) return false;
    return this.mode === 'half-duplex' || this.stateValue !== 'cancelled';
  }

  /**
   * Feeds one measured 20 ms chunk with what the NPC played at that moment; calls `send` for each
   * microphone chunk that may go to the service now (possibly older ones from the delay line, each
   * with its own level). The chunk passed to `send` is reused. `raw`, where the microphone gives it,
   * holds the same 20 ms of the microphone before the browser's processing and of the game's whole
   * output ({@link EchoGuardOptions.rawTrack}).
   */
  process(mic: MicChunk, ref: Float32Array, send: (chunk: MicChunk) => void, raw?: RawChunk | null): void {
    const pushToTalkHeld = this.talkKeyHeld;
    if (raw) {
      this.rawSeen = true;
      this.envelope.push(raw.mic, raw.output);
    }
    const pausedMs = this.estimator.msSinceActive;
    this.estimator.push(mic.samples, ref);
    this.gate.push(mic.meanSquare, meanSquareOf(ref));
    this.bands.push(mic.samples, ref, this.gate.playingNow);
    this.chunks++;
    if (pausedMs >= tuning.ONSET_AFTER_PAUSE_MS && this.estimator.msSinceActive < 20) this.lineStart = this.chunks;
    if (this.chunks % this.everyChunks === 0 && this.estimator.msSinceActive <= 200) this.measure();
    if (this.probing >= 0) {
      this.probe(mic, send);
      return;
    }
    if (pushToTalkHeld || this.mode === 'off' || !this.npcAudible) {
      // The line empties: whole when the player holds the key or has the floor, else what is
      // still short sound in it (the tail of the NPC's echo) goes as silence.
      if (pushToTalkHeld || this.mode === 'off' || this.line.weight >= this.talkChunks) this.flush(send);
      else while (this.line.length > 0) this.sendOldest(send, true);
      this.floor = false;
      send(mic);
      return;
    }
    if (this.holding) {
      this.drop();
      return;
    }
    // Believed cancelled: run behind, and drop everything if the NPC's own voice leaks through.
    if (this.estimator.leaking()) {
      this.leaks++;
      this.drop();
      this.held++;
      this.floor = false;
      this.stateValue = 'echo';
      this.votes = 0;
      this.stickyUntil = this.chunks + this.stickyChunks;
      const e = this.estimator.estimate() ?? this.lastEstimate;
      if (e) this.onEstimate(e, this.stateValue);
      return;
    }
    const sound = this.classify(mic, this.floorMeanSquare);
    const loud = sound >= PLAYER;
    if (this.floor) {
      this.quietRun = loud ? 0 : this.quietRun + 1;
      if (this.quietRun >= tuning.FLOOR_RELEASE_CHUNKS) this.floor = false;
      send(mic);
      return;
    }
    this.enqueue(mic, sound);
    // Early in a line the canceller may still be converging: look further ahead, ask for longer sound.
    const onset = this.chunks - this.lineStart < this.onsetChunks;
    while (this.line.length > (onset ? this.onsetTalkChunks : this.delayChunks)) this.sendOldest(send, true);
    // The floor goes to sound that is still going on and has lasted.
    // What the raw microphone says is not her echo needs no onset rule and no copy check: those stand in for it.
    const room = this.envelope.ready;
    if (loud && this.line.weight >= this.talkChunks && (room || !onset || this.line.loudStretch() >= this.onsetTalkChunks)) {
      // Her voice, come through whole: it counts for nothing, and goes out as silence.
      if (!room && this.copiesHerVoice()) {
        this.copies++;
        this.line.demote();
        return;
      }
      // Sound that lasts: the player is talking. Everything goes, in order — or first, with a
      // probe, the NPC is asked to pause while the guard listens on.
      if (this.probeChunks > 0) {
        this.probing = 0;
        this.forgetRecent(); // what led up to it may be the player's
        this.probeSound = 0;
        this.probeHeardCopy = false;
        this.probeSettleEnd = this.probeSettleChunks;
        this.probeEnd = this.probeChunks;
        return;
      }
      this.takeFloor(send);
    }
  }

  /**
   * Tells a probing guard that the NPC's voice stopped just now — paused for the player, or already
   * finished — while `unreadChunks` microphone chunks captured before this moment are still to be
   * fed. The probe then listens for the player only once those chunks and the echo path after
   * them have gone by, however late the game's frame came (a frame of 300 ms holds a whole probe).
   * Without this call, it counts from the chunk that started it.
   *
   * @example
   * ```ts
   * guard.process(chunk, ref, send);
   * if (guard.playerHasFloor && floor.yieldToPlayer(now)) guard.voiceStopped(Math.floor(clip.available() / 320));
   * ```
   */
  voiceStopped(unreadChunks: number): void {
    if (this.probing < 0) return;
    const listen = this.probeChunks - this.probeSettleChunks;
    const settleEnd = this.probing + Math.max(0, Math.ceil(unreadChunks)) + this.probeSettleChunks;
    this.probeSettleEnd = Math.min(settleEnd, this.probeMaxChunks - listen);
    this.probeEnd = this.probeSettleEnd + listen;
  }

  /** What the newest chunk holds: nothing above the noise floor, sound, or sound that may be the player's (in enough bands), or that and {@link tuning.STRONG_RATIO} louder. */
  private classify(mic: MicChunk, least: number): ChunkClass {
    // The raw microphone against the game's output, once learnt: sound the game did not play is the
    // player however far the canceller squeezed it, and what it plays alone is not, however loud
    // the canceller let it through, unless it heard the player just now (PLAYER_CARRY_CHUNKS).
    // Between the two, the rules on the canceller's track decide.
    const strong = this.probeChunks > 0 && mic.meanSquare > this.gate.threshold(least) * tuning.STRONG_RATIO;
    const { player, explained, chunksSincePlayer } = this.envelope;
    if (player) return strong ? STRONG : PLAYER;
    if (explained && chunksSincePlayer > tuning.PLAYER_CARRY_CHUNKS) return mic.meanSquare <= this.gate.floor(least) ? QUIET : SOUND;
    if (mic.meanSquare <= this.gate.floor(least)) return QUIET;
    if (!this.bands.player(least)) return SOUND;
    return strong ? STRONG : PLAYER;
  }

  private forgetRecent(): void {
    this.gate.forgetRecent();
    this.bands.forgetRecent();
  }

  private takeFloor(send: (chunk: MicChunk) => void): void {
    this.forgetRecent();
    this.probing = -1;
    this.floor = true;
    this.quietRun = 0;
    this.inBurst = false;
    this.flush(send);
  }

  /** One chunk of a probe: hold it; at the end, the player takes the floor, or it was the NPC's echo. */
  private probe(mic: MicChunk, send: (chunk: MicChunk) => void): void {
    const pushToTalkHeld = this.talkKeyHeld;
    const sound = this.classify(mic, this.soundMeanSquare);
    this.enqueue(mic, sound);
    if (++this.probing > this.probeSettleEnd && sound >= PLAYER) this.probeSound++;
    const listen = this.probeEnd - this.probeSettleEnd;
    const talksOn = this.probeSound >= Math.ceil(listen * tuning.PROBE_SOUND_SHARE);
    // Her echo can still arrive after the settle (a long output path): sound that copies her voice
    // is hers, or hers over the player's; the probe listens once more, and a player talks on.
    const heardCopy = !pushToTalkHeld && this.probing >= this.probeEnd && talksOn && this.copiesHerVoice(listen);
    if (heardCopy && !this.probeHeardCopy && this.probing + listen <= this.probeMaxChunks) {
      this.probeHeardCopy = true;
      this.probeSettleEnd = this.probing;
      this.probeEnd = this.probing + listen;
      this.probeSound = 0;
      return;
    }
    if (pushToTalkHeld || (this.probing >= this.probeEnd && talksOn && !heardCopy)) {
      this.takeFloor(send);
      return;
    }
    if (this.probing < this.probeEnd) return;
    // The sound stopped with the NPC's voice, or copied it: it was its echo. It goes out as silence.
    this.probing = -1;
    this.falseAlarms++;
    this.envelope.relearn(); // if the raw track took her echo for the player, it learns the room again
    this.inBurst = false;
    while (this.line.length > 0) this.sendOldest(send, true);
  }

  private measure(): void {
    const e = this.estimator.estimate();
    if (!e) return;
    // Loudness that follows the NPC's may be the player talking over it: with a canceller on, echo
    // must also be the NPC's waveform at that delay.
    if (e.echo && this.cancellerOn !== false && this.estimator.waveformEcho(e.lagMs) === false) e.echo = false;
    this.lastEstimate = e;
    // Without a canceller (the browser says so) only a real absence of echo (headphones) counts.
    const cancelled = !e.echo && (this.cancellerOn !== false || e.returnLossDb >= 40);
    const verdict: EchoState = cancelled ? 'cancelled' : 'echo';
    if (verdict === this.stateValue || (verdict === 'cancelled' && this.chunks < this.stickyUntil)) this.votes = 0;
    // One estimate decides the first time; after that echo takes two in a row to set, and three to clear — with a
    // probe one, since three took 1.5 s more in which the player could not interrupt.
    else if (this.stateValue === 'unknown' || ++this.votes >= (verdict === 'echo' ? 2 : this.probeChunks > 0 ? 1 : 3)) {
      // A canceller that just stopped leaking slips again like one converging at a line's start: the onset rule holds.
      if (this.stateValue === 'echo') this.lineStart = this.chunks;
      this.stateValue = verdict;
      this.votes = 0;
    }
    this.onEstimate(e, this.stateValue);
  }

  /**
   * Whether the loudest {@link tuning.COPY_CHUNKS} chunks in the line (or its newest `within`) copy her voice at some delay:
   * a canceller that slips lets her through at her own level for a few chunks, as loud as a player's first syllable.
   */
  private copiesHerVoice(within?: number): boolean {
    const age = this.line.loudestRunAge(tuning.COPY_CHUNKS, within);
    return age >= 0 && this.estimator.copiesVoice(age * 20, tuning.COPY_CHUNKS * 20);
  }

  private enqueue(chunk: MicChunk, sound: ChunkClass): void {
    this.line.push(chunk, sound, this.gate.voiceBoundDb, this.gate.playingNow, this.bands.chunk);
  }

  /** Sends the oldest chunk; with `silenceBursts`, a loud one that did not last goes as silence. */
  private sendOldest(send: (chunk: MicChunk) => void, silenceBursts: boolean): void {
    const line = this.line;
    const slot = line.oldest;
    // Not the player's: what her echo can be in this room.
    if (silenceBursts) {
      this.gate.learn(line.oldestBound, line.oldestPlaying, slot.meanSquare, this.floorMeanSquare);
      this.bands.learn(line.oldestChunkNumber, line.oldestPlaying);
    }
    if (line.oldestClass !== QUIET) {
      if (silenceBursts) {
        if (!this.inBurst) this.bursts++;
        this.inBurst = true;
        this.held++;
        slot.silence();
      }
    } else {
      this.inBurst = false;
    }
    send(slot);
    line.shift();
  }

  private flush(send: (chunk: MicChunk) => void): void {
    while (this.line.length > 0) this.sendOldest(send, false);
  }

  private drop(): void {
    this.held += this.line.length + 1;
    this.line.clear();
  }
}
