import type { MicChunk } from '../audio/capture/mic-chunk.js';
import { MicUplink } from '../audio/capture/mic-uplink.js';
import { type EchoEstimate, EchoGuard, type EchoMode, type EchoState, type RawTrackStatus } from '../audio/echo/echo-guard.js';
import { VoiceFloor } from '../audio/playback/voice-floor.js';
import { Conversation, type LiveLink, type TranscriptEntry } from '../dialogue/conversation.js';
import { LipSync } from '../dialogue/lip-sync.js';
import { SilentVoice } from '../dialogue/silent-voice.js';
import { NpcVoiceError } from '../errors.js';
import type { Subscription } from '../events.js';
import type { LiveConnection } from '../live/live-connection.js';
import { INPUT_AUDIO_RATE } from '../wire/realtime-audio.js';
import type { BusPart, ConversationAudio, MicPart, VoicePart } from './conversation-audio.js';
import type { NpcHandle, Placed } from './npc-handle.js';
import type { NpcVoiceEmitter, NpcVoiceEvents } from './npc-voice-events.js';
import type { NpcVoiceSettings } from './settings.js';
import { Sight, type SightCamera } from './sight.js';

/** The Live connection as an active conversation uses it. */
export type LivePart = LiveLink & Pick<LiveConnection, 'sendVideoFrame' | 'removeAllListeners'>;

/** Options of {@link ActiveConversation.create}. */
export interface ActiveConversationOptions {
  npc: NpcHandle;
  settings: NpcVoiceSettings;
  /** The connection (opened ahead of time, or not yet). */
  live: LivePart;
  /** Earlier lines with this NPC. */
  history: readonly TranscriptEntry[];
  events: NpcVoiceEmitter;
  /** The game's sound; null when it has no Web Audio (the NPC is subtitled, not heard). */
  audio: ConversationAudio | null;
  /** The game's view, for sight. */
  camera: SightCamera | null;
}

/** The echo guard's view of a conversation, for a debug overlay. */
export interface EchoStatus {
  mode: EchoMode;
  state: EchoState;
  holding: boolean;
  estimate: EchoEstimate | null;
  echoCancellation: boolean | null;
  /** Microphone chunks held back (not sent, or sent as silence) so far in this conversation. */
  held: number;
  /** Leaks of the NPC's voice caught before they were sent. */
  leaks: number;
  /** Short bursts sent as silence. */
  bursts: number;
  /** Sound that lasted but stopped when the NPC paused (its echo), sent as silence. */
  falseAlarms: number;
  /** Sound that would have paused the NPC, but whose loudest burst copied its voice (its echo), sent as silence. */
  copies: number;
  /**
   * Times the NPC paused because the player took the floor; of those, how many the service
   * confirmed, how many it played on after, and of these how many the guard dismissed at once as its echo.
   */
  yields: { paused: number; confirmed: number; resumed: number; dismissed: number };
  /** The guard's model of her echo in the microphone's raw twin, or null without one (`echo.rawTrack`). */
  rawTrack: RawTrackStatus | null;
}

/** Playback figures of the NPC's voice, for a debug overlay. */
export interface VoiceStats {
  bufferedMs: number;
  underruns: number;
  playedFrames: number;
  transport: 'shared' | 'message';
}

/**
 * One conversation with everything it owns, assembled and torn down together: the Live
 * connection, the NPC's voice and its bus, the microphone with its uplink and echo guard, lip-sync
 * and sight. The plugin makes one per `talkTo`, calls {@link update} every frame and {@link end}
 * once; nothing here knows Phaser, so it runs in Node with fakes.
 *
 * @example
 * ```ts
 * const active = await ActiveConversation.create({ npc, settings, live, history: [], events, audio, camera: null });
 * await active.start();
 * // every frame:
 * active.update(performance.now(), delta, player);
 * // done:
 * await active.end();
 * ```
 */
export class ActiveConversation {
  readonly conversation: Conversation;
  /** The microphone's way to the service; null until the microphone is open, or without one. */
  uplink: MicUplink | null = null;
  private mic: MicPart | null = null;
  private sight: Sight | null = null;
  private readonly lip: LipSync;
  private readonly subs: Subscription[];
  private micLevelValue = 0;
  private endedValue = false;
  private readonly mouth: NpcVoiceEvents['mouth'];
  private readonly sendChunk = (chunk: MicChunk): void => this.conversation.pushAudio(chunk);

