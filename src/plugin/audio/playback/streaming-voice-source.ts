import { NpcVoiceError } from '../../errors.js';
import { TypedEmitter } from '../../events.js';
import { Resampler } from '../dsp/resampler.js';
import {
  CONTROL_SLOTS,
  type MainToPlayback,
  PLAYBACK_PROCESSOR,
  type PlaybackProcessorOptions,
  type PlaybackToMain,
  Slot,
} from '../worklets/protocol.js';
import { RingBuffer, ringModulus } from '../worklets/ring-buffer.js';
import { loadWorklets } from '../worklets/worklet-loader.js';
import { PendingSpeech } from './pending-speech.js';
import type { StreamingVoiceSourceEvents, StreamingVoiceSourceOptions, VoicePlaybackState } from './voice-source-types.js';

export {
  StreamingVoiceSourceEvent,
  type StreamingVoiceSourceEvents,
  type StreamingVoiceSourceOptions,
  type VoicePlaybackState,
} from './voice-source-types.js';

const STATE_NAMES: readonly VoicePlaybackState[] = ['idle', 'buffering', 'playing'];

/**
 * A looping streaming clip for speech that arrives in pieces (Unity's streaming `AudioClip`
 * fed from a queue, done on the audio thread): {@link enqueue} 24 kHz floats as they arrive and
 * they play gaplessly at the context's rate, with a prebuffer against jitter, silence (counted)
 * when starved, and a click-free {@link clear} for barge-in.
 *
 * @example
 * ```ts
 * const voice = await StreamingVoiceSource.create(game.sound.context);
 * voice.connect(npcGain);
 * connection.on('audio', (samples) => voice.enqueue(samples));
 * connection.on('generationComplete', () => voice.end());
 * connection.on('interrupted', () => voice.clear());
 * ```
 */
export class StreamingVoiceSource extends TypedEmitter<StreamingVoiceSourceEvents> {
  /** The node to connect onwards (mono output). */
  readonly node: AudioWorkletNode;
  /** The context's sample rate: the unit of {@link playedFrames}. */
  readonly sampleRate: number;
  readonly inputRate: number;
  /** 'shared' (SharedArrayBuffer ring) or 'message' (chunks posted to the worklet). */
  readonly transport: 'shared' | 'message';

  private readonly ring: RingBuffer | null; // shared path only: the main thread writes it
  private readonly control: Int32Array; // shared: live; message: mirror of the last stats
  private readonly levelView: Float32Array;
  private readonly capacity: number;
  private readonly modulus: number;
  private readonly resampler: Resampler | null;
  private scratch = new Float32Array(0);
  /** Speech that did not fit in the ring (or the message path's window) yet. */
  private readonly pending = new PendingSpeech(() => this.update());
  private writePos = 0; // message path: frames posted, modulo `modulus`
  private consumedPos = 0; // message path: worklet's read position from the last stats
  private playedTotal = 0;
  private lastPlayedRaw = 0;
  private writtenTotal = 0; // frames given to enqueue() after resampling, pending included
  private consumedTotal = 0; // frames the worklet took from the ring (played, or dropped by clear)
  private lastConsumedRaw = 0;
  private lastDrained = 0;
  private lastUnderruns = 0;
  private destroyed = false;
  private pausedValue = false;
  private readonly pushBound = (src: Float32Array, start: number, end: number): number => this.push(src, start, end);
  private readonly markEndBound = (): void => this.markEnd();

  /**
   * Loads the worklet (once per context) and builds a source. Connect it with {@link connect}.
   *
   * @throws {@link NpcVoiceError} `no-audio-worklet` when the context cannot load worklets.
   */
  static async create(context: BaseAudioContext, options: StreamingVoiceSourceOptions = {}): Promise<StreamingVoiceSource> {
    await loadWorklets(context);
    return new StreamingVoiceSource(context, options);
  }

