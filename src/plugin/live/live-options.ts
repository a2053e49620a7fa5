import { NpcVoiceError } from '../errors.js';

/**
 * Live session options the service takes that firebase/ai 12.19 has no type for; the plugin puts
 * them in the session's `setup` as the Live API names them. Which model takes which option is the
 * service's call: a model that does not take one refuses the session with a typed
 * `invalid-request` error (the emulator refuses the same way, per model).
 *
 * @example
 * ```ts
 * this.npcVoice.configure({
 *   backend: 'googleAI',
 *   firebaseConfig,
 *   liveOptions: { thinking: { level: 'minimal' }, contextWindowCompression: { triggerTokens: 25_600, targetTokens: 12_800 } },
 * });
 * ```
 */
export interface LiveOptions {
  /**
   * Thinking: `level` on Gemini 3.x Live models (default there `minimal`), `budget` in tokens on
   * 2.5 models (0 turns it off, −1 lets the model decide). Never both.
   */
  thinking?: { level?: 'minimal' | 'low' | 'medium' | 'high'; budget?: number; includeThoughts?: boolean };
  /**
   * Sliding-window compression of the session's context, so an audio session can run past the
   * service's 15-minute limit. `targetTokens` must be below `triggerTokens`.
   */
  contextWindowCompression?: { triggerTokens?: number; targetTokens?: number };
  /** The NPC adapts its tone to the player's (2.5 native-audio models only). */
  affectiveDialog?: boolean;
  /** The model may stay silent when the player is not talking to it (2.5 native-audio models only). */
  proactiveAudio?: boolean;
  /** Detail of the game frames the NPC sees (`sight`): the service's `mediaResolution`. */
  mediaResolution?: 'low' | 'medium' | 'high';
}

const LEVELS = ['minimal', 'low', 'medium', 'high'] as const;
const RESOLUTIONS = ['low', 'medium', 'high'] as const;
const KEYS = new Set(['thinking', 'contextWindowCompression', 'affectiveDialog', 'proactiveAudio', 'mediaResolution']);

/**
 * Checks the options' shape (not what a model takes: the service decides that).
 * @throws {@link NpcVoiceError} `invalid-argument` naming the option and what it takes.
 */
export function validateLiveOptions(options: LiveOptions): void {
  const bad = (what: string) => new NpcVoiceError('invalid-argument', `liveOptions.${what}`);
  if (typeof options !== 'object' || options === null) throw bad('must be an object.');
  for (const key of Object.keys(options)) if (!KEYS.has(key)) throw bad(`${key} is not a Live option (${[...KEYS].join(', ')}).`);
  const { thinking, contextWindowCompression: cwc } = options;
  if (thinking !== undefined) {
    if (thinking.level !== undefined && !LEVELS.includes(thinking.level)) throw bad(`thinking.level must be one of ${LEVELS.join(', ')}.`);
    if (thinking.budget !== undefined && !(Number.isInteger(thinking.budget) && thinking.budget >= -1)) {
      throw bad('thinking.budget must be a whole number of tokens, 0 (off) or -1 (dynamic).');
    }
    if (thinking.level !== undefined && thinking.budget !== undefined) {
      throw bad('thinking takes a level (Gemini 3.x) or a budget (2.5), not both.');
    }
  }
  if (cwc !== undefined) {
    for (const k of ['triggerTokens', 'targetTokens'] as const) {
      const v = cwc[k];
      if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw bad(`contextWindowCompression.${k} must be a positive whole number.`);
    }
    if (cwc.triggerTokens !== undefined && cwc.targetTokens !== undefined && cwc.targetTokens >= cwc.triggerTokens) {
      throw bad('contextWindowCompression.targetTokens must be below triggerTokens.');
    }
  }
  for (const k of ['affectiveDialog', 'proactiveAudio'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'boolean') throw bad(`${k} must be true or false.`);
  }
  if (options.mediaResolution !== undefined && !RESOLUTIONS.includes(options.mediaResolution)) {
    throw bad(`mediaResolution must be one of ${RESOLUTIONS.join(', ')}.`);
  }
}

/** Writes the options into a `setup` message as the Live API names them (int64 counts as strings). */
export function applyLiveOptions(setup: Record<string, unknown>, options: LiveOptions): void {
  const generation = (setup.generationConfig ?? {}) as Record<string, unknown>;
  const { thinking, contextWindowCompression: cwc } = options;
  if (thinking) {
    generation.thinkingConfig = {
      ...(thinking.level ? { thinkingLevel: thinking.level.toUpperCase() } : {}),
      ...(thinking.budget !== undefined ? { thinkingBudget: thinking.budget } : {}),
      ...(thinking.includeThoughts !== undefined ? { includeThoughts: thinking.includeThoughts } : {}),
    };
  }
  if (options.affectiveDialog !== undefined) generation.enableAffectiveDialog = options.affectiveDialog;
  if (options.mediaResolution) generation.mediaResolution = `MEDIA_RESOLUTION_${options.mediaResolution.toUpperCase()}`;
  setup.generationConfig = generation;
  if (options.proactiveAudio !== undefined) setup.proactivity = { proactiveAudio: options.proactiveAudio };
  if (cwc) {
    setup.contextWindowCompression = {
      ...(cwc.triggerTokens !== undefined ? { triggerTokens: String(cwc.triggerTokens) } : {}),
      slidingWindow: cwc.targetTokens !== undefined ? { targetTokens: String(cwc.targetTokens) } : {},
    };
  }
}
