import type { EchoGuard } from '../echo/echo-guard.js';
import type { VoiceFloor } from '../playback/voice-floor.js';
import { AudioChunker, type SampleSource } from './chunker.js';
import { CHUNK_SAMPLES, MicChunk } from './mic-chunk.js';
import { VoiceActivity } from './voice-activity.js';

/** A microphone that records what the NPC played beside it (a `MicrophoneClip` with a reference). */
export interface PairedSource {
  /**
   * Reads the next 20 ms of microphone and reference together (and, when it records them, of the raw
   * microphone and the game's output); false when there is not a whole chunk of all yet.
   */
  readPair(mic: Float32Array, reference: Float32Array, raw?: Float32Array, output?: Float32Array): boolean;
  /** Whether it records the raw microphone and the game's output. */
  readonly hasRaw?: boolean;
  /** Microphone samples captured and not yet read. */
  available(): number;
}

/** Options of {@link MicUplink}. */
export interface MicUplinkOptions {
  /** Decides what of the microphone goes while the NPC speaks; needs a {@link PairedSource}. */
  guard?: EchoGuard | null;
  /** The NPC's voice, paused the moment the guard gives the player the floor (local barge-in). */
  floor?: VoiceFloor | null;
  /** Whether the player holds the push-to-talk key (the guard lets everything through then). */
  talkKey?: { readonly isTalking: boolean } | null;
  /** @defaultValue a new {@link VoiceActivity} */
  voiceActivity?: VoiceActivity;
}

/**
 * The microphone's way to the service, polled every game frame: it cuts what was recorded into
 * 20 ms {@link MicChunk}s, measures each once, lets {@link VoiceActivity} mark the player's voice,
 * and — with an echo guard — reads each chunk beside what the NPC played at that moment and lets
 * the guard decide what goes. The moment the guard gives the player the floor (in the middle of a
 * late frame's backlog, not after it) the NPC's voice yields, and the guard is told how much of
 * the backlog was captured before the NPC paused, so its echo there is not taken for the player.
 *
 * @example
 * ```ts
 * const uplink = new MicUplink(clip, { guard, floor, talkKey: conversation });
 * // every frame:
 * uplink.pump(performance.now(), (chunk) => conversation.pushAudio(chunk));
 * meter.level = uplink.level;
 * ```
 */
export class MicUplink {
  readonly guard: EchoGuard | null;
  readonly floor: VoiceFloor | null;
  private readonly chunk = new MicChunk();
  private readonly ref = new Float32Array(CHUNK_SAMPLES);
  /** The raw microphone and the game's output, when the source records them (for the guard's `EchoEnvelope`). */
  private readonly raw: { mic: Float32Array; output: Float32Array } | null;
  private readonly chunker: AudioChunker | null;
  private readonly vad: VoiceActivity;
  private readonly talkKey: { readonly isTalking: boolean } | null;
  private levelValue = 0;
  private nowMs = 0;
  private send: (chunk: MicChunk) => void = () => {};
  private readonly takeChunk = (samples: Float32Array): void => {
    this.chunk.samples.set(samples);
    this.forward();
  };

  constructor(
    /** A {@link PairedSource} with a guard; without one, any {@link SampleSource}. */
    private readonly source: PairedSource | SampleSource,
    options: MicUplinkOptions = {},
  ) {
    this.guard = options.guard ?? null;
    this.floor = options.floor ?? null;
    this.talkKey = options.talkKey ?? null;
    this.vad = options.voiceActivity ?? new VoiceActivity();
    this.chunker = this.guard ? null : new AudioChunker(source as SampleSource, CHUNK_SAMPLES);
    const paired = source as Partial<PairedSource>;
    this.raw = this.guard && paired.hasRaw ? { mic: new Float32Array(CHUNK_SAMPLES), output: new Float32Array(CHUNK_SAMPLES) } : null;
  }

  /** RMS of the last microphone chunk read (0..1). */
  get level(): number {
    return this.levelValue;
  }

  /**
   * Reads everything new; `send` gets each chunk that may go to the service (reused: copy it to
   * keep it). Returns how many chunks were read.
   */
  pump(nowMs: number, send: (chunk: MicChunk) => void): number {
    this.nowMs = nowMs;
    this.send = send;
    let read = 0;
    const guard = this.guard;
    if (!guard) {
      read = (this.chunker as AudioChunker).pump(this.takeChunk);
    } else {
      guard.talkKeyHeld = this.talkKey?.isTalking ?? false;
      const source = this.source as PairedSource;
      while (source.readPair(this.chunk.samples, this.ref, this.raw?.mic, this.raw?.output)) {
        read++;
        this.forward();
      }
      this.floor?.followPlayer(nowMs, guard);
    }
    return read;
  }

  /** Forgets a partly read chunk (the microphone skipped ahead). */
  reset(): void {
    this.chunker?.reset();
  }

  private forward(): void {
    const chunk = this.chunk.measure();
    this.levelValue = chunk.level;
    this.vad.classify(chunk);
    const guard = this.guard;
    if (!guard) {
      this.send(chunk);
      return;
    }
    if (guard.hearsSound(chunk)) this.floor?.heard(this.nowMs);
    const hadFloor = guard.playerHasFloor;
    const falseAlarms = guard.falseAlarms;
    guard.process(chunk, this.ref, this.send, this.raw);
    if (guard.falseAlarms !== falseAlarms) this.floor?.dismiss();
    if (hadFloor || !guard.playerHasFloor) return;
    this.floor?.yieldToPlayer(this.nowMs);
    guard.voiceStopped(Math.floor(this.source.available() / CHUNK_SAMPLES));
  }
}
