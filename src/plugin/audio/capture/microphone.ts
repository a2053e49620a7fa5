import { NpcVoiceError } from '../../errors.js';
import { TypedEmitter } from '../../events.js';
import { CAPTURE_PROCESSOR, type CaptureProcessorOptions, type CaptureToMain, type MainToCapture } from '../worklets/protocol.js';
import { RingBuffer } from '../worklets/ring-buffer.js';
import { loadWorklets } from '../worklets/worklet-loader.js';
import { mediaDevicesOrThrow, microphoneError, openRaw, trackConstraints } from './media-tracks.js';

/** How samples cross from the audio thread: shared memory when the page is cross-origin isolated. */
export type AudioTransport = 'auto' | 'shared' | 'message';

/** Options of {@link Microphone.start}. */
export interface MicrophoneStartOptions {
  /** The context to capture on — the game's (`game.sound.context`). */
  audioContext: AudioContext;
  /** A device from {@link Microphone.devices}; the default microphone when absent. */
  deviceId?: string;
  /**
   * Length of the circular clip in seconds: how long the game may go without polling before
   * audio is lost (and counted in {@link MicrophoneClip.lostSamples}).
   * @defaultValue 1
   */
  lengthSec?: number;
  /**
   * Clip sample rate.
   * @defaultValue 16000
   */
  frequency?: number;
  /**
   * Extra `getUserMedia` audio constraints. echoCancellation and noiseSuppression default to
   * true, autoGainControl to false: while an NPC speaks the canceller leaves the microphone near
   * silence, the browser's gain control rides up, and the next slip of the canceller comes out
   * louder than the voice that caused it (docs/decisions.md). Set them here to change that.
   */
  constraints?: MediaTrackConstraints;
  /** @defaultValue 'auto' */
  transport?: AudioTransport;
  /**
   * Message path only: samples per batch posted by the worklet (20 ms at 16 kHz).
   * @defaultValue frequency / 50
   */
  batchSamples?: number;
  /**
   * Also record an echo reference in lockstep with the microphone: whatever is connected with
   * {@link MicrophoneClip.connectReference} (the game's voices), for echo estimation.
   * @defaultValue false
   */
  reference?: boolean;
  /**
   * With `reference`, also capture the microphone before the browser's processing (a second track
   * of the same device, echo cancellation, noise suppression and gain control off) and the game's
   * whole output beside it ({@link MicrophoneClip.connectOutput}), in lockstep with the rest: what
   * an echo model of our own learns from. Where the browser will not give the second track, or
   * giving it turns the canceller off on the first, the clip goes on without it
   * ({@link MicrophoneClip.hasRaw} is false).
   * @defaultValue false
   */
  raw?: boolean;
}

/** A microphone as {@link Microphone.devices} lists it. */
export interface MicrophoneDevice {
  readonly deviceId: string;
  /** Empty until the page has microphone permission (browsers hide labels before that). */
  readonly label: string;
  readonly groupId: string;
}

/** Events of a {@link MicrophoneClip}. */
export interface MicrophoneClipEvents {
  /** The track ended (device unplugged, permission revoked) or {@link MicrophoneClip.end} was called. */
  ended: { readonly reason: 'stopped' | 'track-ended' };
}

/** Event names of a {@link MicrophoneClip}. */
export const MicrophoneClipEvent = { Ended: 'ended' } as const satisfies Record<string, keyof MicrophoneClipEvents>;

/**
 * The Unity-style entry point: `Microphone.start()` returns a circular {@link MicrophoneClip}
 * the game polls every frame.
 *
 * @example
 * ```ts
 * const clip = await Microphone.start({ audioContext: game.sound.context });
 * const chunk = new Float32Array(320);
 * // each frame:
 * while (clip.available() >= chunk.length) send(chunk.subarray(0, clip.read(chunk)));
 * ```
 */
