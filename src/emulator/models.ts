import type { ModelOptions } from './setup-options.js';

/** Live models the emulator answers for (ids as both Firebase backends and genai name them). */
export const LIVE_MODELS: readonly string[] = [
  'gemini-3.1-flash-live-preview',
  'gemini-2.5-flash-native-audio-preview-12-2025',
  'gemini-2.5-flash-native-audio-preview-09-2025',
  'gemini-2.5-flash-native-audio-latest',
  'gemini-live-2.5-flash-native-audio',
  'gemini-live-2.5-flash-preview-native-audio-09-2025',
  'gemini-live-2.5-flash-preview',
  'gemini-2.0-flash-live-001',
  'gemini-2.0-flash-live-preview-04-09',
  'gemini-2.5-flash-live-preview',
];

/** The message the real service gives for a model it does not serve (shortened to fit a close frame). */
export function modelNotFound(model: string): string {
  return `${model} is not found or not supported for bidiGenerateContent.`;
}

/**
 * Live options a model does not take, and combinations no model takes, as Google documents them:
 * - `gemini-3.1-flash-live-preview` ("Migrating from Gemini 2.5 Flash Live", ai.google.dev, March
 *   2026): no asynchronous (NON_BLOCKING) function calls, affective dialog or proactive audio yet;
 *   it thinks by `thinkingLevel`.
 * - Gemini 2.5 models think by `thinkingBudget` (0 off, −1 dynamic, at most 24,576 on Flash) and do
 *   not take `thinkingLevel`; Gemini 2.0 models do not think; no request may set both.
 * Returns the refusal (a 1007 reason), or null when the setup is fine for the model.
 */
export function unsupportedOption(modelId: string, setup: ModelOptions): string | null {
  const gemini3 = /^gemini-3/.test(modelId);
  const gemini20 = /^gemini-2\.0/.test(modelId);
  if (gemini3) {
    if (setup.affectiveDialog) return `Affective dialog is not supported by ${modelId}.`;
    if (setup.proactiveAudio) return `Proactive audio is not supported by ${modelId}.`;
    const [name] = setup.nonBlockingFunctions;
    if (name) return `Asynchronous (NON_BLOCKING) function calling is not supported by ${modelId} (function ${name}).`;
  }
  const thinking = setup.thinking;
  if (thinking) {
    if (thinking.level !== null && thinking.budget !== null) return 'thinking_level and thinking_budget cannot both be set.';
    if (gemini20 && (thinking.level !== null || (thinking.budget ?? 0) !== 0)) return `Thinking is not supported by ${modelId}.`;
    if (thinking.level !== null && !gemini3) return `thinking_level is not supported by ${modelId}: use thinking_budget.`;
    if (!gemini3 && thinking.budget !== null && thinking.budget > MAX_FLASH_BUDGET) {
      return `thinking_budget must be -1 or in 0..${MAX_FLASH_BUDGET} for ${modelId}.`;
    }
  }
  return null;
}

/** The largest thinking budget Gemini 2.5 Flash takes. */
const MAX_FLASH_BUDGET = 24_576;
