import { describe, expect, it } from 'vitest';
import { type CharacterSheet, formatCharacterSheet, parseCharacterSheet } from '../../../src/plugin/wire/character-sheet.ts';

const sheet: CharacterSheet = {
  name: 'Mira',
  persona: 'You are Mira, a cheerful merchant.\nYou love a bargain.',
  greeting: 'Welcome, welcome!',
  sampleLines: ['Fresh bread, two coins!', 'Nothing beats a good apple.'],
  knowledge: ['The mill is north of the square.'],
  actions: [{ name: 'give_item', description: 'Gives the player an item: bread or apple.' }],
  rules: ['Keep it short.'],
};

describe('character sheet format', () => {
  it('round-trips every section', () => {
    expect(parseCharacterSheet(formatCharacterSheet(sheet))).toEqual(sheet);
  });

  it('is readable markdown with stable headings', () => {
    const text = formatCharacterSheet(sheet);
    expect(text.startsWith('# Character: Mira\nYou are Mira')).toBe(true);
    expect(text).toContain('\n## Sample lines\n- Fresh bread, two coins!\n- Nothing beats a good apple.\n');
    expect(text).toContain('\n## Actions\n- give_item: Gives the player an item: bread or apple.\n');
  });

  it('keeps lines on one line and leaves out empty sections', () => {
    const text = formatCharacterSheet({ ...sheet, sampleLines: ['two\nlines'], knowledge: [], rules: [] });
    expect(text).toContain('- two lines');
    expect(text).not.toContain('## Knowledge');
  });

  it('returns null for free-form instructions', () => {
    expect(parseCharacterSheet('You are a helpful assistant.')).toBeNull();
  });

  it('tolerates other bullet marks, CRLF and unknown sections', () => {
    const parsed = parseCharacterSheet(
      'intro\r\n# Character: Bo\r\nYou are Bo.\r\n## Mood\r\nhappy\r\n## Sample lines\r\n* One.\r\n• Two.\r\n',
    );
    expect(parsed?.name).toBe('Bo');
    expect(parsed?.sampleLines).toEqual(['One.', 'Two.']);
  });
});
