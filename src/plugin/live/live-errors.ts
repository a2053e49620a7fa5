import { NpcVoiceError, type NpcVoiceErrorCode } from '../errors.js';

/** An error from the Live API connection; `closeCode`/`closeReason` are the service's own words. */
export class LiveError extends NpcVoiceError {
  readonly closeCode: number | null;
  readonly closeReason: string | null;

  constructor(code: NpcVoiceErrorCode, message: string, options: { cause?: unknown; closeCode?: number; closeReason?: string } = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.closeCode = options.closeCode ?? null;
    this.closeReason = options.closeReason ?? null;
  }
}

/**
 * What a close from the service means, as an error a person can act on — or null for a normal
 * close. Codes seen from the real service: 1007 invalid argument (bad setup, bad or expired key),
 * 1008 model not found or not supported, 1011 internal error, deadline or quota. A reason naming
 * App Check (the service's "Firebase App Check token is invalid.") is an `app-check` error.
 */
export function errorForClose(code: number, reason: string): LiveError | null {
  const said = reason ? ` (the service said: "${reason}")` : '';
  const opts = { closeCode: code, closeReason: reason };
  if (code === 1000 || code === 1001) return null;
  // Whatever the code, a refused App Check token (the service's 1008, or the relay's own refusals).
  if (/app ?check/i.test(reason)) {
    return new LiveError(
      'app-check',
      'The Live API needs a valid App Check token: pass your App Check instance (`appCheck`) and your relay (`relayUrl`) to configure, ' +
        `and make sure the app is registered for App Check (a debug token in development)${said}.`,
      opts,
    );
  }
  if (code === 1007) {
    if (/api[ _-]?key|credential|permission denied/i.test(reason)) {
      return new LiveError(
        'invalid-api-key',
        `The API key was refused: check the Firebase config's apiKey and that the Gemini API is enabled${said}.`,
        opts,
      );
    }
    return new LiveError('invalid-request', `The Live API rejected a request as invalid${said}.`, opts);
  }
  if (code === 1008) {
    return new LiveError(
      'model-not-found',
      `The model was not found or does not support the Live API: check the model name and location${said}.`,
      opts,
    );
  }
  if (code === 1011 && /quota|exhausted|rate limit|resource/i.test(reason)) {
    return new LiveError('quota-exceeded', `The Live API quota is used up: try again later or raise the quota${said}.`, opts);
  }
  if (code === 1011) return new LiveError('service-error', `The Live API had an internal error${said}.`, opts);
  if (code === 1006) return new LiveError('network', 'The connection to the Live API was lost (network).', opts);
  return new LiveError('service-error', `The Live API closed the connection with code ${code}${said}.`, opts);
}

/** A 1007 on setup that is not about the key: the service refused the resumption handle. */
export function isRefusedHandle(error: LiveError): boolean {
  return error.closeCode === 1007 && error.code !== 'invalid-api-key';
}

/** Any failure as a {@link LiveError}. */
export function toLiveError(error: unknown): LiveError {
  if (error instanceof LiveError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/handshake/i.test(message)) return new LiveError('handshake-failed', `The Live API handshake failed: ${message}`, { cause: error });
  if (/closed/i.test(message)) return new LiveError('session-closed', message, { cause: error });
  return new LiveError('network', `Live API connection problem: ${message}`, { cause: error });
}
