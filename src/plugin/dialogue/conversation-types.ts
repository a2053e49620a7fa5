import type { FunctionResponse } from 'firebase/ai';
import type { NpcVoiceError } from '../errors.js';
import type { Subscription } from '../events.js';
import type { LiveConnectionEvents, LiveConnectionState } from '../live/live-connection-events.js';
import type { ActionOutcome } from './actions.js';
import type { ConversationState } from './conversation-state.js';
import type { NpcDefinition } from './npc.js';

/** Turn taking: the service hears silence (open mic), or the player holds a key (push-to-talk). */
export type ConversationMode = 'open-mic' | 'push-to-talk';

/** One line of the conversation. */
export interface TranscriptEntry {
  speaker: 'player' | 'npc';
  text: string;
  /** Date.now() when the line was complete. */
  at: number;
}

/** Events of a {@link Conversation}. */
export interface ConversationEvents {
  state: { state: ConversationState; previous: ConversationState };
  /** Who said what; `final` once the line is complete (partial lines update as they come). */
  transcript: { speaker: 'player' | 'npc'; text: string; final: boolean };
  /** The NPC's words so far, revealed in step with its voice. */
  subtitle: { text: string; final: boolean };
  /** An NPC action ran (or was refused). */
  action: ActionOutcome;
  error: { error: NpcVoiceError };
}

/** Event names of a {@link Conversation}, for games that prefer constants to strings. */
export const ConversationEvent = {
  State: 'state',
  Transcript: 'transcript',
  Subtitle: 'subtitle',
  Action: 'action',
  Error: 'error',
} as const satisfies Record<string, keyof ConversationEvents>;

/** The part of a {@link StreamingVoiceSource} a conversation drives. */
export interface VoiceOutput {
  enqueue(samples: Float32Array): void;
  end(): void;
  clear(): void;
  update(): void;
  readonly writtenFrames: number;
  readonly consumedFrames: number;
  readonly bufferedMs: number;
  readonly state: 'idle' | 'buffering' | 'playing';
}

/** A 20 ms chunk of 16 kHz microphone audio, with whether the player's voice is in it (a `MicChunk`). */
export interface SpokenChunk {
  readonly samples: Float32Array;
  readonly voiced: boolean;
}

/** The part of a {@link LiveConnection} a conversation drives. */
export interface LiveLink {
  readonly state: LiveConnectionState;
  readonly resumptionHandle: string | null;
  on<K extends keyof LiveConnectionEvents>(event: K, handler: (payload: LiveConnectionEvents[K]) => void): Subscription;
  connect(): Promise<void>;
  sendAudio(audio: SpokenChunk): void;
  sendText(text: string): void;
  sendToolResponses(responses: FunctionResponse[]): void;
  activityStart(): void;
  activityEnd(): void;
  audioStreamEnd(): void;
  close(): Promise<void>;
}

/** Options of {@link Conversation}. */
export interface ConversationOptions {
  npc: NpcDefinition;
  live: LiveLink;
  voice: VoiceOutput;
  /** @defaultValue 'open-mic' */
  mode?: ConversationMode;
  /** Greet the player when the conversation starts. @defaultValue true */
  greet?: boolean;
  /** Earlier lines with this NPC (from memory), shown as history. */
  history?: TranscriptEntry[];
  /** Clock for tests. @defaultValue performance.now */
  now?: () => number;
}