export const Microphone = {
  /**
   * Asks for the microphone, starts capturing, and returns the clip.
   *
   * @throws {@link NpcVoiceError} `insecure-context`, `permission-denied`, `no-microphone`,
   * `microphone-busy`, `no-audio-worklet` or `microphone-failed`.
   */
  async start(options: MicrophoneStartOptions): Promise<MicrophoneClip> {
    const { audioContext } = options;
    const frequency = options.frequency ?? 16000;
    const lengthSec = options.lengthSec ?? 1;
    if (!(frequency >= 8000 && frequency <= 96000) || !(lengthSec > 0 && lengthSec <= 60)) {
      throw new NpcVoiceError(
        'invalid-argument',
        `Microphone needs frequency in 8000..96000 and lengthSec in (0, 60]; got ${frequency}, ${lengthSec}.`,
      );
    }
    const shared = resolveTransport(options.transport ?? 'auto');
    const mediaDevices = mediaDevicesOrThrow();
    await loadWorklets(audioContext);
    let stream: MediaStream;
    try {
      stream = await mediaDevices.getUserMedia({ audio: trackConstraints(true, options.deviceId, options.constraints) });
    } catch (cause) {
      throw microphoneError(cause);
    }
    const rawStream = options.reference && options.raw ? await openRaw(mediaDevices, stream) : null;
    const lengthSamples = Math.round(lengthSec * frequency);
    const ring = RingBuffer.create(lengthSamples, { shared });
    const reference = options.reference ? RingBuffer.create(lengthSamples, { shared }) : null;
    const raw = rawStream
      ? { stream: rawStream, ring: RingBuffer.create(lengthSamples, { shared }), output: RingBuffer.create(lengthSamples, { shared }) }
      : null;
    try {
      return new MicrophoneClip(audioContext, stream, ring, reference, frequency, options.batchSamples ?? Math.round(frequency / 50), raw);
    } catch (cause) {
      for (const track of [...stream.getTracks(), ...(rawStream?.getTracks() ?? [])]) track.stop();
      throw new NpcVoiceError('microphone-failed', `Could not start capturing: ${String(cause)}`, { cause });
    }
  },

  /**
   * Lists audio inputs. Labels are empty until the user has granted microphone access once.
   *
   * @throws {@link NpcVoiceError} `insecure-context` when the page cannot use media devices.
   */
  async devices(): Promise<MicrophoneDevice[]> {
    const all = await mediaDevicesOrThrow().enumerateDevices();
    return all.filter((d) => d.kind === 'audioinput').map((d) => ({ deviceId: d.deviceId, label: d.label, groupId: d.groupId }));
  },
};

/**
 * A recording in progress: a circular clip of `lengthSamples` at `frequency` Hz. Poll it each
 * frame — Unity's `getPosition()` / `getData()`, or {@link read} for "everything new since last
 * time" with lap detection: if the game stalls longer than the clip (hidden tab, long frame),
 * the overwritten audio is skipped and counted, never read as garbage.
 */
export class MicrophoneClip extends TypedEmitter<MicrophoneClipEvents> {
  readonly frequency: number;
  readonly lengthSamples: number;
  /** 'shared' (SharedArrayBuffer ring written by the worklet) or 'message' (batches over a port). */
  readonly transport: 'shared' | 'message';
  /** The track's settings as the browser applied them (e.g. whether echo cancellation is really on). */
  readonly settings: MediaTrackSettings;
  /** The captured stream (for a level meter or recording). */
  readonly stream: MediaStream;

  private readonly ring: RingBuffer;
  private readonly referenceRing: RingBuffer | null;
  private readonly raw: RawCapture | null;
  private readonly rawSource: MediaStreamAudioSourceNode | null = null;
  private scratch: Float32Array | null = null;
  private readonly source: MediaStreamAudioSourceNode;
  private readonly node: AudioWorkletNode;
  private readonly track: MediaStreamTrack;
  private recording = true;
  private readonly onTrackEnded = () => this.stop('track-ended');

  /** @internal Use {@link Microphone.start}. */
  constructor(
    context: AudioContext,
    stream: MediaStream,
    ring: RingBuffer,
    reference: RingBuffer | null,
    frequency: number,
    batchSamples: number,
    raw: RawCapture | null = null,
  ) {
    super();
    this.stream = stream;
    this.ring = ring;
    this.referenceRing = reference;
    this.raw = reference ? raw : null;
    this.frequency = frequency;
    this.lengthSamples = ring.capacity;
    this.transport = ring.shared ? 'shared' : 'message';
    const track = stream.getAudioTracks()[0];
    if (!track) throw new NpcVoiceError('no-microphone', 'The microphone stream has no audio track.');
    this.track = track;
    this.settings = track.getSettings();
    // Inputs, in this order: the microphone, the NPC's voice, the raw microphone, the game's output.
    const rings = reference ? (this.raw ? [ring, reference, this.raw.ring, this.raw.output] : [ring, reference]) : [ring];
    const processorOptions: CaptureProcessorOptions = {
      outRate: frequency,
      streams: rings.length,
      batchSamples,
      ...(ring.shared ? { rings: rings.map((r) => r.storage) } : {}),
    };
    this.source = context.createMediaStreamSource(stream);
    // No outputs: the node is a sink, so nothing it does can reach the speakers.
    this.node = new AudioWorkletNode(context, CAPTURE_PROCESSOR, { numberOfInputs: rings.length, numberOfOutputs: 0, processorOptions });
    if (!ring.shared) {
      this.node.port.onmessage = (event: MessageEvent<CaptureToMain>) => {
        const msg = event.data;
        if (msg.type !== 'batch') return;
        for (let i = 0; i < rings.length; i++) (rings[i] as RingBuffer).write(msg.samples[i] as Float32Array);
        this.node.port.postMessage(
          { type: 'recycle', samples: msg.samples } satisfies MainToCapture,
          msg.samples.map((a) => a.buffer),
        );
      };
    }
    this.source.connect(this.node);
    if (this.raw) {
      this.rawSource = context.createMediaStreamSource(this.raw.stream);
      this.rawSource.connect(this.node, 0, 2);
    }
    track.addEventListener('ended', this.onTrackEnded);
  }

