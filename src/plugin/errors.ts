/**
 * Every error the plugin raises is an {@link NpcVoiceError}: a stable machine-readable `code`
 * plus a message a person can act on. Games switch on `code`; people read `message`.
 */

/** All error codes, grouped by the layer that raises them. */
export type NpcVoiceErrorCode =
  // wire/ (pcm.ts)
  | 'invalid-base64'
  | 'odd-byte-count'
  // ring-buffer.ts / resampler.ts
  | 'invalid-argument'
  // microphone.ts
  | 'insecure-context'
  | 'permission-denied'
  | 'no-microphone'
  | 'microphone-busy'
  | 'no-audio-worklet'
  | 'microphone-failed'
  // streaming-voice-source.ts and everything with destroy()
  | 'destroyed'
  // live/: the Live API connection
  | 'invalid-request'
  | 'invalid-api-key'
  | 'app-check'
  | 'model-not-found'
  | 'service-error'
  | 'quota-exceeded'
  | 'network'
  | 'handshake-failed'
  | 'session-closed'
  | 'invalid-response'
  | 'unsupported'
  | 'reconnect-failed'
  | 'no-emulator'
  // dialogue/
  | 'invalid-state'
  | 'action-failed';

/**
 * A typed error with a stable `code`.
 *
 * @example
 * ```ts
 * try {
 *   await Microphone.start({ audioContext });
 * } catch (err) {
 *   if (err instanceof NpcVoiceError && err.code === 'permission-denied') showTextInput();
 * }
 * ```
 */
export class NpcVoiceError extends Error {
  override readonly name = 'NpcVoiceError';
  readonly code: NpcVoiceErrorCode;

  constructor(code: NpcVoiceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
