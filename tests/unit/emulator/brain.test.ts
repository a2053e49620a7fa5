import { describe, expect, it } from 'vitest';
import { Brain } from '../../../src/emulator/brain.ts';
import { GUARD, GUARD_FUNCTIONS, GUARD_INSTRUCTION } from '../../support/characters.ts';

const fns = GUARD_FUNCTIONS as never;

describe('Brain', () => {
  it('reads the name from the character sheet and greets first', () => {
    const brain = new Brain(GUARD_INSTRUCTION, fns);
    expect(brain.name).toBe('Edda');
    expect(brain.nextLine()).toBe(GUARD.greeting);
  });

  it('rotates through the sample lines and never says the same line twice in a row', () => {
    const brain = new Brain(GUARD_INSTRUCTION, fns);
    const said = Array.from({ length: 10 }, () => brain.nextLine());
    expect(said.slice(1, 4)).toEqual(GUARD.lines);
    for (let i = 1; i < said.length; i++) expect(said[i]).not.toBe(said[i - 1]);
  });

  it('peekLine() tells the next line without using it up', () => {
    const brain = new Brain(GUARD_INSTRUCTION, fns);
    expect(brain.peekLine()).toBe(brain.nextLine());
    expect(brain.peekLine()).toBe(GUARD.lines[0]);
  });

  it('with a single sample line still never repeats itself back to back', () => {
    const brain = new Brain('# Character: Solo\nYou are Solo.\n\n## Sample lines\n- Only this.\n', []);
    const said = Array.from({ length: 6 }, () => brain.nextLine());
    for (let i = 1; i < said.length; i++) expect(said[i]).not.toBe(said[i - 1]);
    expect(said).toContain('Only this.');
  });

  it('without a character sheet it has no name and says neutral lines (it invents nothing)', () => {
    const brain = new Brain('Be helpful.', []);
    expect(brain.name).toBeNull();
    expect(['I am listening.', 'Go on.', 'Tell me more.']).toContain(brain.nextLine());
  });

  it('matches a request to a function by name and description', () => {
    const brain = new Brain(GUARD_INSTRUCTION, fns);
    expect(brain.planCall('Could you please open the gate for me?')).toEqual({ name: 'open_gate', args: {} });
    expect(brain.planCall('opening gates is your job')?.name).toBe('open_gate');
    expect(brain.planCall('What a lovely day.')).toBeNull();
  });

  it('fills arguments the schema allows from the text: numbers, enums, quoted strings', () => {
    const brain = new Brain('', [
      { name: 'ring_bell', description: 'Rings the bell', parameters: { type: 'object', properties: { times: { type: 'integer' } } } },
      {
        name: 'give_item',
        description: 'Gives the player an item',
        parameters: {
          type: 'object',
          properties: { item: { type: 'string', enum: ['apple', 'bread', 'sword'] }, note: { type: 'string' } },
        },
      },
    ]);
    expect(brain.planCall('ring the bell five times')).toEqual({ name: 'ring_bell', args: { times: 5 } });
    expect(brain.planCall('Can I have some bread? Write "for the road" on it')).toEqual({
      name: 'give_item',
      args: { item: 'bread', note: 'for the road' },
    });
  });

  it('speaks a function result: its message, its error, or its facts', () => {
    const brain = new Brain(GUARD_INSTRUCTION, fns);
    expect(brain.lineForResult('open_gate', { message: 'the gate creaks open' })).toBe('The gate creaks open.');
    expect(brain.lineForResult('open_gate', { error: 'the lever is stuck' })).toBe('I could not open gate: the lever is stuck');
    expect(brain.lineForResult('give_item', { item: 'bread', price: 3 })).toBe('Done: item bread, price 3.');
    expect(brain.lineForResult('open_gate', {})).toBe('Very well. Open gate — done.');
  });

  it('restores its place from a snapshot (session resumption)', () => {
    const a = new Brain(GUARD_INSTRUCTION, fns);
    a.nextLine();
    a.nextLine();
    const b = new Brain(GUARD_INSTRUCTION, fns, a.snapshot());
    expect(b.nextLine()).toBe(GUARD.lines[1]);
  });
});
