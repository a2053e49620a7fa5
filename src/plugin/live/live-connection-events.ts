import type { FunctionCall } from 'firebase/ai';
import type { LiveError } from './live-errors.js';
import type { LiveModel, LiveSessionParams } from './live-model.js';

/** Microphone audio with whether the player's voice is in it. */
export interface OutgoingAudio {
  readonly samples: Float32Array;
  readonly voiced: boolean;
}

/** Connection states. `reconnecting` holds (or drops, with an event) what the player says meanwhile. */
export type LiveConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Events of a {@link LiveConnection}. */
export interface LiveConnectionEvents {
  /** Speech from the model: 24 kHz mono floats (every audio part of every message). */
  audio: { samples: Float32Array };
  inputTranscript: { text: string; finished: boolean };
  outputTranscript: { text: string };
  toolCall: { calls: FunctionCall[] };
  toolCallCancellation: { ids: string[] };
  interrupted: Record<string, never>;
  generationComplete: Record<string, never>;
  turnComplete: Record<string, never>;
  /** The service will close this connection soon; the connection resumes on its own. */
  goAway: { timeLeftSeconds: number };
  /** A new resumption handle (or that the session cannot be resumed right now). */
  resumable: { handle: string | null; resumable: boolean };
  stateChange: { state: LiveConnectionState; previous: LiveConnectionState };
  /**
   * Captured audio the service did not get (never lost silently): more than `holdAudioMs` held
   * while reconnecting, held audio when the connection closes for good, or audio sent just before
   * the connection failed under it (the service may not have heard it).
   */
  audioDropped: { samples: number; reason: string };
  error: { error: LiveError };
}

/** Event names of a {@link LiveConnection}. */
export const LiveConnectionEvent = {
  Audio: 'audio',
  InputTranscript: 'inputTranscript',
  OutputTranscript: 'outputTranscript',
  ToolCall: 'toolCall',
  ToolCallCancellation: 'toolCallCancellation',
  Interrupted: 'interrupted',
  GenerationComplete: 'generationComplete',
  TurnComplete: 'turnComplete',
  GoAway: 'goAway',
  Resumable: 'resumable',
  StateChange: 'stateChange',
  AudioDropped: 'audioDropped',
  Error: 'error',
} as const satisfies Record<string, keyof LiveConnectionEvents>;

/** Options of {@link LiveConnection}. */
export interface LiveConnectionOptions {
  model: LiveModel;
  /** Session settings (resumption is managed by the connection). */
  params: Omit<LiveSessionParams, 'sessionResumption'>;
  /** Resume this earlier session (a handle from {@link LiveConnection.resumptionHandle}). */
  resumeHandle?: string;
  /** @defaultValue 6 */
  maxReconnectAttempts?: number;
  /** First retry delay; doubles each attempt up to `maxReconnectDelayMs`. @defaultValue 250 */
  reconnectDelayMs?: number;
  /** @defaultValue 8000 */
  maxReconnectDelayMs?: number;
  /** Captured audio held while reconnecting, sent once the connection is back. @defaultValue 5000 */
  holdAudioMs?: number;
  /**
   * Audio sent this long before a connection fails under us (no close of ours) is reported as
   * dropped: it may have died in flight. @defaultValue 1000
   */
  unconfirmedAudioMs?: number;
}
