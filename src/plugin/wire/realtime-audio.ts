/** The Live API's input audio rate: 16 kHz mono s16le. */
export const INPUT_AUDIO_RATE = 16000;

const PREFIX = `{"realtimeInput":{"audio":{"mimeType":"audio/pcm;rate=${INPUT_AUDIO_RATE}","data":"`;
const SUFFIX = '"}}}';

/**
 * The client message that carries one chunk of microphone audio, as JSON text: the same bytes
 * `LiveSession.sendAudioRealtime` sends, built with one concatenation instead of an object, a
 * `JSON.stringify` and a promise per chunk (base64 needs no escaping).
 *
 * @example
 * ```ts
 * socket.send(realtimeAudioMessage(floatToPcm16Base64(chunk)));
 * ```
 */
export function realtimeAudioMessage(base64Pcm: string): string {
  return PREFIX + base64Pcm + SUFFIX;
}
