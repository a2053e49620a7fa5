import { NpcVoiceError } from '../../errors.js';
import workletUrl from './worklet-entry.ts?worker&url';

const loaded = new WeakMap<BaseAudioContext, Promise<void>>();

/**
 * Adds the plugin's worklet module to `context` once (Tone.js's per-context cache): a game's
 * single AudioContext is shared by the microphone and every NPC voice.
 */
export function loadWorklets(context: BaseAudioContext): Promise<void> {
  const cached = loaded.get(context);
  if (cached) return cached;
  if (!context.audioWorklet) {
    return Promise.reject(
      new NpcVoiceError('no-audio-worklet', 'This browser has no AudioWorklet (or the page is not a secure context): voice needs it.'),
    );
  }
  const promise = context.audioWorklet.addModule(workletUrl).catch((cause: unknown) => {
    loaded.delete(context);
    throw new NpcVoiceError('no-audio-worklet', `Could not load the audio worklet module: ${String(cause)}`, { cause });
  });
  loaded.set(context, promise);
  return promise;
}
