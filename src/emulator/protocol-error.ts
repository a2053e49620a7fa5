/** How the emulator refuses a client message: a close code and a reason, as the service does. */

/** WebSocket close codes the real service uses. */
export const CloseCode = {
  Normal: 1000,
  InvalidArgument: 1007,
  PolicyViolation: 1008,
  TooBig: 1009,
  Internal: 1011,
} as const;

/** A reason for closing the session: becomes the WebSocket close frame. */
export class ProtocolError extends Error {
  constructor(
    readonly code: number,
    reason: string,
  ) {
    super(reason);
  }
}

/** Close reasons are limited to 123 bytes by RFC 6455. */
export function closeReason(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= 123) return text;
  return `${bytes
    .subarray(0, 120)
    .toString('utf8')
    .replace(/\uFFFD+$/, '')}...`;
}

/** A 1007 naming what is wrong with the message. */
export const invalid = (reason: string): ProtocolError => new ProtocolError(CloseCode.InvalidArgument, reason);