  private constructor(context: BaseAudioContext, options: StreamingVoiceSourceOptions) {
    super();
    const rate = context.sampleRate;
    this.sampleRate = rate;
    this.inputRate = options.inputRate ?? 24000;
    const transport = options.transport ?? 'auto';
    const canShare = typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated === true;
    if (transport === 'shared' && !canShare) {
      throw new NpcVoiceError(
        'invalid-argument',
        "transport 'shared' needs a cross-origin isolated page (COOP same-origin + COEP require-corp).",
      );
    }
    const shared = transport === 'shared' || (transport === 'auto' && canShare);
    this.transport = shared ? 'shared' : 'message';
    this.capacity = Math.round((options.capacitySec ?? 10) * rate);
    this.modulus = ringModulus(this.capacity);
    const ring = RingBuffer.create(this.capacity, { shared });
    this.ring = shared ? ring : null;
    const controlBytes = CONTROL_SLOTS * 4;
    const control = shared ? new SharedArrayBuffer(controlBytes) : new ArrayBuffer(controlBytes);
    this.control = new Int32Array(control, 0, Slot.Level);
    this.levelView = new Float32Array(control, Slot.Level * 4, 1);
    this.resampler = this.inputRate === rate ? null : new Resampler(this.inputRate, rate);

    const quantum = 128;
    const processorOptions: PlaybackProcessorOptions = {
      ring: ring.storage,
      control,
      shared,
      prebufferFrames: Math.round(((options.prebufferMs ?? 100) / 1000) * rate),
      fadeFrames: Math.max(1, Math.min(quantum, Math.round(((options.fadeMs ?? 3) / 1000) * rate))),
      statsIntervalFrames: quantum * 4,
      levelSmoothing: Math.exp(-1 / (((options.levelTimeConstantMs ?? 40) / 1000) * rate)),
    };
    this.node = new AudioWorkletNode(context, PLAYBACK_PROCESSOR, {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions,
    });
    if (!shared) {
      this.node.port.onmessage = (event: MessageEvent<PlaybackToMain>) => this.onStats(event.data);
    }
  }

  /** Connects the output onwards; returns `destination` like `AudioNode.connect`. */
  connect<T extends AudioNode>(destination: T): T {
    this.node.connect(destination);
    return destination;
  }

  /** Disconnects the output from everything. */
  disconnect(): void {
    this.node.disconnect();
  }

  /**
   * Queues speech at {@link inputRate}. Call as messages arrive; chunk sizes do not matter.
   *
   * @throws {@link NpcVoiceError} `destroyed` after {@link destroy}.
   */
  enqueue(samples: Float32Array): void {
    this.assertAlive();
    if (samples.length === 0) return;
    if (!this.resampler) {
      this.write(samples, 0, samples.length, true);
      return;
    }
    const max = this.resampler.maxOutput(samples.length);
    if (this.scratch.length < max) this.scratch = new Float32Array(max);
    const n = this.resampler.processInto(samples, this.scratch);
    this.write(this.scratch, 0, n, true);
  }

  /**
   * Marks the end of the current utterance: what is queued plays even if shorter than the
   * prebuffer, and finishing it is not an underrun (it emits `drained`).
   */
  end(): void {
    this.assertAlive();
    if (this.resampler) {
      const tail = this.resampler.flush();
      if (tail.length > 0) this.write(tail, 0, tail.length, false);
    }
    if (this.pending.empty) this.markEnd();
    else this.pending.add(null);
  }

  /**
   * Silences the voice now (barge-in): the audio thread fades the current quantum out (≤ 5 ms)
   * and drops everything queued so far. Speech enqueued afterwards plays normally (a
   * {@link pause} ends here too).
   */
  clear(): void {
    this.assertAlive();
    // Speech still waiting on the main thread never reaches the ring: count it consumed now.
    this.consumedTotal += this.pending.clear();
    this.resampler?.reset();
    if (this.ring) {
      Atomics.store(this.control, Slot.ClearPos, this.ring.writePosition);
      Atomics.add(this.control, Slot.ClearSeq, 1);
    } else {
      this.post({ type: 'clear' });
      this.consumedPos = this.writePos; // everything posted so far is gone
    }
    this.setPaused(false); // after the clear, so the audio thread never plays on into the dropped queue
  }

  /**
   * Holds the voice where it is: the audio thread fades out (≤ 3 ms) and plays silence, and
   * everything queued waits, still counted in {@link bufferedMs}. {@link resume} plays on from
   * the same sample; {@link clear} drops the queue and plays on. The plugin pauses the NPC the
   * moment the player takes the floor, before the service confirms the barge-in.
   *
   * @example
   * ```ts
   * voice.pause();                       // the player started talking over the NPC
   * live.on('interrupted', () => voice.clear());
   * setTimeout(() => voice.resume(), 800); // nobody confirmed it: play on
   * ```
   * @throws {@link NpcVoiceError} `destroyed` after {@link destroy}.
   */
  pause(): void {
    this.setPaused(true);
  }

  /** Plays on after {@link pause}, faded in. No effect when not paused. */
  resume(): void {
    this.setPaused(false);
  }

  /** True between {@link pause} and {@link resume} (or {@link clear}). */
  get paused(): boolean {
    return this.pausedValue;
  }

  private setPaused(paused: boolean): void {
    this.assertAlive();
    if (paused === this.pausedValue) return;
    this.pausedValue = paused;
    if (this.ring) Atomics.store(this.control, Slot.Paused, paused ? 1 : 0);
    else this.post({ type: 'pause', paused });
  }

  /** Milliseconds of speech queued and not yet played. */
  get bufferedMs(): number {
    const queued = this.ring ? this.ring.unread() : this.distance(this.writePos, this.consumedPos);
    return ((queued + this.pending.frames) / this.sampleRate) * 1000;
  }

