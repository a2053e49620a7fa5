// The main entry of phaser-npc-voice: what a Phaser game uses. The audio primitives are in
// `phaser-npc-voice/audio` (./audio.ts) and the Live layer in `phaser-npc-voice/live` (./live.ts).

// Settings the config names
export type { EchoEstimate, EchoEstimatorOptions, EchoGuardOptions, EchoMode, EchoState, RawTrackStatus } from './audio/echo/echo-guard.js';
export type { DuckingOptions } from './audio/mix/ducker.js';
export type { HowlerLike } from './audio/mix/game-mixer.js';
export type { SpatialOptions } from './audio/mix/spatial.js';
// Characters and actions
export type { ActionContext, ActionOutcome, ActionParameters, JsonSchema, NpcAction } from './dialogue/actions.js';
// The conversation `talkTo` returns, and the memory of past ones
export {
  type Conversation,
  ConversationEvent,
  type ConversationEvents,
  type ConversationMode,
  type ConversationState,
  type TranscriptEntry,
} from './dialogue/conversation.js';
export type { LipSyncOptions } from './dialogue/lip-sync.js';
export type { ConversationMemory, NpcMemory } from './dialogue/memory.js';
export type { NpcDefinition } from './dialogue/npc.js';
// Errors and subscriptions
export { NpcVoiceError, type NpcVoiceErrorCode } from './errors.js';
export type { Subscription, TypedEmitter } from './events.js';
// The plugin, its settings and NPCs
export type { EchoStatus, VoiceStats } from './game/active-conversation.js';
export type { MouthDriver, NpcHandle, Placed } from './game/npc-handle.js';
export { NpcVoiceEvent, type NpcVoiceEvents } from './game/npc-voice-events.js';
export type { MicrophoneChoice, NpcVoiceConfig, SightOptions } from './game/settings.js';
export type { LiveConnectionState } from './live/live-connection.js';
export type { LiveBackend } from './live/live-model.js';
export type { LiveOptions } from './live/live-options.js';
export { NpcVoicePlugin } from './npc-voice-plugin.js';
export { PREBUILT_VOICES, type PrebuiltVoice } from './wire/voices.js';
