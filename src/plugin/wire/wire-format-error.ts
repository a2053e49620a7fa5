import { NpcVoiceError, type NpcVoiceErrorCode } from '../errors.js';

/**
 * Raised by the wire codecs for data that is not what the Live API's formats allow. It is an
 * {@link NpcVoiceError}, so games catch one type; the emulator closes a session with 1007 on it.
 */
export class WireFormatError extends NpcVoiceError {
  constructor(code: Extract<NpcVoiceErrorCode, 'invalid-base64' | 'odd-byte-count' | 'invalid-argument'>, message: string) {
    super(code, message);
  }
}
