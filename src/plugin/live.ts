// `phaser-npc-voice/live`: the Live layer and a conversation without Phaser. No Web Audio either:
// it runs in browsers and in Node (20 with the `ws` package, 22+ as is).

export type { ActionContext, ActionOutcome, ActionParameters, JsonSchema, NpcAction } from './dialogue/actions.js';
export {
  Conversation,
  ConversationEvent,
  type ConversationEvents,
  type ConversationMode,
  type ConversationOptions,
  type ConversationState,
  type LiveLink,
  type SpokenChunk,
  sessionParamsFor,
  type TranscriptEntry,
  type VoiceOutput,
} from './dialogue/conversation.js';
export type { NpcDefinition } from './dialogue/npc.js';
export { SilentVoice } from './dialogue/silent-voice.js';
export { NpcVoiceError, type NpcVoiceErrorCode } from './errors.js';
export type { Subscription, TypedEmitter } from './events.js';
export {
  LiveConnection,
  LiveConnectionEvent,
  type LiveConnectionEvents,
  type LiveConnectionOptions,
  type LiveConnectionState,
  type OutgoingAudio,
} from './live/live-connection.js';
export { LiveError } from './live/live-errors.js';
export {
  createLiveModel,
  DEFAULT_MODELS,
  type LiveBackend,
  type LiveModel,
  type LiveModelOptions,
  type LiveSessionParams,
  type OpenedSession,
} from './live/live-model.js';
export type { LiveOptions } from './live/live-options.js';
export type { LiveSocket, WebSocketConstructor, WebSocketHandler, WebSocketLike } from './live/socket.js';
export { DEFAULT_VOICE, PREBUILT_VOICES, type PrebuiltVoice } from './wire/voices.js';
