import { describe, expect, it } from 'vitest';
import { appCheckStatus } from '../../../src/demo-game/app-check-status.ts';

describe("the demo's App Check line in Settings", () => {
  it('the emulator needs none', () => {
    expect(appCheckStatus('emulator', {})).toEqual({ ready: true, text: 'App Check: not needed (offline emulator).' });
  });

  it('a Firebase backend without a site key or relay: not ready, naming exactly what to set', () => {
    const none = appCheckStatus('googleAI', {});
    expect(none.ready).toBe(false);
    expect(none.text).toContain('Set VITE_RECAPTCHA_ENTERPRISE_SITE_KEY and VITE_LIVE_RELAY_URL in .env');
    const noRelay = appCheckStatus('vertexAI', { siteKey: 'k' });
    expect(noRelay.ready).toBe(false);
    expect(noRelay.text).toContain('Set VITE_LIVE_RELAY_URL in .env');
  });

  it('with both: ready, the provider and the relay host (never the key)', () => {
    const on = appCheckStatus('googleAI', { siteKey: '6Lc-secret-site-key', relayUrl: 'https://relay.oakvale.example/live' });
    expect(on).toEqual({ ready: true, text: 'App Check: on (reCAPTCHA Enterprise) · relay relay.oakvale.example' });
    expect(appCheckStatus('googleAI', { siteKey: 'k', relayUrl: 'https://r.example', debugToken: 'd' }).text).toContain('(debug token)');
  });
});
