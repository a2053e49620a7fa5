import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppCheckVerifier } from '../../../src/emulator/app-check.ts';

const NOW = Date.UTC(2026, 11, 1);

function resign(token: string, secret: string, edit: (claims: Record<string, unknown>) => void): string {
  const [header, body] = token.split('.') as [string, string];
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
  edit(claims);
  const next = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${next}.${createHmac('sha256', Buffer.from(secret, 'base64url')).update(next).digest('base64url')}`;
}

describe('emulator App Check tokens', () => {
  const verifier = new AppCheckVerifier();

  it('a minted token verifies until it expires, and not after', () => {
    const token = verifier.mint({ ttlSeconds: 60, nowMs: NOW });
    expect(verifier.verify(token, NOW + 59_000)).toBe(true);
    expect(verifier.verify(token, NOW + 60_000)).toBe(false);
  });

  it('is a JWT with the App Check issuer, the app id as subject and an expiry', () => {
    const token = verifier.mint({ appId: '1:2:web:3', ttlSeconds: 600, nowMs: NOW });
    const [header, body] = token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString())) as [Record<string, unknown>, Record<string, unknown>];
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(body.iss).toMatch(/^https:\/\/firebaseappcheck\.googleapis\.com\//);
    expect(body.sub).toBe('1:2:web:3');
    expect(body.exp).toBe(NOW / 1000 + 600);
  });

  it('refuses a token signed with another secret, a changed claim, garbage and nothing', () => {
    const other = new AppCheckVerifier();
    expect(verifier.verify(other.mint({ nowMs: NOW }), NOW)).toBe(false);
    const forged = resign(verifier.mint({ nowMs: NOW }), other.secret, (c) => {
      c.exp = (c.exp as number) + 1e6;
    });
    expect(verifier.verify(forged, NOW)).toBe(false);
    const [h, b, s] = verifier.mint({ nowMs: NOW }).split('.') as [string, string, string];
    expect(verifier.verify(`${h}.${b}x.${s}`, NOW)).toBe(false);
    expect(verifier.verify('not.a.jwt', NOW)).toBe(false);
    expect(verifier.verify('', NOW)).toBe(false);
    expect(verifier.verify(null, NOW)).toBe(false);
  });

  it('a verifier given the same secret accepts the tokens (tokens survive a restart)', () => {
    const again = new AppCheckVerifier(verifier.secret);
    expect(again.verify(verifier.mint({ nowMs: NOW }), NOW)).toBe(true);
  });

  it('refuses a token issued in the future beyond a minute of skew, or with another alg', () => {
    const later = verifier.mint({ nowMs: NOW + 120_000 });
    expect(verifier.verify(later, NOW)).toBe(false);
    const [, b] = verifier.mint({ nowMs: NOW }).split('.') as [string, string];
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${b}`;
    const signed = `${none}.${createHmac('sha256', Buffer.from(verifier.secret, 'base64url')).update(none).digest('base64url')}`;
    expect(verifier.verify(signed, NOW)).toBe(false);
  });
});
