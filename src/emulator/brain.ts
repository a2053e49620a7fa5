import { type CharacterSheet, parseCharacterSheet } from '../plugin/wire/character-sheet.js';
import type { FunctionDeclaration, Schema } from './protocol.js';

/** A function the brain decided to call, with the arguments it could read from the text. */
export interface PlannedCall {
  name: string;
  args: Record<string, unknown>;
}

/** What a resumed session needs to pick up where it left off. */
export interface BrainState {
  lineIndex: number;
  lastLine: string | null;
  greeted: boolean;
}

const FALLBACK_LINES = ['I am listening.', 'Go on.', 'Tell me more.'];
const STOPWORDS = new Set(
  'a an and are as at be but by can could do for from have i if in into is it me my of on or please so than that the their them then there these this to up us was we what when where which who will with would you your'.split(
    ' ',
  ),
);
const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };

/**
 * The emulator's deterministic, honest "model". It knows only what the system instruction's
 * character sheet says (name, greeting, sample lines) and the declared functions; it never claims
 * to have understood speech it cannot recognise.
 *
 * - A finished speech turn gets the character's next sample line (rotating, never the same line
 *   twice in a row); the very first reply is the greeting when there is one.
 * - A text turn is matched against the functions' names, descriptions and enum values; a match
 *   becomes a function call with the arguments the text supplies.
 * - A function result is answered with a line built from the result.
 */
export class Brain {
  readonly sheet: CharacterSheet | null;
  private readonly lines: string[];
  private readonly functions: FunctionDeclaration[];
  private state: BrainState;

  constructor(systemInstruction: string, functions: FunctionDeclaration[], state?: BrainState) {
    this.sheet = parseCharacterSheet(systemInstruction);
    const sample = this.sheet?.sampleLines ?? [];
    // A single line would repeat itself: pad with neutral ones so consecutive replies differ.
    this.lines = sample.length >= 2 ? sample : [...sample, ...FALLBACK_LINES].slice(0, Math.max(2, sample.length + 2));
    this.functions = functions;
    this.state = state ? { ...state } : { lineIndex: 0, lastLine: null, greeted: false };
  }

  /** The character's name, when the instruction has a character sheet. */
  get name(): string | null {
    return this.sheet?.name ?? null;
  }

  /** A copy of the state, for session resumption. */
  snapshot(): BrainState {
    return { ...this.state };
  }

  /** The line {@link nextLine} will return (so speech can be synthesised ahead). */
  peekLine(): string {
    return this.pick(false);
  }

  /** The reply to a speech turn (or to a text turn that asks for nothing). */
  nextLine(): string {
    return this.pick(true);
  }

  /** Chooses a function for a text turn, or null when nothing declared fits. */
  planCall(text: string): PlannedCall | null {
    const words = stems(text);
    let best: { fn: FunctionDeclaration; score: number } | null = null;
    for (const fn of this.functions) {
      const nameTokens = [...new Set(stems(fn.name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_.-]+/g, ' ')))];
      const nameHits = nameTokens.filter((t) => words.has(t)).length;
      const descHits = [...new Set(stems(fn.description ?? ''))].filter((t) => words.has(t) && !nameTokens.includes(t)).length;
      const enumHits = enumValues(fn.parameters).filter((v) => words.has(stem(v))).length;
      const score = nameHits * 3 + enumHits * 3 + descHits;
      // All of the name, or a value only this function takes, or part of the name with support.
      const plausible = nameHits === nameTokens.length || enumHits >= 1 || (nameHits >= 1 && score >= 4);
      if (plausible && (!best || score > best.score)) best = { fn, score };
    }
    return best ? { name: best.fn.name, args: fillArguments(best.fn.parameters, text, words) } : null;
  }

  /** A spoken line that reports a function's result (or its error). */
  lineForResult(name: string, response: Record<string, unknown>): string {
    const error = response.error;
    if (error !== undefined && error !== null && error !== false) {
      const detail =
        typeof error === 'string' ? error : isRecord(error) && typeof error.message === 'string' ? error.message : JSON.stringify(error);
      return `I could not ${humanize(name)}: ${detail}`;
    }
    for (const key of ['message', 'result', 'text', 'status', 'description']) {
      const value = response[key];
      if (typeof value === 'string' && value.trim()) return sentence(value);
    }
    const facts = Object.entries(response)
      .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
      .slice(0, 3)
      .map(([k, v]) => `${humanize(k)} ${String(v)}`);
    const action = humanize(name);
    return facts.length > 0 ? `Done: ${facts.join(', ')}.` : `Very well. ${action.charAt(0).toUpperCase()}${action.slice(1)} — done.`;
  }

  private pick(advance: boolean): string {
    const greeting = this.sheet?.greeting;
    if (!this.state.greeted && greeting) {
      if (advance) {
        this.state.greeted = true;
        this.state.lastLine = greeting;
      }
      return greeting;
    }
    let index = this.state.lineIndex;
    let line = this.lines[index % this.lines.length] as string;
    if (line === this.state.lastLine) line = this.lines[++index % this.lines.length] as string;
    if (advance) {
      this.state.greeted = true;
      this.state.lineIndex = index + 1;
      this.state.lastLine = line;
    }
    return line;
  }
}

function fillArguments(schema: Schema | undefined, text: string, words: Set<string>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
    const type = (prop.type ?? '').toLowerCase();
    if (prop.enum?.length) {
      const found = prop.enum.find((v) => words.has(stem(v)));
      if (found !== undefined) args[key] = found;
    } else if (type === 'integer' || type === 'number') {
      const n = firstNumber(text);
      if (n !== null) args[key] = type === 'integer' ? Math.round(n) : n;
    } else if (type === 'string') {
      const quoted = /["“]([^"”]+)["”]/.exec(text);
      if (quoted) args[key] = quoted[1];
    }
  }
  return args;
}

function enumValues(schema: Schema | undefined): string[] {
  return Object.values(schema?.properties ?? {}).flatMap((p) => p.enum ?? []);
}

function firstNumber(text: string): number | null {
  const digits = /-?\d+(?:\.\d+)?/.exec(text);
  if (digits) return Number(digits[0]);
  for (const word of text.toLowerCase().split(/[^a-z]+/)) if (word in NUMBER_WORDS) return NUMBER_WORDS[word] as number;
  return null;
}

function stems(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 1 && !STOPWORDS.has(w))
      .map(stem),
  );
}

/** A crude English stem: enough to meet "opens"/"opening"/"opened" at "open". */
function stem(word: string): string {
  const w = word.toLowerCase();
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 4 && w.endsWith('es') && /(ss|sh|ch|x)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

function humanize(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ')
    .toLowerCase()
    .trim();
}

function sentence(text: string): string {
  const t = text.trim();
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
