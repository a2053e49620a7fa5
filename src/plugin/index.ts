// The public API of phaser-npc-voice: everything a game imports comes from here.

// Audio
export { AudioChunker, type SampleSource } from './audio/capture/chunker.js';
export { MicChunk } from './audio/capture/mic-chunk.js';
export { MicUplink, type MicUplinkOptions, type PairedSource } from './audio/capture/mic-uplink.js';
export {
  type AudioTransport,
  Microphone,
  MicrophoneClip,
  type MicrophoneClipEvents,
  type MicrophoneDevice,
  type MicrophoneStartOptions,
} from './audio/capture/microphone.js';
export { VoiceActivity, type VoiceActivityOptions } from './audio/capture/voice-activity.js';
export { Resampler, type ResamplerOptions } from './audio/dsp/resampler.js';
export {
  type EchoEstimate,
  EchoEstimator,
  type EchoEstimatorOptions,
  EchoGuard,
  type EchoGuardOptions,
  type EchoMode,
  type EchoState,
} from './audio/echo/echo-guard.js';
export { Ducker, type DuckingOptions } from './audio/mix/ducker.js';
export { acquireMixer, type GameMixer, type HowlerLike, type SoundManagerLike } from './audio/mix/game-mixer.js';
export { type SpatialOptions, spatialize } from './audio/mix/spatial.js';
export { VoiceBus, type VoiceBusOptions } from './audio/mix/voice-bus.js';
export {
  StreamingVoiceSource,
  type StreamingVoiceSourceEvents,
  type StreamingVoiceSourceOptions,
  type VoicePlaybackState,
} from './audio/playback/streaming-voice-source.js';
export { type ControllableVoice, VoiceFloor, type VoiceFloorOptions } from './audio/playback/voice-floor.js';
export { RingBuffer, type RingBufferStorage } from './audio/worklets/ring-buffer.js';
// Characters, conversations, actions
export type { ActionContext, ActionOutcome, ActionParameters, JsonSchema, NpcAction } from './dialogue/actions.js';
export { ActionRunner } from './dialogue/actions.js';
export {
  Conversation,
  type ConversationEvents,
  type ConversationMode,
  type ConversationOptions,
  type ConversationState,
  GREETING_CUE,
  type LiveLink,
  sessionParamsFor,
  type TranscriptEntry,
  type VoiceOutput,
} from './dialogue/conversation.js';
export { CONVERSATION_STATES, canTransition } from './dialogue/conversation-state.js';
export { LipSync, type LipSyncOptions } from './dialogue/lip-sync.js';
export { ConversationMemory, type NpcMemory } from './dialogue/memory.js';
export { buildSystemInstruction, functionDeclarations, type NpcDefinition, validateNpc } from './dialogue/npc.js';
export { type Positioned, type ProximityEvent, ProximityTracker } from './dialogue/proximity.js';
export { SilentVoice } from './dialogue/silent-voice.js';
export { SubtitleTrack } from './dialogue/subtitles.js';
export { NpcVoiceError, type NpcVoiceErrorCode } from './errors.js';
export { type Subscription, TypedEmitter } from './events.js';
// The Phaser plugin
export type { EchoStatus, VoiceStats } from './game/active-conversation.js';
export { type MouthDriver, NpcHandle, type Placed } from './game/npc-handle.js';
export { NpcVoiceEvent, type NpcVoiceEvents } from './game/npc-voice-events.js';
export type { MicrophoneChoice, NpcVoiceConfig, SightOptions } from './game/settings.js';
// The Live API
export { LiveConnection, type LiveConnectionEvents, type LiveConnectionOptions, type LiveConnectionState } from './live/live-connection.js';
export { errorForClose, LiveError } from './live/live-errors.js';
export {
  createLiveModel,
  DEFAULT_MODELS,
  type LiveBackend,
  type LiveModel,
  type LiveModelOptions,
  type LiveSessionParams,
  type OpenedSession,
} from './live/live-model.js';
export { LiveSocket, type LiveSocketOptions, type WebSocketConstructor, type WebSocketHandler, type WebSocketLike } from './live/socket.js';
export { NpcVoicePlugin } from './npc-voice-plugin.js';
export { type CharacterSheet, formatCharacterSheet, parseCharacterSheet } from './wire/character-sheet.js';
export { floatToPcm16Base64, pcm16Base64MaxSamples, pcm16Base64ToFloat } from './wire/pcm.js';
export { DEFAULT_VOICE, findVoice, PREBUILT_VOICES, type PrebuiltVoice } from './wire/voices.js';
