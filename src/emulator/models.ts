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
 * Live options a model does not take, as Google's model page for `gemini-3.1-flash-live-preview`
 * states them ("Migrating from Gemini 2.5 Flash Live", ai.google.dev, March 2026): asynchronous
 * (NON_BLOCKING) function calls, affective dialog and proactive audio are not supported yet.
 * Returns the refusal, or null when the setup is fine for the model.
 */
export function unsupportedOption(
  modelId: string,
  setup: { affectiveDialog: boolean; proactiveAudio: boolean; nonBlockingFunctions: readonly string[] },
): string | null {
  if (!modelId.startsWith('gemini-3.1-flash-live')) return null;
  if (setup.affectiveDialog) return `Affective dialog is not supported by ${modelId}.`;
  if (setup.proactiveAudio) return `Proactive audio is not supported by ${modelId}.`;
  const [name] = setup.nonBlockingFunctions;
  if (name) return `Asynchronous (NON_BLOCKING) function calling is not supported by ${modelId} (function ${name}).`;
  return null;
}
