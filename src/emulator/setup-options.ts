import { enumValue, isObject, optionalBoolean, optionalInteger, optionalObject } from './json-fields.js';
import { invalid } from './protocol-error.js';

/** The Live options of a `setup` that a model may or may not take (see models.ts). */
export interface ModelOptions {
  /** `generationConfig.enableAffectiveDialog`. */
  affectiveDialog: boolean;
  /** `proactivity.proactiveAudio`. */
  proactiveAudio: boolean;
  /** Names of functions declared with `behavior: NON_BLOCKING` (asynchronous calls). */
  nonBlockingFunctions: string[];
  /** `generationConfig.thinkingConfig`, or null when the setup has none. */
  thinking: { level: ThinkingLevel | null; budget: number | null; includeThoughts: boolean } | null;
  /** `generationConfig.mediaResolution`, or null. */
  mediaResolution: MediaResolution | null;
  /** `contextWindowCompression` (sliding window), or null. */
  compression: { triggerTokens: number | null; targetTokens: number | null } | null;
}

export type ThinkingLevel = 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';
export type MediaResolution = 'MEDIA_RESOLUTION_LOW' | 'MEDIA_RESOLUTION_MEDIUM' | 'MEDIA_RESOLUTION_HIGH';

const LEVELS: readonly (ThinkingLevel | 'THINKING_LEVEL_UNSPECIFIED')[] = [
  'THINKING_LEVEL_UNSPECIFIED',
  'MINIMAL',
  'LOW',
  'MEDIUM',
  'HIGH',
];
const RESOLUTIONS: readonly (MediaResolution | 'MEDIA_RESOLUTION_UNSPECIFIED')[] = [
  'MEDIA_RESOLUTION_UNSPECIFIED',
  'MEDIA_RESOLUTION_LOW',
  'MEDIA_RESOLUTION_MEDIUM',
  'MEDIA_RESOLUTION_HIGH',
];
/** int64 token counts: the JSON carries strings (numbers accepted too). */
const MAX_TOKENS = 2 ** 31 - 1;

/** Reads the options from a setup's body and its `generationConfig`; malformed values are a 1007. */
export function parseModelOptions(body: Record<string, unknown>, gen: Record<string, unknown>): ModelOptions {
  return {
    affectiveDialog: optionalBoolean(gen.enableAffectiveDialog, 'generationConfig.enableAffectiveDialog') ?? false,
    proactiveAudio:
      optionalBoolean(optionalObject(body.proactivity, 'setup.proactivity').proactiveAudio, 'proactivity.proactiveAudio') ?? false,
    nonBlockingFunctions: nonBlocking(body.tools),
    thinking: parseThinking(gen.thinkingConfig),
    mediaResolution: resolution(gen.mediaResolution),
    compression: parseCompression(body.contextWindowCompression),
  };
}

function parseThinking(value: unknown): ModelOptions['thinking'] {
  if (value === undefined || value === null) return null;
  const t = optionalObject(value, 'generationConfig.thinkingConfig');
  // The REST examples write levels in lower case, the SDKs in upper case: the service takes both.
  const rawLevel = typeof t.thinkingLevel === 'string' ? t.thinkingLevel.toUpperCase() : t.thinkingLevel;
  const level = enumValue(rawLevel, LEVELS, 'THINKING_LEVEL_UNSPECIFIED', 'thinkingConfig.thinkingLevel');
  return {
    level: level === 'THINKING_LEVEL_UNSPECIFIED' ? null : level,
    budget: optionalInteger(t.thinkingBudget, 'thinkingConfig.thinkingBudget', -1, MAX_TOKENS) ?? null,
    includeThoughts: optionalBoolean(t.includeThoughts, 'thinkingConfig.includeThoughts') ?? false,
  };
}

function resolution(value: unknown): MediaResolution | null {
  const r = enumValue(value, RESOLUTIONS, 'MEDIA_RESOLUTION_UNSPECIFIED', 'generationConfig.mediaResolution');
  return r === 'MEDIA_RESOLUTION_UNSPECIFIED' ? null : r;
}

function parseCompression(value: unknown): ModelOptions['compression'] {
  if (value === undefined || value === null) return null;
  const c = optionalObject(value, 'setup.contextWindowCompression');
  const window = optionalObject(c.slidingWindow, 'contextWindowCompression.slidingWindow');
  const triggerTokens = optionalInteger(c.triggerTokens, 'contextWindowCompression.triggerTokens', 0, MAX_TOKENS) ?? null;
  const targetTokens = optionalInteger(window.targetTokens, 'slidingWindow.targetTokens', 0, MAX_TOKENS) ?? null;
  if (triggerTokens !== null && targetTokens !== null && targetTokens >= triggerTokens) {
    throw invalid('slidingWindow.targetTokens must be less than contextWindowCompression.triggerTokens.');
  }
  return { triggerTokens, targetTokens };
}

/** Declared functions whose `behavior` is NON_BLOCKING. */
function nonBlocking(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  const names: string[] = [];
  for (const tool of tools) {
    const declarations = isObject(tool) && Array.isArray(tool.functionDeclarations) ? tool.functionDeclarations : [];
    for (const d of declarations) {
      if (isObject(d) && d.behavior === 'NON_BLOCKING' && typeof d.name === 'string') names.push(d.name);
    }
  }
  return names;
}
