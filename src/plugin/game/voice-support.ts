import { NpcVoiceError } from '../errors.js';

/**
 * What this browser lacks that a conversation needs, or an empty list: a WebSocket always, and an
 * AudioWorklet when the game plays sound through Web Audio (a game without it gets subtitles only,
 * reported separately).
 */
export function missingVoiceFeatures(options: { webAudio: boolean }, scope: typeof globalThis = globalThis): string[] {
  const missing: string[] = [];
  if (options.webAudio && typeof scope.AudioWorkletNode !== 'function') missing.push('AudioWorklet');
  if (typeof scope.WebSocket !== 'function') missing.push('WebSocket');
  return missing;
}

/**
 * Throws `unsupported` naming what is missing, checked before a conversation starts, so a browser
 * the plugin cannot serve gets one typed error rather than a ReferenceError from inside the audio
 * graph or the socket.
 */
export function assertVoiceSupported(options: { webAudio: boolean }, scope: typeof globalThis = globalThis): void {
  const missing = missingVoiceFeatures(options, scope);
  if (missing.length === 0) return;
  throw new NpcVoiceError(
    'unsupported',
    `This browser cannot run NPC voices: it has no ${missing.join(' and no ')}. Try a current Chrome, Edge, Firefox or Safari.`,
  );
}
