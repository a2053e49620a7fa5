import type { AppCheckVerifier } from './app-check.js';
import type { TurnTiming } from './model-turn.js';
import type { ResumptionStore } from './resumption-store.js';
import type { EmulatorStats } from './stats.js';
import type { TextToSpeech } from './tts/text-to-speech.js';

/** What the client presented on the upgrade. */
export interface SessionCredentials {
  /** API key (`?key=`, `?access_token=` or `x-goog-api-key`). */
  key: string | null;
  /** The `X-Firebase-AppCheck` header. */
  appCheckToken: string | null;
}

/** Everything a session needs from its server. */
export interface SessionContext {
  readonly models: ReadonlySet<string>;
  readonly tts: TextToSpeech;
  readonly store: ResumptionStore;
  readonly stats: EmulatorStats;
  readonly timing: TurnTiming;
  readonly maxFrameBytes: number;
  readonly setupTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly lifetimeMs: number;
  readonly goAwayLeadMs: number;
  /** A client that stops reading is cut off once this much is queued for it. */
  readonly maxBufferedBytes: number;
  /** Distinct input audio rates (each a resampler, ~0.36 MB) a session may use. */
  readonly maxAudioRates: number;
  /** Required API key (null: any). */
  readonly apiKey: string | null;
  /** Enforces App Check when set. */
  readonly appCheck: AppCheckVerifier | null;
  readonly log: (line: string) => void;
}
