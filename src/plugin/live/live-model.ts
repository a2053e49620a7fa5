import * as firebaseAI from 'firebase/ai';
import {
  type AI,
  type Backend,
  type FunctionDeclaration,
  GoogleAIBackend,
  getAI,
  LiveGenerativeModel,
  type LiveModelParams,
  type LiveSession,
  ResponseModality,
} from 'firebase/ai';
import { type FirebaseApp, type FirebaseOptions, getApps, initializeApp } from 'firebase/app';
import { type AppCheck, getToken } from 'firebase/app-check';
import { connectToEmulator } from './emulator-probe.js';
import { errorForClose, LiveError } from './live-errors.js';
import { applyLiveOptions, type LiveOptions, validateLiveOptions } from './live-options.js';
import { LiveSocket, type WebSocketConstructor, type WebSocketHandler } from './socket.js';

/**
 * Where conversations go: the Gemini Developer API or Vertex AI ("Agent Platform" since firebase 13)
 * through Firebase, or the offline emulator.
 */
export type LiveBackend = 'googleAI' | 'vertexAI' | 'emulator';

/** Options of {@link createLiveModel}. */
export interface LiveModelOptions {
  backend: LiveBackend;
  /** An initialised Firebase app (googleAI / vertexAI). */
  firebaseApp?: FirebaseApp;
  /** Or its config, and the plugin initialises the app. */
  firebaseConfig?: FirebaseOptions;
  /** @defaultValue {@link DEFAULT_MODELS}[backend] */
  model?: string;
  /** Vertex AI location; the Live models are not served in `global`. @defaultValue 'us-central1' */
  location?: string;
  /** Emulator origin. @defaultValue the page's own origin (the dev server serves the emulator) */
  emulatorUrl?: string;
  /**
   * The game's App Check instance (`initializeAppCheck` from `firebase/app-check`). A token is
   * fetched for every connection, resumes included, and handed to the relay; needs `relayUrl`.
   */
  appCheck?: AppCheck;
  /**
   * The game's Live relay (`src/relay`, deployed e.g. on Cloud Run): sessions go there instead of
   * to Firebase, which the relay reaches with the App Check token in a header. Needs `appCheck`.
   */
  relayUrl?: string;
  /** WebSocket implementation (the global one, else the `ws` package in Node). */
  WebSocket?: WebSocketConstructor;
  /** Give up on a handshake after this long. @defaultValue 15 000 */
  connectTimeoutMs?: number;
}

/**
 * Default Live models per backend, as Firebase lists them: for the Gemini Developer API
 * `gemini-3.1-flash-live-preview` (beside the 2.5 native-audio previews), for Vertex AI
 * `gemini-live-2.5-flash-native-audio`.
 */
export const DEFAULT_MODELS: Record<LiveBackend, string> = {
  googleAI: 'gemini-3.1-flash-live-preview',
  vertexAI: 'gemini-live-2.5-flash-native-audio',
  emulator: 'gemini-2.5-flash-native-audio-preview-12-2025',
};

/** One conversation's session settings (the NPC's side of `setup`). */
export interface LiveSessionParams {
  systemInstruction?: string;
  functionDeclarations?: FunctionDeclaration[];
  /** One of the 30 prebuilt voices (Puck, Kore, Charon, …). */
  voiceName?: string;
  /** BCP-47, e.g. `en-US`. */
  languageCode?: string;
  /** Ask for input and output transcriptions. @defaultValue true */
  transcription?: boolean;
  /** Sent in `setup.realtimeInputConfig` (firebase/ai has no option for it). */
  realtimeInputConfig?: Record<string, unknown>;
  /** Turn session resumption on; `handle` resumes an earlier session. */
  sessionResumption?: { handle?: string; transparent?: boolean };
  /** Live options beyond firebase/ai's types (thinking, compression, affective dialog, …). */
  liveOptions?: LiveOptions;
}

/** An open session and the socket under it. */
export interface OpenedSession {
  session: LiveSession;
  socket: LiveSocket;
}

/** A Live model on one backend: opens sessions. */
export interface LiveModel {
  readonly backend: LiveBackend;
  readonly model: string;
  open(params: LiveSessionParams): Promise<OpenedSession>;
}

/**
 * The SDK's constructor with its third, internal argument (firebase 12.19.0: `_webSocketHandler`,
 * "injectable for testing"). A test fails if the SDK stops using it.
 */
type LiveModelConstructor = new (ai: AI, params: LiveModelParams, webSocketHandler?: WebSocketHandler) => LiveGenerativeModel;
const LiveModelWithSocket = LiveGenerativeModel as unknown as LiveModelConstructor;

/**
 * The regional backend's class: `VertexAIBackend` in firebase 12, renamed `AgentPlatformBackend` in
 * firebase 13 (the old name is gone there). Looked up by name so one build serves both.
 */
type RegionalBackendConstructor = new (location?: string) => Backend;
function regionalBackend(location: string): Backend {
  const exported = firebaseAI as unknown as Record<string, RegionalBackendConstructor | undefined>;
  const RegionalBackend = exported.AgentPlatformBackend ?? exported.VertexAIBackend;
  if (!RegionalBackend) throw new LiveError('unsupported', 'This firebase/ai has neither AgentPlatformBackend nor VertexAIBackend.');
  return new RegionalBackend(location);
}

const EMULATOR_APP = 'phaser-npc-voice-emulator';
const PLUGIN_APP = 'phaser-npc-voice';

