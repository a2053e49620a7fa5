import type { LiveSessionParams } from '../live/live-model.js';
import type { LiveOptions } from '../live/live-options.js';
import { ActionRunner } from './actions.js';
import type { ConversationMode } from './conversation-types.js';
import { buildSystemInstruction, type NpcDefinition, validateNpc } from './npc.js';

/** What the plugin sends to make the NPC speak first (not shown as a player line). */
export const GREETING_CUE = '(The player walks up to you. Greet them in character, briefly.)';

/**
 * The Live session settings for an NPC in a mode: its instruction, voice, language and actions,
 * push-to-talk as manual activity detection, barge-in on or off, and the Live options (the NPC's
 * own over the plugin's, key by key).
 */
export function sessionParamsFor(
  npc: NpcDefinition,
  options: { mode?: ConversationMode; bargeIn?: boolean; liveOptions?: LiveOptions } = {},
): LiveSessionParams {
  const voiceName = validateNpc(npc);
  const runner = new ActionRunner(npc.id, npc.actions ?? {});
  const manual = options.mode === 'push-to-talk';
  const noBargeIn = options.bargeIn === false;
  const liveOptions = { ...options.liveOptions, ...npc.liveOptions };
  return {
    systemInstruction: buildSystemInstruction(npc),
    functionDeclarations: runner.declarations(),
    voiceName,
    ...(npc.language ? { languageCode: npc.language } : {}),
    transcription: true,
    ...(Object.keys(liveOptions).length ? { liveOptions } : {}),
    ...(manual || noBargeIn
      ? {
          realtimeInputConfig: {
            ...(manual ? { automaticActivityDetection: { disabled: true } } : {}),
            ...(noBargeIn ? { activityHandling: 'NO_INTERRUPTION' } : {}),
          },
        }
      : {}),
  };
}
