import type { LiveBackend } from '../plugin/index.ts';

/** The demo's App Check and relay settings, from `.env` (README, "Talk to real Gemini"). */
export interface AppCheckEnv {
  /** `VITE_RECAPTCHA_ENTERPRISE_SITE_KEY`: App Check's reCAPTCHA Enterprise site key. */
  siteKey?: string;
  /** `VITE_LIVE_RELAY_URL`: the deployed relay (src/relay). */
  relayUrl?: string;
  /** `VITE_APPCHECK_DEBUG_TOKEN`: a debug token registered in the Firebase console (local development). */
  debugToken?: string;
}

/** What the settings dialog says about App Check for a backend, and whether sessions can open. */
export interface AppCheckStatus {
  ready: boolean;
  text: string;
}

/** The App Check / relay state for `backend`, in words a player setting up the demo can act on. */
export function appCheckStatus(backend: LiveBackend, env: AppCheckEnv): AppCheckStatus {
  if (backend === 'emulator') return { ready: true, text: 'App Check: not needed (offline emulator).' };
  const missing = [!env.siteKey && 'VITE_RECAPTCHA_ENTERPRISE_SITE_KEY', !env.relayUrl && 'VITE_LIVE_RELAY_URL'].filter(Boolean);
  if (missing.length) {
    return {
      ready: false,
      text: `App Check: off — Firebase AI Logic refuses Live sessions without it. Set ${missing.join(' and ')} in .env (README, "Talk to real Gemini").`,
    };
  }
  const provider = env.debugToken ? 'debug token' : 'reCAPTCHA Enterprise';
  return { ready: true, text: `App Check: on (${provider}) · relay ${hostOf(env.relayUrl as string)}` };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
