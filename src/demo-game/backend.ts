import { type FirebaseApp, type FirebaseOptions, getApps, initializeApp } from 'firebase/app';
import { type AppCheck, initializeAppCheck, ReCaptchaEnterpriseProvider } from 'firebase/app-check';
import type { LiveBackend, NpcVoiceConfig } from '../plugin/index.ts';
import { type AppCheckEnv, appCheckStatus } from './app-check-status.ts';

/**
 * Which Live backend the demo can use. The emulator always; real Gemini when a Firebase web app
 * config is given in `.env` (see the README: VITE_FIREBASE_API_KEY, VITE_FIREBASE_PROJECT_ID,
 * VITE_FIREBASE_APP_ID, optional VITE_AI_BACKEND=vertexAI, VITE_VERTEX_LOCATION, VITE_LIVE_MODEL).
 */
export function firebaseConfig(): FirebaseOptions | null {
  const env = import.meta.env;
  const apiKey = env.VITE_FIREBASE_API_KEY as string | undefined;
  const projectId = env.VITE_FIREBASE_PROJECT_ID as string | undefined;
  const appId = env.VITE_FIREBASE_APP_ID as string | undefined;
  if (!apiKey || !projectId || !appId) return null;
  return {
    apiKey,
    projectId,
    appId,
    ...(env.VITE_FIREBASE_AUTH_DOMAIN ? { authDomain: env.VITE_FIREBASE_AUTH_DOMAIN as string } : {}),
  };
}

/** Backends this build can reach, emulator first. */
export function availableBackends(): LiveBackend[] {
  if (!firebaseConfig()) return ['emulator'];
  const preferred = (import.meta.env.VITE_AI_BACKEND as string | undefined) === 'vertexAI' ? 'vertexAI' : 'googleAI';
  return ['emulator', preferred];
}

/** App Check and relay settings from `.env`. */
export function appCheckEnv(): AppCheckEnv {
  const env = import.meta.env;
  const pick = (name: string) => (env[name] as string | undefined) || undefined;
  const siteKey = pick('VITE_RECAPTCHA_ENTERPRISE_SITE_KEY');
  const relayUrl = pick('VITE_LIVE_RELAY_URL');
  const debugToken = pick('VITE_APPCHECK_DEBUG_TOKEN');
  return { ...(siteKey ? { siteKey } : {}), ...(relayUrl ? { relayUrl } : {}), ...(debugToken ? { debugToken } : {}) };
}

const DEMO_APP = 'oakvale';
let appCheck: AppCheck | null = null;

/** The demo's Firebase app and, when `.env` configures it, its App Check (made once: Firebase allows one per app). */
function firebaseFor(config: FirebaseOptions, env: AppCheckEnv): { app: FirebaseApp; appCheck: AppCheck | null } {
  const app = getApps().find((a) => a.name === DEMO_APP) ?? initializeApp(config, DEMO_APP);
  if (!appCheck && env.siteKey && env.relayUrl) {
    // A registered debug token stands in for reCAPTCHA on localhost (Firebase's App Check debug provider).
    if (env.debugToken) (self as { FIREBASE_APPCHECK_DEBUG_TOKEN?: string }).FIREBASE_APPCHECK_DEBUG_TOKEN = env.debugToken;
    appCheck = initializeAppCheck(app, { provider: new ReCaptchaEnterpriseProvider(env.siteKey), isTokenAutoRefreshEnabled: true });
  }
  return { app, appCheck };
}

/** Plugin settings for a backend. */
export function backendConfig(backend: LiveBackend): NpcVoiceConfig {
  if (backend === 'emulator') return { backend: 'emulator' };
  const config = firebaseConfig();
  if (!config) return { backend: 'emulator' };
  const env = import.meta.env;
  const checks = appCheckEnv();
  const { app, appCheck: check } = firebaseFor(config, checks);
  return {
    backend,
    firebaseApp: app,
    ...(check && checks.relayUrl && appCheckStatus(backend, checks).ready ? { appCheck: check, relayUrl: checks.relayUrl } : {}),
    ...(env.VITE_LIVE_MODEL ? { model: env.VITE_LIVE_MODEL as string } : {}),
    ...(backend === 'vertexAI' ? { location: (env.VITE_VERTEX_LOCATION as string | undefined) ?? 'us-central1' } : {}),
  };
}

/** What the settings dialog shows about App Check for `backend`. */
export const appCheckStatusFor = (backend: LiveBackend) => appCheckStatus(backend, appCheckEnv());

export const BACKEND_LABELS: Record<LiveBackend, string> = {
  emulator: 'Offline emulator (no account)',
  googleAI: 'Gemini Developer API (Firebase)',
  vertexAI: 'Vertex AI Gemini API (Firebase)',
};
