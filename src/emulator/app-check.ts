import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The reason the service gives when the App Check token is missing or does not verify. */
export const APP_CHECK_INVALID = 'Firebase App Check token is invalid.';

/** The header the service reads the App Check token from (the Android SDK sends it on the upgrade). */
export const APP_CHECK_HEADER = 'x-firebase-appcheck';

/** What {@link AppCheckVerifier.mint} puts in a token. */
export interface MintOptions {
  /** The Firebase app id the token is for (its `sub`). @defaultValue '1:0:web:emulator' */
  appId?: string;
  /** @defaultValue 3600 (an hour, the service's default token lifetime) */
  ttlSeconds?: number;
  /** Clock for tests. @defaultValue Date.now() */
  nowMs?: number;
}

interface Claims {
  iss?: unknown;
  sub?: unknown;
  aud?: unknown;
  exp?: unknown;
  iat?: unknown;
}

const ISSUER = 'https://firebaseappcheck.googleapis.com/';
const PROJECT_NUMBER = '0';
/** Tokens issued this far in the future are still taken (clocks differ a little). */
const CLOCK_SKEW_S = 60;
const MAX_TOKEN_CHARS = 4096;

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/**
 * App Check for the emulator: tokens shaped like the service's (a JWT with the App Check issuer,
 * the app id as subject, an expiry) but signed with HMAC-SHA256 under a secret the emulator is
 * given or generates — the emulator's counterpart of Firebase's debug tokens.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ appCheck: true });
 * const token = emulator.appCheck?.mint({ ttlSeconds: 600 });
 * ```
 */
export class AppCheckVerifier {
  /** The signing secret, base64url: give it to `--app-check-secret` to keep tokens valid across restarts. */
  readonly secret: string;
  private readonly key: Buffer;

  constructor(secret?: string) {
    this.secret = secret ?? b64url(randomBytes(32));
    this.key = Buffer.from(this.secret, 'base64url');
    if (this.key.length < 16) throw new Error('The App Check secret must hold at least 16 bytes (base64url).');
  }

  /** A token that verifies until `ttlSeconds` from now. */
  mint(options: MintOptions = {}): string {
    const now = Math.floor((options.nowMs ?? Date.now()) / 1000);
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const claims = {
      iss: `${ISSUER}${PROJECT_NUMBER}`,
      sub: options.appId ?? '1:0:web:emulator',
      aud: [`projects/${PROJECT_NUMBER}`, 'projects/npc-voice-emulator'],
      iat: now,
      exp: now + (options.ttlSeconds ?? 3600),
    };
    const body = `${header}.${b64url(JSON.stringify(claims))}`;
    return `${body}.${this.sign(body)}`;
  }

  /** True when `token` is one of ours, unexpired, and well formed; false for anything else. */
  verify(token: string | null | undefined, nowMs = Date.now()): boolean {
    if (!token || token.length > MAX_TOKEN_CHARS) return false;
    const parts = token.split('.');
    if (parts.length !== 3) return false;
    const [header, body, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${body}`), 'base64url');
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    const head = parseJson(header) as { alg?: unknown } | null;
    const claims = parseJson(body) as Claims | null;
    if (head?.alg !== 'HS256' || !claims) return false;
    const now = nowMs / 1000;
    if (typeof claims.exp !== 'number' || claims.exp <= now) return false;
    if (typeof claims.iat !== 'number' || claims.iat > now + CLOCK_SKEW_S) return false;
    return typeof claims.iss === 'string' && claims.iss.startsWith(ISSUER) && typeof claims.sub === 'string';
  }

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}

function parseJson(part: string): unknown {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? value : null;
  } catch {
    return null;
  }
}
