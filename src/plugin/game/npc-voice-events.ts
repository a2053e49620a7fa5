import type { EchoEstimate, EchoState } from '../audio/echo/echo-guard.js';
import type { ActionOutcome } from '../dialogue/actions.js';
import type { ConversationState } from '../dialogue/conversation.js';
import { NpcVoiceError } from '../errors.js';
import { TypedEmitter } from '../events.js';
import type { LiveConnectionState } from '../live/live-connection.js';
import type { NpcHandle } from './npc-handle.js';

/** Events of the plugin; every payload names the NPC. */
export interface NpcVoiceEvents {
  state: { npc: NpcHandle; state: ConversationState; previous: ConversationState };
  transcript: { npc: NpcHandle; speaker: 'player' | 'npc'; text: string; final: boolean };
  subtitle: { npc: NpcHandle; text: string; final: boolean };
  action: { npc: NpcHandle } & ActionOutcome;
  error: { npc: NpcHandle | null; error: NpcVoiceError };
  /** How open the NPC's mouth is, when it changes. The payload object is reused every frame: copy what you keep. */
  mouth: { npc: NpcHandle; open: number };
  /** The echo estimate while an NPC speaks (about twice a second), with what the guard decided. */
  echo: { npc: NpcHandle; state: EchoState; holding: boolean; echoCancellation: boolean | null } & EchoEstimate;
  proximity: { npc: NpcHandle; type: 'approach' | 'enter' | 'leave' | 'depart' };
  connection: { npc: NpcHandle; state: LiveConnectionState };
  /** Player audio the service did not get (held too long while reconnecting, or lost as the connection failed), in milliseconds. */
  audioDropped: { npc: NpcHandle; ms: number; reason: string };
}

/** Event names, for games that prefer constants to strings. */
export const NpcVoiceEvent = {
  State: 'state',
  Transcript: 'transcript',
  Subtitle: 'subtitle',
  Action: 'action',
  Error: 'error',
  Mouth: 'mouth',
  Echo: 'echo',
  Proximity: 'proximity',
  Connection: 'connection',
  AudioDropped: 'audioDropped',
} as const satisfies Record<string, keyof NpcVoiceEvents>;

/** The plugin's emitter, with `emit` callable by the parts that make up the plugin. */
export class NpcVoiceEmitter extends TypedEmitter<NpcVoiceEvents> {
  fire<K extends keyof NpcVoiceEvents>(event: K, payload: NpcVoiceEvents[K]): void {
    this.emit(event, payload);
  }

  /** Reports any error as an {@link NpcVoiceError} (others become `service-error`). */
  report(npc: NpcHandle | null, error: unknown): void {
    this.emit('error', { npc, error: asNpcVoiceError(error) });
  }
}

function asNpcVoiceError(error: unknown): NpcVoiceError {
  return error instanceof NpcVoiceError
    ? error
    : new NpcVoiceError('service-error', error instanceof Error ? error.message : String(error), { cause: error });
}
