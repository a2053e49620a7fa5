// The public API of phaser-npc-voice: everything a game imports comes from here.
export { AudioChunker, type SampleSource } from './audio/chunker.js';
export {
  type AudioTransport,
  Microphone,
  MicrophoneClip,
  type MicrophoneClipEvents,
  type MicrophoneDevice,
  type MicrophoneStartOptions,
} from './audio/microphone.js';
export { floatToPcm16Base64, pcm16Base64MaxSamples, pcm16Base64ToFloat } from './audio/pcm.js';
export { Resampler, type ResamplerOptions } from './audio/resampler.js';
export { RingBuffer, type RingBufferStorage } from './audio/ring-buffer.js';
export {
  StreamingVoiceSource,
  type StreamingVoiceSourceEvents,
  type StreamingVoiceSourceOptions,
  type VoicePlaybackState,
} from './audio/streaming-voice-source.js';
export { NpcVoiceError, type NpcVoiceErrorCode } from './errors.js';
export { type Subscription, TypedEmitter } from './events.js';
