import { formatCharacterSheet } from '../../src/plugin/wire/character-sheet.ts';

/** The gate guard the emulator tests talk to. */
export const GUARD = {
  name: 'Edda',
  greeting: 'Halt! Who goes there?',
  lines: ['The gate stays shut after dark.', 'State your business, traveller.', 'Keep your hands where I can see them.'],
};

export const GUARD_INSTRUCTION = formatCharacterSheet({
  name: GUARD.name,
  persona: 'You are Edda, the stern gate guard of Oakvale.',
  greeting: GUARD.greeting,
  sampleLines: GUARD.lines,
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
