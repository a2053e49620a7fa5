import { NpcVoiceError } from '../../errors.js';
import { Ducker, type DuckingOptions } from './ducker.js';

/**
 * The parts of Phaser's `WebAudioSoundManager` the mixer uses (structurally, so this file needs no
 * Phaser): its context, and `destination` — the master mute → master volume chain every sound
 * connects to when it is created.
 */
export interface SoundManagerLike {
  readonly context: AudioContext;
  destination: AudioNode;
  /** Phaser's master volume, the last node before the speakers (what they play). */
  readonly masterVolumeNode?: AudioNode;
  readonly sounds?: readonly unknown[];
}

/** The parts of Howler's global the mixer sets (Howler has no types for these internals). */
export interface HowlerLike {
  ctx?: AudioContext | null;
  masterGain?: GainNode | null;
  usingWebAudio?: boolean;
  autoUnlock: boolean;
  autoSuspend: boolean;
  _muted?: boolean;
  _volume?: number;
  _setup?: () => void;
  /** Howler's loaded sounds (each has its own `unload`). */
  _howls?: { unload(): unknown }[];
  unload?: () => unknown;
}

/** One owner's view of the game's shared mixer. */
export interface GameMixer {
  /** Where NPC voices go: master mute and volume apply, ducking does not. */
  readonly voiceInput: AudioNode;
  /** The game's whole output (ducked sounds and voices, after master mute and master volume): what the speakers play. */
  readonly output: AudioNode;
  /** This owner wants music and effects ducked (ducked while any owner does). */
  setDucked(ducked: boolean): void;
  /** How music and effects duck, for every owner (the last call wins); `false` leaves them at their level. */
  setDucking(options: DuckingOptions | false): void;
  attachHowler(howler: HowlerLike): void;
  /** This owner is done (the shared nodes stay: sounds are wired through them). */
  release(): void;
}

interface Shared {
  /** What the speakers play: Phaser's master volume node where there is one. */
  master: AudioNode;
  ducker: Ducker;
  voice: GainNode;
  owners: Set<object>;
  ducking: Set<object>;
}

const mixers = new WeakMap<SoundManagerLike, Shared>();

/**
 * Puts a ducking stage in front of the game's master volume, once per sound manager: game sounds
 * (Phaser's, and Howler's once attached) go through it, NPC voices go around it. Sounds created
 * before this ran are re-wired too.
 *
 * ```
 * Phaser sounds ─┐
 * Howler master ─┴▶ duck ─┐
 * NPC voices ────────────▶├▶ master mute ▶ master volume ▶ speakers
 * ```
 */
export function acquireMixer(sound: SoundManagerLike, options: DuckingOptions | false): GameMixer {
  let shared = mixers.get(sound);
  if (!shared) {
    const master = sound.destination;
    const ducker = new Ducker(sound.context, master, duckerOptions(options));
    const voice = sound.context.createGain();
    voice.connect(master);
    for (const s of sound.sounds ?? []) rewire(s, master, ducker.input);
    sound.destination = ducker.input;
    shared = { master: sound.masterVolumeNode ?? master, ducker, voice, owners: new Set(), ducking: new Set() };
    mixers.set(sound, shared);
  } else shared.ducker.configure(duckerOptions(options));
  const owner = {};
  const s = shared;
  s.owners.add(owner);
  return {
    voiceInput: s.voice,
    output: s.master,
    setDucked(ducked) {
      if (ducked) s.ducking.add(owner);
      else s.ducking.delete(owner);
      s.ducker.setDucked(s.ducking.size > 0);
    },
    setDucking(next) {
      s.ducker.configure(duckerOptions(next));
    },
    attachHowler(howler) {
      const ctx = sound.context;
      if (howler.ctx && howler.ctx !== ctx) {
        throw new NpcVoiceError('invalid-state', 'Howler already made its own AudioContext: call attachHowler() before creating any Howl.');
      }
      // Howler would otherwise unlock/suspend the shared context itself, and on a context that is
      // not 44.1 kHz its unlock even closes it (a mobile Safari workaround).
      howler.autoUnlock = false;
      howler.autoSuspend = false;
      howler.ctx = ctx;
      howler.usingWebAudio = true;
      if (!howler.masterGain) {
        howler.masterGain = ctx.createGain();
        howler.masterGain.gain.value = howler._muted ? 0 : (howler._volume ?? 1);
      }
      howler.masterGain.disconnect();
      howler.masterGain.connect(s.ducker.input);
      howler._setup?.();
      // Howler.unload() unloads every sound, then closes its context to start afresh: that context
      // is the game's, so unloading stops at the sounds.
      howler.unload = () => {
        const howls = howler._howls ?? [];
        for (let i = howls.length - 1; i >= 0; i--) howls[i]?.unload();
        return howler;
      };
    },
    release() {
      s.ducking.delete(owner);
      s.owners.delete(owner);
      s.ducker.setDucked(s.ducking.size > 0);
    },
  };
}

function duckerOptions(options: DuckingOptions | false): DuckingOptions {
  return options === false ? { level: 1 } : options;
}

/** Moves an existing Phaser sound's output from `from` to `to` (its last node is panner, spatial or volume). */
function rewire(sound: unknown, from: AudioNode, to: AudioNode): void {
  const s = sound as { pannerNode?: AudioNode | null; spatialNode?: AudioNode | null; volumeNode?: AudioNode | null };
  const out = s.pannerNode ?? s.spatialNode ?? s.volumeNode;
  if (!out) return;
  try {
    out.disconnect(from);
    out.connect(to);
  } catch {
    // not connected there (HTML5 or custom routing): leave it alone
  }
}
