import type { NpcDefinition } from '../../src/plugin/dialogue/npc.ts';
import { formatCharacterSheet } from '../../src/plugin/wire/character-sheet.ts';

/**
 * The gate guard every test talks to (the demo has its own, in src/demo-game/characters.ts). The
 * emulator's brain says the greeting first, then the lines in order.
 */
export const GUARD = {
  id: 'guard',
  name: 'Edda',
  persona: 'You are Edda, the stern gate guard of Oakvale.',
  voice: 'Kore',
  greeting: 'Halt! Who goes there?',
  lines: ['The gate stays shut after dark.', 'State your business, traveller.', 'Keep your hands where I can see them.'],
} as const;

/**
 * The guard as the plugin's NPC definition, with its two actions (`open_gate`; `ring_bell`, which
 * needs a whole number of times). `overrides` replaces whole fields, e.g. actions a test counts.
 */
export function guardNpc(overrides: Partial<NpcDefinition> = {}): NpcDefinition {
  return {
    id: GUARD.id,
    name: GUARD.name,
    persona: GUARD.persona,
    voice: GUARD.voice,
    greeting: GUARD.greeting,
    sampleLines: [...GUARD.lines],
    actions: {
      open_gate: { description: 'Opens the village gate for the player.', handler: () => ({ message: 'The gate swings open.' }) },
      ring_bell: {
        description: 'Rings the alarm bell a number of times.',
        parameters: { type: 'object', properties: { times: { type: 'integer', minimum: 1 } }, required: ['times'] },
        handler: () => ({ message: 'Ding.' }),
      },
    },
    ...overrides,
  };
}

/** The guard's character sheet as the plugin writes it (the emulator tests send it as the system instruction). */
export const GUARD_INSTRUCTION = formatCharacterSheet({
  name: GUARD.name,
  persona: GUARD.persona,
  greeting: GUARD.greeting,
  sampleLines: [...GUARD.lines],
  knowledge: ['The bell rings at dawn.'],
  actions: [{ name: 'open_gate', description: 'Opens the village gate for the player.' }],
  rules: ['Stay in character.'],
});

export const GUARD_FUNCTIONS = [
  {
    name: 'open_gate',
    description: 'Opens the village gate for the player.',
    parameters: { type: 'object', properties: { reason: { type: 'string', description: 'Why the player wants in.' } } },
  },
  {
    name: 'ring_bell',
    description: 'Rings the alarm bell a number of times.',
    parameters: { type: 'object', properties: { times: { type: 'integer' } }, required: ['times'] },
  },
];

/** RMS of 16-bit base64 PCM. */
export function pcmRms(base64: string): number {
  const bytes = Buffer.from(base64, 'base64');
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes.readInt16LE(i) / 32768) ** 2;
  return Math.sqrt(sum / Math.max(1, bytes.length / 2));
}
