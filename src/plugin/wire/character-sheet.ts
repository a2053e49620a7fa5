/**
 * The sectioned system-instruction format shared by the plugin (which writes it from an
 * `NpcDefinition`) and the emulator (which reads a character's name, greeting and lines from it).
 * Real Gemini gets a clear, structured prompt; the emulator gets something it can parse without
 * pretending to understand free text. Pure string code: safe for the browser and for Node.
 *
 * ```text
 * # Character: Edda
 * You are Edda, the gate guard of Oakvale. …            ← persona (free text)
 *
 * ## Greeting
 * Halt! Who goes there?
 *
 * ## Sample lines
 * - The gate stays shut after dark.
 * - Move along, traveller.
 *
 * ## Knowledge
 * - The bell rings at dawn.
 *
 * ## Actions
 * - open_gate: Opens the village gate.
 *
 * ## Rules
 * - Stay in character. …
 * ```
 *
 * Sections are optional except the `# Character:` heading. Unknown sections are kept and ignored.
 */

/** The parts of a character the format carries. */
export interface CharacterSheet {
  name: string;
  persona: string;
  greeting?: string;
  sampleLines: string[];
  knowledge: string[];
  actions: { name: string; description: string }[];
  rules: string[];
}

export const SECTION = {
  greeting: 'Greeting',
  sampleLines: 'Sample lines',
  knowledge: 'Knowledge',
  actions: 'Actions',
  rules: 'Rules',
} as const;

const CHARACTER_HEADING = '# Character:';

/** Writes a character sheet in the sectioned format. */
export function formatCharacterSheet(sheet: CharacterSheet): string {
  const out: string[] = [`${CHARACTER_HEADING} ${oneLine(sheet.name)}`, sheet.persona.trim()];
  if (sheet.greeting?.trim()) out.push('', `## ${SECTION.greeting}`, oneLine(sheet.greeting));
  const list = (title: string, items: string[]) => {
    const kept = items.map(oneLine).filter((s) => s.length > 0);
    if (kept.length > 0) out.push('', `## ${title}`, ...kept.map((s) => `- ${s}`));
  };
  list(SECTION.sampleLines, sheet.sampleLines);
  list(SECTION.knowledge, sheet.knowledge);
  list(
    SECTION.actions,
    sheet.actions.map((a) => `${a.name}: ${a.description}`),
  );
  list(SECTION.rules, sheet.rules);
  return `${out.join('\n')}\n`;
}

/**
 * Reads a character sheet back. Returns null when the text has no `# Character:` heading (a
 * free-form instruction): the reader then knows it has no name or lines to go on.
 */
export function parseCharacterSheet(text: string): CharacterSheet | null {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const head = lines.findIndex((l) => l.trim().startsWith(CHARACTER_HEADING));
  if (head < 0) return null;
  const name = (lines[head] as string).trim().slice(CHARACTER_HEADING.length).trim();
  const sections = new Map<string, string[]>();
  const persona: string[] = [];
  let current: string[] = persona;
  for (const raw of lines.slice(head + 1)) {
    const line = raw.trim();
    const heading = /^##\s+(.+)$/.exec(line);
    if (heading) {
      current = [];
      sections.set((heading[1] as string).trim().toLowerCase(), current);
    } else if (line.length > 0) {
      current.push(line);
    }
  }
  const items = (title: string) => (sections.get(title.toLowerCase()) ?? []).map((l) => l.replace(/^[-*•]\s*/, '').trim()).filter(Boolean);
  const greeting = items(SECTION.greeting).join(' ');
  return {
    name,
    persona: persona.join('\n'),
    ...(greeting ? { greeting } : {}),
    sampleLines: items(SECTION.sampleLines),
    knowledge: items(SECTION.knowledge),
    actions: items(SECTION.actions).map((l) => {
      const colon = l.indexOf(':');
      return colon < 0 ? { name: l, description: '' } : { name: l.slice(0, colon).trim(), description: l.slice(colon + 1).trim() };
    }),
    rules: items(SECTION.rules),
  };
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