/**
 * Builds a Live model on `firebase/ai` (never a hand-written client) for the chosen backend.
 *
 * @example
 * ```ts
 * const live = createLiveModel({ backend: 'googleAI', firebaseConfig });
 * const { session } = await live.open({ systemInstruction, voiceName: 'Kore' });
 * ```
 * @throws {@link LiveError} `invalid-request` when a Firebase backend has no app or config.
 */
export function createLiveModel(options: LiveModelOptions): LiveModel {
  const backend = options.backend;
  const model = options.model ?? DEFAULT_MODELS[backend];
  const location = options.location ?? 'us-central1';
  if (backend === 'vertexAI' && location === 'global') {
    throw new LiveError('invalid-request', "The Live API is not served in Vertex AI location 'global': pick a region such as us-central1.");
  }
  if (!options.appCheck !== !options.relayUrl) {
    throw new LiveError(
      'invalid-request',
      'appCheck and relayUrl go together: a browser cannot put the App Check token on the Live socket, so the relay does.',
    );
  }
  const app = firebaseAppFor(options);
  const ai = getAI(app, { backend: backend === 'vertexAI' ? regionalBackend(location) : new GoogleAIBackend() });
  const origin = options.relayUrl ?? (backend === 'emulator' ? emulatorOrigin(options.emulatorUrl) : undefined);
  const appCheck = options.appCheck;
  const appCheckToken = appCheck ? () => freshToken(appCheck) : undefined;
  const connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
  return {
    backend,
    model,
    async open(params) {
      if (params.liveOptions) validateLiveOptions(params.liveOptions);
      const { realtimeInputConfig, liveOptions } = params;
      const socket = new LiveSocket({
        ...(origin ? { origin } : {}),
        ...(appCheckToken ? { appCheckToken } : {}),
        ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
        ...(realtimeInputConfig || liveOptions
          ? {
              patchSetup: (setup) => {
                if (realtimeInputConfig) setup.realtimeInputConfig = realtimeInputConfig;
                if (liveOptions) applyLiveOptions(setup, liveOptions);
              },
            }
          : {}),
      });
      const transcription = params.transcription ?? true;
      const liveModel = new LiveModelWithSocket(
        ai,
        {
          model,
          generationConfig: {
            responseModalities: [ResponseModality.AUDIO],
            ...(params.voiceName || params.languageCode
              ? {
                  speechConfig: {
                    ...(params.voiceName ? { voiceConfig: { prebuiltVoiceConfig: { voiceName: params.voiceName } } } : {}),
                    ...(params.languageCode ? { languageCode: params.languageCode } : {}),
                  },
                }
              : {}),
            ...(transcription ? { inputAudioTranscription: {}, outputAudioTranscription: {} } : {}),
          },
          ...(params.systemInstruction ? { systemInstruction: params.systemInstruction } : {}),
          ...(params.functionDeclarations?.length ? { tools: [{ functionDeclarations: params.functionDeclarations }] } : {}),
        },
        socket,
      );
      try {
        const connecting = withTimeout(liveModel.connect(params.sessionResumption), connectTimeoutMs, () => {
          void socket.close(1000, 'Connect timeout');
          return new LiveError('handshake-failed', `The Live API did not complete the handshake within ${connectTimeoutMs / 1000} s.`);
        });
        // The emulator, straight (not through a relay): when none is there, say so and how to add one.
        const session =
          backend === 'emulator' && !options.relayUrl && origin
            ? await connectToEmulator(origin, connecting, {
                reached: () => socket.isOpen || (socket.lastClose !== null && socket.lastClose.code !== 1006),
                abort: () => void socket.close(1000, 'No emulator'),
              })
            : await connecting;
        return { session, socket };
      } catch (error) {
        if (error instanceof LiveError && error.code === 'no-emulator') throw error;
        // The SDK reports any refusal as a handshake failure; the close frame says why.
        const close = socket.lastClose;
        throw (close && errorForClose(close.code, close.reason)) ?? asLiveError(error);
      }
    },
  };
}

function firebaseAppFor(options: LiveModelOptions): FirebaseApp {
  if (options.backend === 'emulator') {
    // The SDK insists on an apiKey, projectId and appId; the emulator accepts any.
    return (
      getApps().find((a) => a.name === EMULATOR_APP) ??
      initializeApp({ apiKey: 'emulator', projectId: 'npc-voice-emulator', appId: '1:0:web:emulator' }, EMULATOR_APP)
    );
  }
  if (options.firebaseApp) return options.firebaseApp;
  if (options.firebaseConfig) return getApps().find((a) => a.name === PLUGIN_APP) ?? initializeApp(options.firebaseConfig, PLUGIN_APP);
  throw new LiveError('invalid-request', `The ${options.backend} backend needs a firebaseApp or a firebaseConfig.`);
}

function emulatorOrigin(url: string | undefined): string {
  if (url) return url;
  const here = (globalThis as { location?: { origin?: string } }).location?.origin;
  if (here) return here;
  throw new LiveError('invalid-request', 'The emulator backend needs emulatorUrl outside a browser page.');
}

/** A token valid now: the SDK's cached one until it expires, then a new one; never kept by us. */
async function freshToken(appCheck: AppCheck): Promise<string> {
  try {
    return (await getToken(appCheck, false)).token;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new LiveError('app-check', `Could not get an App Check token for the Live API: ${message}`, { cause: error });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function asLiveError(error: unknown): LiveError {
  if (error instanceof LiveError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LiveError(/handshake/i.test(message) ? 'handshake-failed' : 'network', `Could not open the Live session: ${message}`, {
    cause: error,
  });
}
