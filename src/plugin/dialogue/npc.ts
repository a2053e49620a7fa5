import type { FunctionDeclaration } from 'firebase/ai';
import { NpcVoiceError } from '../errors.js';
import { type LiveOptions, validateLiveOptions } from '../live/live-options.js';
import { formatCharacterSheet } from '../wire/character-sheet.js';
import { findVoice, type PrebuiltVoice } from '../wire/voices.js';
import { ActionRunner, type NpcAction } from './actions.js';

/**
 * A character the player can talk to.
 *
 * @example
 * ```ts
 * const guard: NpcDefinition = {
 *   id: 'guard', name: 'Edda', voice: 'Kore',
 *   persona: 'You are Edda, the stern but fair gate guard of Oakvale.',
 *   greeting: 'Halt! Who goes there?',
 *   sampleLines: ['The gate stays shut after dark.', 'State your business, traveller.'],
 *   actions: { open_gate: { description: 'Opens the village gate.', handler: () => gate.open() } },
 * };
 * ```
 */
export interface NpcDefinition {
  /** Stable id (for memory, events and saves). */
  id: string;
  /** The name the character goes by. */
  name: string;
  /** Who they are, in the second person ("You are …"). */
  persona: string;
  /** One of the 30 prebuilt voices. @defaultValue 'Puck' */
  voice?: PrebuiltVoice | string;
  /** BCP-47 language to speak, e.g. `en-US`. */
  language?: string;
  /** What they say when a conversation starts. */
  greeting?: string;
  /** Lines that show how they talk (the emulator speaks exactly these). */
  sampleLines?: string[];
  /** Facts they know. */
  knowledge?: string[];
  /** Things they can do in the game, by function name. */
  actions?: Record<string, NpcAction<never>>;
  /** Extra rules for the model. */
  rules?: string[];
  /** Live options for this NPC's sessions, over the plugin's (e.g. affective dialog for one character). */
  liveOptions?: LiveOptions;
}

const BASE_RULES = [
  'You are a character in a video game and the player is talking to you out loud. Stay in character.',
  'Keep every reply short and spoken: one to three sentences, no lists, no stage directions, no emoji.',
  'Never say you are an AI or a language model.',
  'When the player asks for something one of your actions does and you are willing, call that action, then say what happened.',
];

/** Checks a definition and returns its voice; throws a typed error naming the problem. */
export function validateNpc(def: NpcDefinition): PrebuiltVoice {
  if (!def || typeof def.id !== 'string' || def.id.trim() === '')
    throw new NpcVoiceError('invalid-argument', 'An NPC needs a non-empty string id.');
  if (typeof def.name !== 'string' || def.name.trim() === '') throw new NpcVoiceError('invalid-argument', `NPC "${def.id}" needs a name.`);
  if (typeof def.persona !== 'string' || def.persona.trim() === '')
    throw new NpcVoiceError('invalid-argument', `NPC "${def.id}" needs a persona.`);
  if (def.liveOptions !== undefined) validateLiveOptions(def.liveOptions);
  const voice = findVoice(def.voice ?? 'Puck');
  if (!voice)
    throw new NpcVoiceError(
      'invalid-argument',
      `NPC "${def.id}": "${def.voice}" is not one of the 30 prebuilt voices (Puck, Kore, Charon, …).`,
    );
  return voice;
}

/**
 * The system instruction for an NPC, in the sectioned format (`instruction-format.ts`): a good
 * prompt for Gemini, and something the emulator can read the name and lines from.
 */
export function buildSystemInstruction(def: NpcDefinition): string {
  const rules = [...BASE_RULES, ...(def.language ? [`Always speak ${def.language}.`] : []), ...(def.rules ?? [])];
  return formatCharacterSheet({
    name: def.name,
    persona: def.persona,
    ...(def.greeting ? { greeting: def.greeting } : {}),
    sampleLines: def.sampleLines ?? [],
    knowledge: def.knowledge ?? [],
    actions: Object.entries(def.actions ?? {}).map(([name, a]) => ({ name, description: a.description })),
    rules,
  });
}

/** The NPC's actions as function declarations (validated). */
export function functionDeclarations(def: NpcDefinition): FunctionDeclaration[] {
  return new ActionRunner(def.id, def.actions ?? {}).declarations();
}
