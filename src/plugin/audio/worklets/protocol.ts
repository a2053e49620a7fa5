/**
 * What the main thread and the worklets say to each other. Shared by both sides so the two can
 * never disagree on a message name or a slot index.
 */
import type { RingBufferStorage } from './ring-buffer.js';

export const CAPTURE_PROCESSOR = 'npc-voice-capture';
export const PLAYBACK_PROCESSOR = 'npc-voice-playback';

/** `processorOptions` of the capture node. */
export interface CaptureProcessorOptions {
  /** Output rate (16 kHz for the Live API). */
  readonly outRate: number;
  /**
   * Inputs captured in lockstep: 1 (the microphone) or 2 (the microphone, and what the game plays
   * as the echo reference). Each gets its own resampler and ring.
   */
  readonly streams: number;
  /** Shared rings to write into, one per stream; absent → post batches over the port. */
  readonly rings?: RingBufferStorage[];
  /** Samples (at `outRate`) per posted batch on the message-port path. */
  readonly batchSamples: number;
}

/** A batch holds one array per stream, the same length, captured over the same frames. */
export type CaptureToMain = { readonly type: 'batch'; readonly samples: Float32Array[] } | { readonly type: 'stopped' };
export type MainToCapture = { readonly type: 'recycle'; readonly samples: Float32Array[] } | { readonly type: 'stop' };

/** `processorOptions` of the playback node. */
export interface PlaybackProcessorOptions {
  /** Ring of samples at the context rate: shared (main writes it) or the worklet's own. */
  readonly ring: RingBufferStorage;
  /** Control block (Int32 slots below + one float32 for the level); shared or the worklet's own. */
  readonly control: SharedArrayBuffer | ArrayBuffer;
  readonly shared: boolean;
  readonly prebufferFrames: number;
  readonly fadeFrames: number;
  /** Message path: post stats every this many frames while active. */
  readonly statsIntervalFrames: number;
  /** Exponential smoothing of the level (mean square) per frame. */
  readonly levelSmoothing: number;
}

/** Int32 slots of the playback control block (the last one is read as float32). */
export const Slot = {
  /** Main → worklet: bumped by each clear(). */
  ClearSeq: 0,
  /** Main → worklet: ring write position at the time of clear(); audio before it is dropped. */
  ClearPos: 1,
  /** Main → worklet: bumped by each end() (end of an utterance). */
  EndSeq: 2,
  /** Main → worklet: ring write position where the utterance ends. */
  EndPos: 3,
  /** Worklet → main: frames of queued audio played (silence excluded). */
  Played: 4,
  /** Worklet → main: times playback starved mid-utterance. */
  Underruns: 5,
  /** Worklet → main: a {@link PlaybackState}. */
  State: 6,
  /** Worklet → main: bumped each time an utterance finished playing. */
  Drained: 7,
  /** Main → worklet: set to 1 to stop processing for good. */
  Dispose: 8,
  /** Main → worklet: 1 while paused (the queue waits, silence plays), 0 to play on. */
  Paused: 9,
  /** Float32 slot: smoothed RMS of the output. */
  Level: 10,
} as const;
export const CONTROL_SLOTS = 11;

export const PlaybackState = { Idle: 0, Buffering: 1, Playing: 2 } as const;
export type PlaybackState = (typeof PlaybackState)[keyof typeof PlaybackState];

export type MainToPlayback =
  | { readonly type: 'data'; readonly samples: Float32Array }
  | { readonly type: 'clear' }
  | { readonly type: 'end' }
  | { readonly type: 'pause'; readonly paused: boolean }
  | { readonly type: 'dispose' };

export type PlaybackToMain = {
  readonly type: 'stats';
  readonly played: number;
  readonly consumed: number;
  readonly underruns: number;
  readonly state: PlaybackState;
  readonly drained: number;
  readonly level: number;
};
