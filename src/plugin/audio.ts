// `phaser-npc-voice/audio`: the Unity-style Web Audio primitives, usable without the plugin and
// without Phaser — a circular microphone clip, a streaming voice, their resampler, ring and codec,
// and the two mixer stages a game wires around its own voices (a spatial voice bus, music ducking).

export { AudioChunker, type SampleSource } from './audio/capture/chunker.js';
export {
  type AudioTransport,
  Microphone,
  MicrophoneClip,
  MicrophoneClipEvent,
  type MicrophoneClipEvents,
  type MicrophoneDevice,
  type MicrophoneStartOptions,
} from './audio/capture/microphone.js';
export { Resampler, type ResamplerOptions } from './audio/dsp/resampler.js';
export { Ducker, type DuckingOptions } from './audio/mix/ducker.js';
export type { SpatialOptions } from './audio/mix/spatial.js';
export { VoiceBus, type VoiceBusOptions } from './audio/mix/voice-bus.js';
export {
  StreamingVoiceSource,
  StreamingVoiceSourceEvent,
  type StreamingVoiceSourceEvents,
  type StreamingVoiceSourceOptions,
  type VoicePlaybackState,
} from './audio/playback/streaming-voice-source.js';
export { RingBuffer, type RingBufferStorage } from './audio/worklets/ring-buffer.js';
export { NpcVoiceError, type NpcVoiceErrorCode } from './errors.js';
export type { Subscription, TypedEmitter } from './events.js';
export { floatToPcm16Base64, pcm16Base64MaxSamples, pcm16Base64ToFloat } from './wire/pcm.js';
