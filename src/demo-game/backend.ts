import type { FirebaseOptions } from 'firebase/app';
import type { LiveBackend, NpcVoiceConfig } from '../plugin/index.ts';

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

/** Plugin settings for a backend. */
export function backendConfig(backend: LiveBackend): NpcVoiceConfig {
  if (backend === 'emulator') return { backend: 'emulator' };
  const config = firebaseConfig();
  if (!config) return { backend: 'emulator' };
  const env = import.meta.env;
  return {
    backend,
    firebaseConfig: config,
    ...(env.VITE_LIVE_MODEL ? { model: env.VITE_LIVE_MODEL as string } : {}),
    ...(backend === 'vertexAI' ? { location: (env.VITE_VERTEX_LOCATION as string | undefined) ?? 'us-central1' } : {}),
  };
}

export const BACKEND_LABELS: Record<LiveBackend, string> = {
  emulator: 'Offline emulator (no account)',
  googleAI: 'Gemini Developer API (Firebase)',
  vertexAI: 'Vertex AI Gemini API (Firebase)',
};
