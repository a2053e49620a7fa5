import type { AudioTransport } from '../capture/microphone.js';

/** Options of {@link StreamingVoiceSource.create}. */
export interface StreamingVoiceSourceOptions {
  /**
   * Rate of the samples given to {@link StreamingVoiceSource.enqueue} (the Live API speaks 24 kHz).
   * @defaultValue 24000
   */
  inputRate?: number;
  /**
   * Audio to hold before an utterance starts playing, so network jitter does not starve it.
   * An utterance shorter than this starts as soon as {@link StreamingVoiceSource.end} is called.
   * @defaultValue 100
   */
  prebufferMs?: number;
  /**
   * Ring size on the audio thread. Speech that arrives faster than it plays and does not fit
   * waits on the main thread, so this bounds memory, not the length of a reply.
   * @defaultValue 10
   */
  capacitySec?: number;
  /**
   * Fade applied by {@link StreamingVoiceSource.clear} (capped at one render quantum).
   * @defaultValue 3
   */
  fadeMs?: number;
  /**
   * Time constant of {@link StreamingVoiceSource.level}.
   * @defaultValue 40
   */
  levelTimeConstantMs?: number;
  /** @defaultValue 'auto' */
  transport?: AudioTransport;
}

/** Events of a {@link StreamingVoiceSource}, delivered when {@link StreamingVoiceSource.update} runs. */
export interface StreamingVoiceSourceEvents {
  /** An utterance closed by `end()` finished playing. */
  drained: { readonly playedFrames: number };
  /** Playback starved mid-utterance and played silence. */
  underrun: { readonly underruns: number };
}

/** Event names of a {@link StreamingVoiceSource}. */
export const StreamingVoiceSourceEvent = {
  Drained: 'drained',
  Underrun: 'underrun',
} as const satisfies Record<string, keyof StreamingVoiceSourceEvents>;

/** What the source is doing. */
export type VoicePlaybackState = 'idle' | 'buffering' | 'playing';