  private constructor(
    private readonly options: ActiveConversationOptions,
    private readonly voice: VoicePart | null,
    private readonly bus: BusPart | null,
    /** Owns the voice's pause, resume and cut; null without a voice. */
    private readonly floor: VoiceFloor | null,
  ) {
    const { npc, settings, live, events } = options;
    this.lip = new LipSync(settings.lipSync);
    this.mouth = { npc, open: 0 };
    this.conversation = new Conversation({
      npc: npc.definition,
      live,
      voice: floor ?? new SilentVoice(),
      mode: settings.mode,
      greet: settings.greet,
      history: [...options.history],
    });
    const c = this.conversation;
    this.subs = [
      c.on('state', (e) => events.fire('state', { npc, ...e })),
      c.on('transcript', (e) => events.fire('transcript', { npc, ...e })),
      c.on('subtitle', (e) => events.fire('subtitle', { npc, ...e })),
      c.on('action', (e) => events.fire('action', { npc, ...e })),
      c.on('error', ({ error }) => events.fire('error', { npc, error })),
      live.on('stateChange', ({ state }) => events.fire('connection', { npc, state })),
      live.on('audioDropped', ({ samples, reason }) =>
        events.fire('audioDropped', { npc, ms: (samples / INPUT_AUDIO_RATE) * 1000, reason }),
      ),
    ];
  }

  /**
   * Builds the conversation: the NPC's voice first (a failure is reported and the NPC is
   * subtitled instead), nothing connected yet.
   */
  static async create(options: ActiveConversationOptions): Promise<ActiveConversation> {
    let voice: VoicePart | null = null;
    let bus: BusPart | null = null;
    if (options.audio) {
      try {
        ({ voice, bus } = await options.audio.createVoice());
      } catch (error) {
        options.events.report(options.npc, error);
      }
    } else {
      options.events.report(
        options.npc,
        new NpcVoiceError('unsupported', 'This game has no Web Audio sound manager: NPCs will be subtitled, not heard.'),
      );
    }
    return new ActiveConversation(options, voice, bus, voice ? new VoiceFloor(voice) : null);
  }

  get npc(): NpcHandle {
    return this.options.npc;
  }

  get live(): LivePart {
    return this.options.live;
  }

  get ended(): boolean {
    return this.endedValue;
  }

  /**
   * Connects (the greeting follows) and opens the microphone, together; then sight.
   * @throws the live layer's {@link NpcVoiceError} when the service refuses.
   */
  async start(): Promise<void> {
    const { settings } = this.options;
    const mic = settings.microphone === false ? Promise.resolve() : this.openMicrophone();
    await Promise.all([this.conversation.start(), mic]);
    const camera = this.options.camera;
    if (settings.sight && camera && !this.endedValue) {
      const live = this.options.live;
      this.sight = new Sight(
        settings.sight,
        camera,
        (jpeg) => live.sendVideoFrame(jpeg),
        () => live.state === 'open',
      );
    }
  }

  /** Per frame: the microphone to the service, the conversation, where the voice comes from, the mouth. */
  update(nowMs: number, deltaMs: number, listener: Placed | null): void {
    if (this.endedValue) return;
    const uplink = this.uplink;
    if (uplink && uplink.pump(nowMs, this.sendChunk) > 0) this.micLevelValue = uplink.level;
    this.conversation.update();
    const npc = this.options.npc;
    if (this.bus && listener) this.bus.setOffset(npc.gameObject.x - listener.x, npc.gameObject.y - listener.y);
    const level = this.voice?.level ?? 0;
    npc.level = level;
    const before = npc.mouthOpen;
    npc.mouthOpen = this.lip.update(level, deltaMs);
    if (Math.abs(npc.mouthOpen - before) > 0.02 || (npc.mouthOpen === 0 && before !== 0)) {
      npc.applyMouth();
      this.mouth.open = npc.mouthOpen;
      this.options.events.fire('mouth', this.mouth);
    }
  }

  /** Whether the NPC is speaking or has speech queued (music ducks while it is). */
  get npcAudible(): boolean {
    const output = this.floor ?? null;
    return output !== null && (output.state === 'playing' || output.bufferedMs > 0);
  }

  /** The tab was hidden: frames stop, so the service is told the audio stopped. */
  hidden(): void {
    this.conversation.pauseMicrophone();
  }