  /** True until {@link end} is called or the track ends. */
  get isRecording(): boolean {
    return this.recording;
  }

  /** The write head inside the clip, in samples (Unity's `Microphone.GetPosition`). */
  getPosition(): number {
    return this.ring.writePosition % this.lengthSamples;
  }

  /**
   * Copies `target.length` samples starting at clip offset `offset`, wrapping at the end of the
   * clip (Unity's `AudioClip.GetData`). Returns false when `target` is longer than the clip.
   */
  getData(target: Float32Array, offset: number): boolean {
    if (target.length > this.lengthSamples || !Number.isInteger(offset)) return false;
    this.ring.peek(offset, target);
    return true;
  }

  /** New samples waiting for {@link read}. */
  available(): number {
    return this.ring.available();
  }

  /**
   * Copies the oldest unread samples into `target` (up to its length) and returns how many.
   * Audio the clip overwrote before it was read is skipped and counted in {@link lostSamples}.
   */
  read(target: Float32Array, start = 0, end = target.length): number {
    return this.ring.read(target, start, end);
  }

  /** Drops everything unread (e.g. when the game un-pauses and stale audio is not wanted). */
  skipUnread(): number {
    this.referenceRing?.skip();
    this.raw?.ring.skip();
    this.raw?.output.skip();
    return this.ring.skip();
  }

  /** True when the clip records an echo reference ({@link MicrophoneStartOptions.reference}). */
  get hasReference(): boolean {
    return this.referenceRing !== null;
  }

  /** Feeds `node` (the game's voices) into the echo reference. */
  connectReference(node: AudioNode): void {
    if (this.referenceRing && this.recording) node.connect(this.node, 0, 1);
  }

  /** Stops feeding `node` into the echo reference. */
  disconnectReference(node: AudioNode): void {
    try {
      node.disconnect(this.node);
    } catch {
      // was not connected
    }
  }

  /** True when the clip records the microphone before the browser's processing and the game's output ({@link MicrophoneStartOptions.raw}). */
  get hasRaw(): boolean {
    return this.raw !== null;
  }

  /** Feeds `node` (the game's whole output, music included) into the output recorded beside the raw microphone. */
  connectOutput(node: AudioNode): void {
    if (this.raw && this.recording) node.connect(this.node, 0, 3);
  }

  /**
   * Reads the next `mic.length` samples of the microphone and of the echo reference, captured over
   * the same frames — and, with {@link hasRaw}, of the raw microphone and the game's output into
   * `raw` and `output` (skipped when those are not given). Returns false (reading nothing) until
   * all have that much.
   */
  readPair(mic: Float32Array, reference: Float32Array, raw?: Float32Array, output?: Float32Array): boolean {
    const n = mic.length;
    const ref = this.referenceRing;
    const extra = this.raw;
    if (!ref || this.ring.available() < n || ref.available() < n) return false;
    if (extra && (extra.ring.available() < n || extra.output.available() < n)) return false;
    this.ring.read(mic);
    ref.read(reference, 0, n);
    if (extra) {
      if (!raw || !output) this.scratch ??= new Float32Array(n);
      extra.ring.read(raw ?? (this.scratch as Float32Array), 0, n);
      extra.output.read(output ?? (this.scratch as Float32Array), 0, n);
    }
    return true;
  }

  /** Samples lost because the clip was not read in time. */
  get lostSamples(): number {
    return this.ring.lostSamples;
  }

  /** Total samples written since start (modulo 2^31). */
  get totalSamples(): number {
    return this.ring.writePosition;
  }

  /** Stops recording and releases the microphone, the audio nodes and the worklet. Idempotent. */
  end(): void {
    this.stop('stopped');
  }

  /** Same as {@link end}: everything that owns resources here has `destroy()`. */
  destroy(): void {
    this.stop('stopped');
    this.removeAllListeners();
  }

  private stop(reason: MicrophoneClipEvents['ended']['reason']): void {
    if (!this.recording) return;
    this.recording = false;
    this.track.removeEventListener('ended', this.onTrackEnded);
    for (const t of [...this.stream.getTracks(), ...(this.raw?.stream.getTracks() ?? [])]) t.stop();
    this.source.disconnect();
    this.rawSource?.disconnect();
    this.node.port.postMessage({ type: 'stop' } satisfies MainToCapture);
    this.node.port.onmessage = null;
    this.node.port.close();
    this.emit('ended', { reason });
  }
}

/** The microphone before the browser's processing, and the game's output beside it. */
interface RawCapture {
  readonly stream: MediaStream;
  readonly ring: RingBuffer;
  readonly output: RingBuffer;
}

function resolveTransport(transport: AudioTransport): boolean {
  const canShare = typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated === true;
  if (transport === 'shared' && !canShare) {
    throw new NpcVoiceError(
      'invalid-argument',
      "transport 'shared' needs a cross-origin isolated page (COOP same-origin + COEP require-corp).",
    );
  }
  return transport === 'shared' || (transport === 'auto' && canShare);
}
