import type { EchoGuardOptions, EchoMode } from '../audio/echo/echo-guard.js';
import type { DuckingOptions } from '../audio/mix/ducker.js';
import type { SpatialOptions } from '../audio/mix/spatial.js';
import type { ConversationMode } from '../dialogue/conversation.js';
import type { LipSyncOptions } from '../dialogue/lip-sync.js';
import type { LiveBackend, LiveModelOptions } from '../live/live-model.js';
import { type LiveOptions, validateLiveOptions } from '../live/live-options.js';

/** Plugin settings (everything optional; the defaults play the demo on the emulator). */
export interface NpcVoiceConfig extends Partial<Omit<LiveModelOptions, 'backend'>> {
  /** @defaultValue 'emulator' */
  backend?: LiveBackend;
  /** @defaultValue 'open-mic' */
  mode?: ConversationMode;
  /** Live options for every NPC (an NPC's own `liveOptions` override them, key by key). */
  liveOptions?: LiveOptions;
  /** Let the player interrupt an NPC by speaking. @defaultValue true */
  bargeIn?: boolean;
  /**
   * Echo handling while an NPC speaks: `'auto'` measures how much of the voice reaches the
   * microphone and holds the microphone only when the echo is not cancelled (so the NPC never
   * interrupts itself, and the player still can); `'half-duplex'` always holds it; `'off'` never.
   * Options (`{ mode, hangoverMs, … }`) tune the estimator. @defaultValue 'auto'
   */
  echo?: EchoMode | (EchoGuardOptions & { mode: EchoMode });
  /** Shorthand for `echo: 'half-duplex'`. @defaultValue false */
  halfDuplex?: boolean;
  /** NPCs greet the player when a conversation starts. @defaultValue true */
  greet?: boolean;
  /** Start talking when the listener walks into an NPC's radius, end on leaving. @defaultValue false */
  autoTalk?: boolean;
  /**
   * Open the connection while the listener approaches (1.8 × radius), so the first reply does not
   * wait for the handshake. Costs a session per approach on the real service. @defaultValue true with autoTalk
   */
  earlyConnect?: boolean;
  /** Default talk radius in world units. @defaultValue 96 */
  talkRadius?: number;
  /**
   * When the window loses focus: `'continue'` keeps a conversation going (Phaser would otherwise
   * suspend all audio, freezing it silently); `'pause'` lets Phaser suspend. @defaultValue 'continue'
   */
  onBlur?: 'continue' | 'pause';
  /** Music and effects fade down while an NPC speaks; `false` turns it off. */
  ducking?: DuckingOptions | false;
  /** Voices pan and fade with the NPC's position relative to the listener; `false` turns it off. */
  spatial?: SpatialOptions | false;
  /** NPC voice volume, 0..1. @defaultValue 1 */
  npcVolume?: number;
  /** Microphone choice and constraints; `false` for text only. */
  microphone?: MicrophoneChoice | false;
  /** Let NPCs see the game (JPEG frames sent as video input while talking). @defaultValue false */
  sight?: SightOptions | false;
  lipSync?: LipSyncOptions;
}

/** Which microphone, with which constraints. */
export interface MicrophoneChoice {
  deviceId?: string;
  constraints?: MediaTrackConstraints;
}

/**
 * What NPCs see when sight is on. Each frame is a JPEG of the game canvas (or of a square around
 * the NPC) sent as realtime video input: at 1 FPS on the real service that is roughly 258 tokens
 * a second (Gemini's rate for video) on top of audio, so leave it off unless the NPC needs it.
 */
export interface SightOptions {
  /** Frames a second, 0.1 to 2. @defaultValue 1 */
  fps?: number;
  /** @defaultValue 'canvas' */
  region?: 'canvas' | 'npc';
  /** Side of the square around the NPC, in screen pixels. @defaultValue 384 */
  size?: number;
  /** JPEG quality 0..1. @defaultValue 0.6 */
  quality?: number;
}

/** Every setting with its default applied: the one place defaults live. */
export interface NpcVoiceSettings {
  live: LiveModelOptions;
  liveOptions: LiveOptions | undefined;
  mode: ConversationMode;
  bargeIn: boolean;
  echo: EchoGuardOptions & { mode: EchoMode };
  greet: boolean;
  autoTalk: boolean;
  earlyConnect: boolean;
  talkRadius: number;
  onBlur: 'continue' | 'pause';
  ducking: DuckingOptions | false;
  spatial: SpatialOptions | false;
  npcVolume: number;
  microphone: MicrophoneChoice | false;
  sight: Required<SightOptions> | false;
  lipSync: LipSyncOptions;
}

/**
 * Resolves a configuration into settings, every default applied here and nowhere else.
 * @throws {@link NpcVoiceError} `invalid-argument` for Live options of the wrong shape.
 */
export function resolveSettings(config: NpcVoiceConfig): NpcVoiceSettings {
  const autoTalk = config.autoTalk ?? false;
  if (config.liveOptions) validateLiveOptions(config.liveOptions);
  return {
    live: liveModelOptions(config),
    liveOptions: config.liveOptions,
    mode: config.mode ?? 'open-mic',
    bargeIn: config.bargeIn ?? true,
    echo: typeof config.echo === 'object' ? config.echo : { mode: config.echo ?? (config.halfDuplex ? 'half-duplex' : 'auto') },
    greet: config.greet ?? true,
    autoTalk,
    earlyConnect: config.earlyConnect ?? autoTalk,
    talkRadius: config.talkRadius ?? 96,
    onBlur: config.onBlur ?? 'continue',
    ducking: config.ducking ?? {},
    spatial: config.spatial ?? {},
    npcVolume: config.npcVolume ?? 1,
    microphone: config.microphone === false ? false : (config.microphone ?? {}),
    sight: config.sight ? resolveSight(config.sight) : false,
    lipSync: config.lipSync ?? {},
  };
}

function resolveSight(sight: SightOptions): Required<SightOptions> {
  return {
    fps: Math.min(2, Math.max(0.1, sight.fps ?? 1)),
    region: sight.region ?? 'canvas',
    size: sight.size ?? 384,
    quality: sight.quality ?? 0.6,
  };
}

/** The Live model options in a configuration (only those it sets, so the live layer's defaults apply). */
function liveModelOptions(c: NpcVoiceConfig): LiveModelOptions {
  return {
    backend: c.backend ?? 'emulator',
    ...(c.firebaseApp ? { firebaseApp: c.firebaseApp } : {}),
    ...(c.firebaseConfig ? { firebaseConfig: c.firebaseConfig } : {}),
    ...(c.model ? { model: c.model } : {}),
    ...(c.location ? { location: c.location } : {}),
    ...(c.emulatorUrl ? { emulatorUrl: c.emulatorUrl } : {}),
    ...(c.appCheck ? { appCheck: c.appCheck } : {}),
    ...(c.relayUrl ? { relayUrl: c.relayUrl } : {}),
    ...(c.WebSocket ? { WebSocket: c.WebSocket } : {}),
    ...(c.connectTimeoutMs !== undefined ? { connectTimeoutMs: c.connectTimeoutMs } : {}),
  };
}
