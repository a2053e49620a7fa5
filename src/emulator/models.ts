/** Live models the emulator answers for (ids as both Firebase backends and genai name them). */
export const LIVE_MODELS: readonly string[] = [
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
