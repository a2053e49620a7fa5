/** Where Firebase AI Logic serves the Live API; the relay connects nowhere else. */
export const FIREBASE_AI_ORIGIN = 'wss://firebasevertexai.googleapis.com';

/** firebase/ai's two Live paths: the Gemini Developer API, and Vertex AI with its location. */
const LIVE_PATH =
  /^\/ws\/google\.firebase\.vertexai\.v1beta\.(?:GenerativeService\/BidiGenerateContent|LlmBidiService\/BidiGenerateContent\/locations\/[a-z0-9-]{1,40})$/;

/** The Live path of a request URL (its query dropped), or null when it is not one. */
export function livePath(url: string | undefined): string | null {
  if (!url) return null;
  const path = url.split('?')[0] as string;
  return LIVE_PATH.test(path) ? path : null;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The upstream origin as `ws(s)://host[:port]`: Firebase AI Logic's, or — for tests and local
 * development against the emulator — a loopback origin, never any other host.
 */
export function upstreamOrigin(override: string | undefined): string {
  if (!override) return FIREBASE_AI_ORIGIN;
  const url = new URL(override);
  if (!LOOPBACK.has(url.hostname)) {
    throw new Error(`The relay's upstream is Firebase AI Logic; only a loopback host may replace it (for the emulator), not ${url.host}.`);
  }
  const protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  return `${protocol}//${url.host}`;
}