  /** Frames (at {@link sampleRate}) of queued speech played so far; silence is not counted. */
  get playedFrames(): number {
    this.syncPlayed();
    return this.playedTotal;
  }

  /**
   * Frames (at {@link sampleRate}) enqueued so far: the stream position the next enqueued sample
   * will have. Compare with {@link consumedFrames} to know when a given sample is heard.
   */
  get writtenFrames(): number {
    return this.writtenTotal;
  }

  /** Frames taken from the queue so far — played, or dropped by {@link clear}. */
  get consumedFrames(): number {
    this.syncConsumed();
    return this.consumedTotal;
  }

  /** Smoothed RMS of what is audible now (0..1), for lip-sync and meters. */
  get level(): number {
    return this.levelView[0] as number;
  }

  /** Times playback starved mid-utterance. */
  get underruns(): number {
    return Atomics.load(this.control, Slot.Underruns);
  }

  /** What the audio thread is doing. */
  get state(): VoicePlaybackState {
    return STATE_NAMES[Atomics.load(this.control, Slot.State)] ?? 'idle';
  }

  /** True after {@link destroy}. */
  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /**
   * Moves waiting speech into the ring and delivers events. The plugin calls it every frame;
   * a timer also calls it while speech is waiting, so playback never depends on it.
   */
  update(): void {
    if (this.destroyed) return;
    if (!this.pending.empty) this.pending.drain(this.pushBound, this.markEndBound);
    this.syncPlayed();
    const underruns = Atomics.load(this.control, Slot.Underruns);
    if (underruns !== this.lastUnderruns) {
      this.lastUnderruns = underruns;
      this.emit('underrun', { underruns });
    }
    const drained = Atomics.load(this.control, Slot.Drained);
    if (drained !== this.lastDrained) {
      this.lastDrained = drained;
      this.emit('drained', { playedFrames: this.playedTotal });
    }
  }

  /** Stops the worklet, disconnects, cancels timers and forgets listeners. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.pending.destroy();
    if (this.ring) Atomics.store(this.control, Slot.Dispose, 1);
    else this.post({ type: 'dispose' });
    this.node.port.onmessage = null;
    this.node.port.close();
    this.node.disconnect();
    this.removeAllListeners();
  }

  private write(src: Float32Array, start: number, end: number, copyPending: boolean): void {
    this.writtenTotal += end - start;
    let offset = start;
    if (this.pending.empty) offset += this.push(src, offset, end);
    if (offset < end) this.pending.add(copyPending || start !== 0 || end !== src.length ? src.slice(offset, end) : src);
  }

  /** Writes what fits into the ring (shared) or posts it (message); returns the count taken. */
  private push(src: Float32Array, start: number, end: number): number {
    if (this.ring) return this.ring.push(src, start, end);
    const space = this.capacity - this.distance(this.writePos, this.consumedPos);
    const count = Math.min(space, end - start);
    if (count <= 0) return 0;
    const chunk = src.slice(start, start + count);
    this.node.port.postMessage({ type: 'data', samples: chunk } satisfies MainToPlayback, [chunk.buffer]);
    this.writePos = (this.writePos + count) % this.modulus;
    return count;
  }

  private markEnd(): void {
    if (this.ring) {
      Atomics.store(this.control, Slot.EndPos, this.ring.writePosition);
      Atomics.add(this.control, Slot.EndSeq, 1);
    } else {
      this.post({ type: 'end' });
    }
  }

  private onStats(stats: PlaybackToMain): void {
    const c = this.control;
    c[Slot.Played] = stats.played;
    c[Slot.Underruns] = stats.underruns;
    c[Slot.State] = stats.state;
    c[Slot.Drained] = stats.drained;
    this.levelView[0] = stats.level;
    // A clear() may still be on its way to the worklet; never let stale stats resurrect audio.
    if (this.distance(this.writePos, stats.consumed) <= this.distance(this.writePos, this.consumedPos)) {
      this.consumedPos = stats.consumed;
    }
    this.update();
  }

  private syncConsumed(): void {
    const raw = this.ring ? this.ring.readPosition : this.consumedPos;
    this.consumedTotal += this.distance(raw, this.lastConsumedRaw);
    this.lastConsumedRaw = raw;
  }

  private syncPlayed(): void {
    const raw = Atomics.load(this.control, Slot.Played);
    this.playedTotal += (raw - this.lastPlayedRaw) | 0;
    this.lastPlayedRaw = raw;
  }

  private distance(a: number, b: number): number {
    const d = (a - b) % this.modulus;
    return d < 0 ? d + this.modulus : d;
  }

  private post(msg: MainToPlayback): void {
    this.node.port.postMessage(msg);
  }

  private assertAlive(): void {
    if (this.destroyed) throw new NpcVoiceError('destroyed', 'This StreamingVoiceSource was destroyed.');
  }
}