  /** The tab is back: what the microphone recorded while hidden is stale; go on from now. */
  visible(): void {
    this.mic?.skipUnread();
    this.uplink?.reset();
  }

  /** Ends the conversation and releases its connection, voice, bus, microphone and sight. */
  async end(): Promise<void> {
    if (this.endedValue) return;
    this.endedValue = true;
    this.sight?.destroy();
    this.sight = null;
    await this.conversation.end().catch(() => {});
    for (const s of this.subs) s.close();
    this.conversation.removeAllListeners();
    this.options.live.removeAllListeners();
    this.voice?.destroy();
    this.bus?.destroy();
    this.closeMicrophone();
    this.options.npc.silence();
  }

  /** Whether sight is sending frames. */
  get seeing(): boolean {
    return this.sight?.running === true;
  }

  get hasMicrophone(): boolean {
    return this.mic?.isRecording === true;
  }

  get microphoneSettings(): MediaTrackSettings | null {
    return this.mic?.settings ?? null;
  }

  get micLostSamples(): number {
    return this.mic?.lostSamples ?? 0;
  }

  /** RMS of the last 20 ms of microphone (0..1). */
  get micLevel(): number {
    return this.micLevelValue;
  }

  get voiceStats(): VoiceStats | null {
    const v = this.voice;
    return v ? { bufferedMs: v.bufferedMs, underruns: v.underruns, playedFrames: v.playedFrames, transport: v.transport } : null;
  }

  get echoStatus(): EchoStatus | null {
    const guard = this.uplink?.guard;
    if (!guard) return null;
    const floor = this.uplink?.floor;
    return {
      mode: guard.mode,
      state: guard.state,
      holding: guard.holding,
      estimate: guard.estimate,
      echoCancellation: this.mic?.settings.echoCancellation ?? null,
      held: guard.held,
      leaks: guard.leaks,
      bursts: guard.bursts,
      falseAlarms: guard.falseAlarms,
      copies: guard.copies,
      rawTrack: guard.rawTrack,
      yields: {
        paused: floor?.yields ?? 0,
        confirmed: floor?.confirmed ?? 0,
        resumed: floor?.resumed ?? 0,
        dismissed: floor?.dismissed ?? 0,
      },
    };
  }

  private async openMicrophone(): Promise<void> {
    const { audio, settings, npc, events } = this.options;
    if (!audio || settings.microphone === false) return;
    let mic: MicPart;
    try {
      mic = await audio.openMicrophone(settings.microphone, settings.echo.mode !== 'off', settings.echo.rawTrack !== false);
    } catch (error) {
      // No microphone is not the end of the conversation: typing still works.
      events.report(npc, error);
      return;
    }
    if (this.endedValue) {
      mic.destroy(); // ended while the browser asked
      return;
    }
    this.mic = mic;
    this.uplink = new MicUplink(mic, { ...this.echoParts(mic), talkKey: this.conversation });
    mic.on('ended', ({ reason }) => {
      if (reason !== 'track-ended') return;
      this.conversation.pauseMicrophone();
      events.report(npc, new NpcVoiceError('no-microphone', 'The microphone was disconnected. Typing still works.'));
    });
  }

  /** With the NPC's voice recorded beside the microphone: the echo guard, and the floor it may pause. */
  private echoParts(mic: MicPart): { guard: EchoGuard | null; floor: VoiceFloor | null } {
    const { settings, npc, events } = this.options;
    if (!mic.hasReference || !this.bus) return { guard: null, floor: null };
    mic.connectReference(this.bus.output);
    if (mic.hasRaw && this.options.audio) mic.connectOutput(this.options.audio.gameOutput());
    const cancellerOn = mic.settings.echoCancellation ?? null;
    // A voice that can pause lets the guard ask it to, before the guard believes sound is the player.
    const floor = settings.bargeIn ? this.floor : null;
    const guard: EchoGuard = new EchoGuard(
      cancellerOn,
      (estimate, state) => events.fire('echo', { npc, state, holding: guard.holding, echoCancellation: cancellerOn, ...estimate }),
      { ...(floor ? { probeMs: 360 } : {}), ...settings.echo },
    );
    return { guard, floor };
  }

  private closeMicrophone(): void {
    this.mic?.destroy();
    this.mic = null;
    this.uplink = null;
    this.micLevelValue = 0;
  }
}
