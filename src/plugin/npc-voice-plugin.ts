import * as Phaser from 'phaser';
import { AudioChunker } from './audio/capture/chunker.js';
import { Microphone, type MicrophoneClip } from './audio/capture/microphone.js';
import { type EchoEstimate, EchoGuard, type EchoGuardOptions, type EchoMode, type EchoState } from './audio/echo/echo-guard.js';
import { FloorYield } from './audio/echo/floor-yield.js';
import { GuardedUplink } from './audio/echo/guarded-uplink.js';
import type { DuckingOptions } from './audio/mix/ducker.js';
import { acquireMixer, type GameMixer, type HowlerLike } from './audio/mix/game-mixer.js';
import type { SpatialOptions } from './audio/mix/spatial.js';
import { VoiceBus } from './audio/mix/voice-bus.js';
import { StreamingVoiceSource } from './audio/playback/streaming-voice-source.js';
import type { ActionOutcome } from './dialogue/actions.js';
import {
  Conversation,
  type ConversationMode,
  type ConversationState,
  sessionParamsFor,
  type VoiceOutput,
} from './dialogue/conversation.js';
import { LipSync, type LipSyncOptions } from './dialogue/lip-sync.js';
import { ConversationMemory } from './dialogue/memory.js';
import type { NpcDefinition } from './dialogue/npc.js';
import { validateNpc } from './dialogue/npc.js';
import { ProximityTracker } from './dialogue/proximity.js';
import { SilentVoice } from './dialogue/silent-voice.js';
import { NpcVoiceError } from './errors.js';
import { type Subscription, TypedEmitter } from './events.js';
import { LiveConnection, type LiveConnectionState } from './live/live-connection.js';
import { createLiveModel, type LiveBackend, type LiveModelOptions } from './live/live-model.js';

/** Plugin settings (everything optional; the defaults play the demo on the emulator). */
export interface NpcVoiceConfig extends Partial<Omit<LiveModelOptions, 'backend'>> {
  /** @defaultValue 'emulator' */
  backend?: LiveBackend;
  /** @defaultValue 'open-mic' */
  mode?: ConversationMode;
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
  microphone?: { deviceId?: string; constraints?: MediaTrackConstraints } | false;
  /** Let NPCs see the game (JPEG frames sent as video input while talking). @defaultValue false */
  sight?: SightOptions | false;
  lipSync?: LipSyncOptions;
}

/**
 * What NPCs see when sight is on. Each frame is a JPEG of the game canvas (or of a square around
 * the NPC) sent as realtime video input: at 1 FPS on the real service that is roughly 258 tokens
 * a second (Gemini's rate for video) on top of audio, so leave it off unless the NPC needs it.
 */
export interface SightOptions {
  /** @defaultValue 1 */
  fps?: number;
  /** @defaultValue 'canvas' */
  region?: 'canvas' | 'npc';
  /** Side of the square around the NPC, in screen pixels. @defaultValue 384 */
  size?: number;
  /** JPEG quality 0..1. @defaultValue 0.6 */
  quality?: number;
}

/** A game object the plugin can place: anything with world x/y. */
export type Placed = { x: number; y: number };

/** How {@link NpcHandle.driveMouth} moves a sprite. */
export interface MouthDriver {
  /** Frames from closed to fully open; the sprite shows the one matching `mouthOpen`. */
  frames?: (string | number)[];
  /** Scale the sprite's height between these as the mouth opens. */
  scaleY?: { closed: number; open: number };
}

/** An NPC the plugin knows: its definition, its game object, and its live lip-sync state. */
export class NpcHandle {
  /** Talk radius (world units). */
  radius: number;
  /** How open the mouth is now (0..1), from the audible level of the voice. */
  mouthOpen = 0;
  /** The audible level (RMS, 0..1) of the voice now. */
  level = 0;
  private drivers: { target: Phaser.GameObjects.GameObject; driver: MouthDriver }[] = [];

  /** @internal Use {@link NpcVoicePlugin.addNpc}. */
  constructor(
    readonly definition: NpcDefinition,
    readonly gameObject: Phaser.GameObjects.GameObject & Placed,
    radius: number,
  ) {
    this.radius = radius;
  }

  get id(): string {
    return this.definition.id;
  }

  /** Where the NPC is (its game object). */
  get position(): Placed {
    return this.gameObject;
  }

  /**
   * Moves a sprite with the voice every frame: picks a frame by openness, or scales its height.
   *
   * @example
   * ```ts
   * guard.driveMouth(mouthSprite, { frames: ['mouth-0', 'mouth-1', 'mouth-2'] });
   * ```
   */
  driveMouth(target: Phaser.GameObjects.GameObject, driver: MouthDriver): this {
    this.drivers.push({ target, driver });
    return this;
  }

  /** @internal */
  applyMouth(): void {
    for (const { target, driver } of this.drivers) {
      const sprite = target as Phaser.GameObjects.Sprite;
      if (driver.frames && driver.frames.length > 0) {
        const i = Math.min(driver.frames.length - 1, Math.round(this.mouthOpen * (driver.frames.length - 1)));
        const frame = driver.frames[i] as string | number;
        if (sprite.frame?.name !== String(frame)) sprite.setFrame(frame);
      }
      if (driver.scaleY) sprite.scaleY = driver.scaleY.closed + (driver.scaleY.open - driver.scaleY.closed) * this.mouthOpen;
    }
  }
}

/** Events of the plugin; every payload names the NPC. */
export interface NpcVoiceEvents {
  state: { npc: NpcHandle; state: ConversationState; previous: ConversationState };
  transcript: { npc: NpcHandle; speaker: 'player' | 'npc'; text: string; final: boolean };
  subtitle: { npc: NpcHandle; text: string; final: boolean };
  action: { npc: NpcHandle } & ActionOutcome;
  error: { npc: NpcHandle | null; error: NpcVoiceError };
  mouth: { npc: NpcHandle; open: number };
  /** The echo estimate while an NPC speaks (about twice a second), with what the guard decided. */
  echo: { npc: NpcHandle; state: EchoState; holding: boolean; echoCancellation: boolean | null } & EchoEstimate;
  proximity: { npc: NpcHandle; type: 'approach' | 'enter' | 'leave' | 'depart' };
  connection: { npc: NpcHandle; state: LiveConnectionState };
}

/** Event names, for games that prefer constants to strings. */
export const NpcVoiceEvent = {
  State: 'state',
  Transcript: 'transcript',
  Subtitle: 'subtitle',
  Action: 'action',
  Error: 'error',
  Mouth: 'mouth',
  Echo: 'echo',
  Proximity: 'proximity',
  Connection: 'connection',
} as const satisfies Record<string, keyof NpcVoiceEvents>;

interface Active {
  npc: NpcHandle;
  conversation: Conversation;
  live: LiveConnection;
  voice: StreamingVoiceSource | null;
  output: VoiceOutput;
  bus: VoiceBus | null;
  lip: LipSync;
  /** The microphone through the echo guard to the service, pausing her voice for the player (local barge-in). */
  uplink: GuardedUplink | null;
  subs: Subscription[];
  sightTimer: ReturnType<typeof setInterval> | null;
}

const CHUNK = 320; // 20 ms at 16 kHz
const GESTURES = ['pointerdown', 'keydown', 'touchend'] as const;

/**
 * Real-time voice conversations with NPCs, as a Phaser scene plugin.
 *
 * @example
 * ```ts
 * new Phaser.Game({ ..., plugins: { scene: [{ key: 'NpcVoice', plugin: NpcVoicePlugin, mapping: 'npcVoice' }] } });
 * // in a scene's create():
 * this.npcVoice.configure({ backend: 'emulator', mode: 'open-mic' });
 * const guard = this.npcVoice.addNpc(guardSprite, { id: 'guard', name: 'Edda', persona: '…', voice: 'Kore' });
 * this.npcVoice.setListener(player);
 * this.npcVoice.on('subtitle', ({ npc, text }) => bubble.say(npc, text));
 * await this.npcVoice.talkTo(guard);
 * ```
 */
export class NpcVoicePlugin extends Phaser.Plugins.ScenePlugin {
  /** Conversations remembered per NPC (history and resumption handles); save it with the game. */
  readonly memory = new ConversationMemory();
  private readonly emitter = new NpcVoiceEmitter();
  private config: NpcVoiceConfig = {};
  private readonly npcs: NpcHandle[] = [];
  private listener: Placed | null = null;
  private readonly proximity = new ProximityTracker();
  private active: Active | null = null;
  private starting: Promise<Conversation> | null = null;
  private readonly prepared = new Map<string, LiveConnection>();
  private clip: MicrophoneClip | null = null;
  private chunker: AudioChunker | null = null;
  private mixer: GameMixer | null = null;
  private savedPauseOnBlur: boolean | null = null;
  private onContextState: (() => void) | null = null;
  private gestureListening = false;
  private micLevelValue = 0;
  private readonly sendChunk = (chunk: Float32Array): void => this.onMicChunk(chunk);
  /** Where the echo guard sends the microphone chunks it lets through. */
  private readonly sendGuarded = (chunk: Float32Array): void => this.active?.conversation.pushAudio(chunk);
  private readonly onProximity = (e: { type: 'approach' | 'enter' | 'leave' | 'depart'; id: string }): void => this.handleProximity(e);

  constructor(scene: Phaser.Scene, pluginManager: Phaser.Plugins.PluginManager, pluginKey: string) {
    super(scene, pluginManager, pluginKey);
  }

  /** Phaser calls this once; only listeners here (a copy of every scene plugin boots for Phaser's system scene). */
  override boot(): void {
    const events = this.systems?.events;
    if (!events) return;
    events.on(Phaser.Scenes.Events.START, this.onSceneStart, this);
    events.once(Phaser.Scenes.Events.DESTROY, this.onSceneDestroy, this);
  }

  /** Sets how conversations run. Call before {@link talkTo}; later calls apply to the next conversation. */
  configure(config: NpcVoiceConfig): this {
    this.config = { ...this.config, ...config };
    return this;
  }

  /**
   * Registers a character on a game object (its position drives spatial voice and proximity).
   * @throws {@link NpcVoiceError} `invalid-argument` for a bad definition or a duplicate id.
   */
  addNpc(gameObject: Phaser.GameObjects.GameObject & Placed, definition: NpcDefinition, options: { radius?: number } = {}): NpcHandle {
    validateNpc(definition);
    if (this.npcs.some((n) => n.id === definition.id))
      throw new NpcVoiceError('invalid-argument', `An NPC with id "${definition.id}" is already registered.`);
    const npc = new NpcHandle(definition, gameObject, options.radius ?? this.config.talkRadius ?? 96);
    this.npcs.push(npc);
    return npc;
  }

  /** Unregisters an NPC (ending its conversation if it has one). */
  async removeNpc(npc: NpcHandle | string): Promise<void> {
    const id = typeof npc === 'string' ? npc : npc.id;
    if (this.active?.npc.id === id) await this.endConversation();
    const i = this.npcs.findIndex((n) => n.id === id);
    if (i >= 0) this.npcs.splice(i, 1);
    this.proximity.forget(id);
    await this.dropPrepared(id);
  }

  /** The registered NPC with this id. */
  getNpc(id: string): NpcHandle | undefined {
    return this.npcs.find((n) => n.id === id);
  }

  /** The player (or camera) whose position voices are heard from. */
  setListener(listener: Placed | null): this {
    this.listener = listener;
    return this;
  }

  /** The conversation in progress, if any. */
  get conversation(): Conversation | null {
    return this.active?.conversation ?? null;
  }

  /** The NPC being talked to, if any. */
  get activeNpc(): NpcHandle | null {
    return this.active?.npc ?? null;
  }

  /** The Live connection's state for the conversation in progress (null when none). */
  get connectionState(): LiveConnectionState | null {
    return this.active?.live.state ?? null;
  }

  /** Playback figures of the voice in the conversation (for a debug overlay); null when none. */
  get voiceStats(): { bufferedMs: number; underruns: number; playedFrames: number; transport: 'shared' | 'message' } | null {
    const v = this.active?.voice;
    return v ? { bufferedMs: v.bufferedMs, underruns: v.underruns, playedFrames: v.playedFrames, transport: v.transport } : null;
  }

  /** The echo guard's view of the conversation in progress (null without a microphone). */
  get echoStatus(): {
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
    /** Sound that lasted but stopped when she paused (her echo), sent as silence. */
    falseAlarms: number;
    /** Times her voice paused because the player took the floor; of those, how many the service confirmed and how many she played on after. */
    yields: { paused: number; confirmed: number; resumed: number };
  } | null {
    const uplink = this.active?.uplink;
    if (!uplink) return null;
    const guard = uplink.guard;
    return {
      mode: guard.mode,
      state: guard.state,
      holding: guard.holding,
      estimate: guard.estimate,
      echoCancellation: this.clip?.settings.echoCancellation ?? null,
      held: guard.held,
      leaks: guard.leaks,
      bursts: guard.bursts,
      falseAlarms: guard.falseAlarms,
      yields: {
        paused: uplink.floorYield?.yields ?? 0,
        confirmed: uplink.floorYield?.confirmed ?? 0,
        resumed: uplink.floorYield?.resumed ?? 0,
      },
    };
  }

  /** The microphone track's settings as the browser applied them (echo cancellation, device, …). */
  get microphoneSettings(): MediaTrackSettings | null {
    return this.clip?.settings ?? null;
  }

  /** Samples the microphone lost because frames came too late (hidden tab, long frame). */
  get micLostSamples(): number {
    return this.clip?.lostSamples ?? 0;
  }

  /** The microphone's level (RMS of the last 20 ms, 0..1), for a meter. */
  get micLevel(): number {
    return this.micLevelValue;
  }

  /** True when the microphone is open (false: text only). */
  get hasMicrophone(): boolean {
    return this.clip?.isRecording === true;
  }

  /** Listens to an event; returns a subscription to close. */
  on<K extends keyof NpcVoiceEvents>(event: K, handler: (payload: NpcVoiceEvents[K]) => void): Subscription {
    return this.emitter.on(event, handler);
  }

  /** Stops listening. */
  off<K extends keyof NpcVoiceEvents>(event: K, handler: (payload: NpcVoiceEvents[K]) => void): void {
    this.emitter.off(event, handler);
  }

  /**
   * Starts (or returns) the conversation with `npc`; one at a time, so talking to another NPC ends
   * the current one first. Resolves once connected (the greeting follows).
   * @throws the live layer's {@link NpcVoiceError} when the service refuses.
   */
  async talkTo(npc: NpcHandle | string): Promise<Conversation> {
    const handle = typeof npc === 'string' ? this.getNpc(npc) : npc;
    if (!handle || !this.npcs.includes(handle))
      throw new NpcVoiceError('invalid-argument', `No NPC "${typeof npc === 'string' ? npc : npc.id}" is registered.`);
    if (this.active?.npc === handle && !['ended', 'error'].includes(this.active.conversation.state)) return this.active.conversation;
    if (this.starting) await this.starting.catch(() => {});
    if (this.active?.npc === handle && !['ended', 'error'].includes(this.active.conversation.state)) return this.active.conversation;
    if (this.active) await this.endConversation();
    this.starting = this.beginConversation(handle);
    try {
      return await this.starting;
    } finally {
      this.starting = null;
    }
  }

  /** Ends the current conversation (remembering it) and releases its microphone, voice and socket. */
  async endConversation(): Promise<void> {
    const active = this.active;
    if (!active) return;
    this.active = null;
    if (active.sightTimer) clearInterval(active.sightTimer);
    this.memory.remember(active.npc.id, active.conversation.history, active.live.resumptionHandle);
    await active.conversation.end().catch(() => {});
    for (const s of active.subs) s.close();
    active.conversation.removeAllListeners();
    active.live.removeAllListeners();
    active.voice?.destroy();
    active.bus?.destroy();
    active.npc.mouthOpen = 0;
    active.npc.level = 0;
    active.npc.applyMouth();
    this.mixer?.setDucked(false);
    this.stopMicrophone();
    this.restoreBlur();
  }

  /** Sends a typed line to the NPC being talked to. */
  sendText(text: string): void {
    this.requireActive('sendText').sendText(text);
  }

  /** Push-to-talk: the talk key went down. */
  pressTalk(): void {
    this.active?.conversation.pressTalk();
  }

  /** Push-to-talk: the talk key came up. */
  releaseTalk(): void {
    this.active?.conversation.releaseTalk();
  }

  /**
   * Shares the game's AudioContext with Howler (call before creating any Howl): Howler's master
   * gain goes through the plugin's ducking into Phaser's master volume and mute, and Howler is
   * kept from unlocking or suspending (or closing) the shared context by itself.
   */
  attachHowler(howler: HowlerLike): void {
    this.ensureMixer().attachHowler(howler);
  }

  /** Releases everything (Phaser calls it when the scene is destroyed). */
  override destroy(): void {
    void this.teardown();
    this.emitter.removeAllListeners();
    this.systems?.events.off(Phaser.Scenes.Events.START, this.onSceneStart, this);
    super.destroy();
  }

  // ——— scene lifecycle ———

  private onSceneStart(): void {
    const events = this.systems?.events;
    if (!events) return;
    events.on(Phaser.Scenes.Events.UPDATE, this.update, this);
    events.once(Phaser.Scenes.Events.SHUTDOWN, this.onSceneShutdown, this);
    this.game?.events.on(Phaser.Core.Events.HIDDEN, this.onHidden, this);
    this.game?.events.on(Phaser.Core.Events.VISIBLE, this.onVisible, this);
  }

  /** A stopped scene keeps this instance for its next start: release the per-conversation parts. */
  private onSceneShutdown(): void {
    this.systems?.events.off(Phaser.Scenes.Events.UPDATE, this.update, this);
    this.game?.events.off(Phaser.Core.Events.HIDDEN, this.onHidden, this);
    this.game?.events.off(Phaser.Core.Events.VISIBLE, this.onVisible, this);
    void this.teardown();
    // The scene's create() will register its handlers again on the next start.
    this.emitter.removeAllListeners();
  }

  private onSceneDestroy(): void {
    this.destroy();
  }

  private async teardown(): Promise<void> {
    await this.endConversation();
    for (const id of [...this.prepared.keys()]) await this.dropPrepared(id);
    this.npcs.length = 0;
    this.proximity.clear();
    this.listener = null;
    this.mixer?.release();
    this.mixer = null;
  }

  // ——— the frame loop ———

  private update(_time: number, delta: number): void {
    const active = this.active;
    if (this.listener && (this.config.autoTalk || this.config.earlyConnect))
      this.proximity.update(this.listener, this.npcs, this.onProximity);
    if (!active) return;
    const clip = this.clip;
    if (clip?.hasReference && active.uplink) {
      if (active.uplink.pump(active.conversation.isTalking, performance.now(), this.sendGuarded)) this.micLevelValue = active.uplink.level;
    } else {
      this.chunker?.pump(this.sendChunk);
    }
    active.conversation.update();
    const npc = active.npc;
    if (active.bus && this.listener) active.bus.setOffset(npc.gameObject.x - this.listener.x, npc.gameObject.y - this.listener.y);
    const level = active.voice?.level ?? 0;
    npc.level = level;
    const before = npc.mouthOpen;
    npc.mouthOpen = active.lip.update(level, delta);
    if (Math.abs(npc.mouthOpen - before) > 0.02 || (npc.mouthOpen === 0 && before !== 0)) {
      npc.applyMouth();
      this.emitter.fire('mouth', { npc, open: npc.mouthOpen });
    }
    this.mixer?.setDucked(active.output.state === 'playing' || active.output.bufferedMs > 0);
  }

  private onMicChunk(chunk: Float32Array): void {
    this.measureMic(chunk);
    this.active?.conversation.pushAudio(chunk);
  }

  private measureMic(chunk: Float32Array): void {
    let sum = 0;
    for (let i = 0; i < chunk.length; i++) sum += (chunk[i] as number) * (chunk[i] as number);
    this.micLevelValue = Math.sqrt(sum / chunk.length);
  }

  // ——— starting a conversation ———

  private async beginConversation(npc: NpcHandle): Promise<Conversation> {
    const config = this.config;
    const mode = config.mode ?? 'open-mic';
    const memory = this.memory.get(npc.id);
    const live =
      this.takePrepared(npc.id) ??
      new LiveConnection({
        model: this.liveModel(),
        params: sessionParamsFor(npc.definition, { mode, bargeIn: config.bargeIn ?? true }),
        ...(memory.handle ? { resumeHandle: memory.handle } : {}),
      });
    const context = this.audioContext();
    let voice: StreamingVoiceSource | null = null;
    let bus: VoiceBus | null = null;
    if (context) {
      try {
        const mixer = this.ensureMixer();
        voice = await StreamingVoiceSource.create(context);
        bus = new VoiceBus(context, mixer.voiceInput, { volume: config.npcVolume ?? 1, spatial: config.spatial ?? {} });
        voice.connect(bus.input);
      } catch (error) {
        this.report(npc, error);
      }
    } else {
      this.report(npc, new NpcVoiceError('unsupported', 'This game has no Web Audio sound manager: NPCs will be subtitled, not heard.'));
    }
    const output = voice ?? new SilentVoice();
    const conversation = new Conversation({
      npc: npc.definition,
      live,
      voice: output,
      mode,
      greet: config.greet ?? true,
      history: memory.history,
    });
    const active: Active = {
      npc,
      conversation,
      live,
      voice,
      output,
      bus,
      lip: new LipSync(config.lipSync),
      uplink: null,
      subs: [],
      sightTimer: null,
    };
    this.active = active;
    active.subs.push(
      conversation.on('state', (e) => this.emitter.fire('state', { npc, ...e })),
      conversation.on('transcript', (e) => this.emitter.fire('transcript', { npc, ...e })),
      conversation.on('subtitle', (e) => this.emitter.fire('subtitle', { npc, ...e })),
      conversation.on('action', (e) => this.emitter.fire('action', { npc, ...e })),
      conversation.on('error', ({ error }) => this.emitter.fire('error', { npc, error })),
      live.on('stateChange', ({ state }) => this.emitter.fire('connection', { npc, state })),
    );
    this.keepAliveOnBlur();
    const mic = config.microphone === false ? Promise.resolve() : this.startMicrophone(npc);
    try {
      await Promise.all([conversation.start(), mic]);
    } catch (error) {
      if (this.active === active) await this.endConversation();
      throw error;
    }
    if (config.sight) this.startSight(active, config.sight);
    return conversation;
  }

  private async startMicrophone(npc: NpcHandle): Promise<void> {
    const context = this.audioContext();
    if (!context || this.clip?.isRecording) return;
    const mic = this.config.microphone || {};
    try {
      const echo = this.echoOptions();
      this.clip = await Microphone.start({
        audioContext: context,
        reference: echo.mode !== 'off',
        ...(mic.deviceId ? { deviceId: mic.deviceId } : {}),
        ...(mic.constraints ? { constraints: mic.constraints } : {}),
      });
      this.chunker = new AudioChunker(this.clip, CHUNK);
      const active = this.active;
      if (active?.npc === npc && active.bus && this.clip.hasReference) {
        this.clip.connectReference(active.bus.output);
        const cancellerOn = this.clip.settings.echoCancellation ?? null;
        // A voice that can pause lets the guard ask her to, before it believes sound is the player.
        const yieldFloor = active.voice && (this.config.bargeIn ?? true) ? new FloorYield(active.voice) : null;
        const guard: EchoGuard = new EchoGuard(
          cancellerOn,
          (estimate, state) =>
            this.emitter.fire('echo', { npc, state, holding: guard.holding, echoCancellation: cancellerOn, ...estimate }),
          { ...(yieldFloor ? { probeMs: 360 } : {}), ...echo },
        );
        active.uplink = new GuardedUplink(this.clip, guard, yieldFloor, echo.audibleDb);
      }
      this.clip.on('ended', ({ reason }) => {
        if (reason === 'track-ended') {
          this.active?.conversation.pauseMicrophone();
          this.report(npc, new NpcVoiceError('no-microphone', 'The microphone was disconnected. Typing still works.'));
        }
      });
      if (!this.active || this.active.npc !== npc) this.stopMicrophone(); // ended while the browser asked
    } catch (error) {
      // No microphone is not the end of the conversation: typing still works.
      this.report(npc, error);
    }
  }

  private stopMicrophone(): void {
    this.clip?.destroy();
    this.clip = null;
    this.chunker = null;
    this.micLevelValue = 0;
  }

  /** JPEG frames of the game (or of a square around the NPC) as video input, while talking. */
  private startSight(active: Active, sight: SightOptions): void {
    const renderer = this.game?.renderer as (Phaser.Renderer.Canvas.CanvasRenderer | Phaser.Renderer.WebGL.WebGLRenderer) | undefined;
    if (!renderer?.snapshotArea) return;
    const fps = Math.min(2, Math.max(0.1, sight.fps ?? 1));
    active.sightTimer = setInterval(() => {
      if (this.active !== active || active.live.state !== 'open') return;
      const camera = this.scene?.cameras.main;
      const size = sight.size ?? 384;
      let x = 0;
      let y = 0;
      let w = renderer.width;
      let h = renderer.height;
      if (sight.region === 'npc' && camera) {
        const sx = (active.npc.gameObject.x - camera.worldView.x) * camera.zoom;
        const sy = (active.npc.gameObject.y - camera.worldView.y) * camera.zoom;
        x = Math.max(0, Math.round(sx - size / 2));
        y = Math.max(0, Math.round(sy - size / 2));
        w = Math.min(size, renderer.width - x);
        h = Math.min(size, renderer.height - y);
      }
      renderer.snapshotArea(
        x,
        y,
        w,
        h,
        (image) => {
          const src = (image as HTMLImageElement).src;
          const comma = src?.indexOf(',') ?? -1;
          if (comma > 0) active.live.sendVideoFrame(src.slice(comma + 1));
        },
        'image/jpeg',
        sight.quality ?? 0.6,
      );
    }, 1000 / fps);
  }

  // ——— proximity ———

  private handleProximity(e: { type: 'approach' | 'enter' | 'leave' | 'depart'; id: string }): void {
    const npc = this.getNpc(e.id);
    if (!npc) return;
    this.emitter.fire('proximity', { npc, type: e.type });
    const early = this.config.earlyConnect ?? this.config.autoTalk ?? false;
    if (e.type === 'approach' && early && this.active?.npc !== npc) this.prepare(npc);
    if (e.type === 'depart') void this.dropPrepared(npc.id);
    if (!this.config.autoTalk) return;
    if (e.type === 'enter') this.talkTo(npc).catch((error: unknown) => this.report(npc, error));
    if (e.type === 'leave' && this.active?.npc === npc) void this.endConversation();
  }

  /** Opens the connection ahead of time (nothing is said until talkTo). */
  private prepare(npc: NpcHandle): void {
    if (this.prepared.has(npc.id)) return;
    const memory = this.memory.get(npc.id);
    const live = new LiveConnection({
      model: this.liveModel(),
      params: sessionParamsFor(npc.definition, { mode: this.config.mode ?? 'open-mic', bargeIn: this.config.bargeIn ?? true }),
      ...(memory.handle ? { resumeHandle: memory.handle } : {}),
    });
    this.prepared.set(npc.id, live);
    live.connect().catch(() => this.prepared.delete(npc.id)); // talkTo will try again and report
  }

  private takePrepared(id: string): LiveConnection | null {
    const live = this.prepared.get(id);
    this.prepared.delete(id);
    return live && live.state !== 'closed' ? live : null;
  }

  private async dropPrepared(id: string): Promise<void> {
    const live = this.prepared.get(id);
    this.prepared.delete(id);
    await live?.destroy();
  }

  // ——— focus and visibility ———

  /**
   * Phaser suspends the whole AudioContext on blur; a live conversation must not freeze silently.
   * While one runs, the context is kept running: resumed now if something suspended it (an
   * earlier blur, the autoplay policy), and again on the next click or key if the browser refuses
   * without a gesture. Speech that arrives meanwhile stays queued.
   */
  private keepAliveOnBlur(): void {
    const sound = this.game?.sound;
    if (sound && (this.config.onBlur ?? 'continue') === 'continue' && this.savedPauseOnBlur === null) {
      this.savedPauseOnBlur = sound.pauseOnBlur;
      sound.pauseOnBlur = false;
    }
    const context = this.audioContext();
    if (!context || this.onContextState) return;
    this.onContextState = () => this.resumeAudio();
    context.addEventListener('statechange', this.onContextState);
    this.resumeAudio();
  }

  private resumeAudio(): void {
    const context = this.audioContext();
    if (context?.state !== 'suspended' || !this.active || (this.config.onBlur ?? 'continue') !== 'continue') return;
    context.resume().catch(() => {});
    // Without a user activation the browser keeps it suspended: the next gesture will do.
    if (this.gestureListening || typeof document === 'undefined') return;
    this.gestureListening = true;
    const onGesture = () => {
      for (const type of GESTURES) document.removeEventListener(type, onGesture, true);
      this.gestureListening = false;
      if (this.active) context.resume().catch(() => {});
    };
    for (const type of GESTURES) document.addEventListener(type, onGesture, true);
  }

  private restoreBlur(): void {
    const sound = this.game?.sound;
    if (sound && this.savedPauseOnBlur !== null) sound.pauseOnBlur = this.savedPauseOnBlur;
    this.savedPauseOnBlur = null;
    const context = this.audioContext();
    if (context && this.onContextState) context.removeEventListener('statechange', this.onContextState);
    this.onContextState = null;
  }

  /** Hidden tab: frames stop, so tell the service the audio stopped rather than leave a turn hanging. */
  private onHidden(): void {
    this.active?.conversation.pauseMicrophone();
  }

  /** Back: what the microphone recorded while hidden is stale; drop it and go on from now. */
  private onVisible(): void {
    this.clip?.skipUnread();
    this.chunker?.reset();
  }

  // ——— helpers ———

  private echoOptions(): EchoGuardOptions & { mode: EchoMode } {
    const e = this.config.echo;
    if (typeof e === 'object') return e;
    return { mode: e ?? (this.config.halfDuplex ? 'half-duplex' : 'auto') };
  }

  private liveModel() {
    const c = this.config;
    return createLiveModel({
      backend: c.backend ?? 'emulator',
      ...(c.firebaseApp ? { firebaseApp: c.firebaseApp } : {}),
      ...(c.firebaseConfig ? { firebaseConfig: c.firebaseConfig } : {}),
      ...(c.model ? { model: c.model } : {}),
      ...(c.location ? { location: c.location } : {}),
      ...(c.emulatorUrl ? { emulatorUrl: c.emulatorUrl } : {}),
      ...(c.WebSocket ? { WebSocket: c.WebSocket } : {}),
    });
  }

  /** Phaser's AudioContext, when the game uses Web Audio. */
  private audioContext(): AudioContext | null {
    const sound = this.game?.sound as Partial<Phaser.Sound.WebAudioSoundManager> | undefined;
    return sound?.context instanceof AudioContext ? sound.context : null;
  }

  private ensureMixer(): GameMixer {
    const sound = this.game?.sound as Phaser.Sound.WebAudioSoundManager | undefined;
    if (!sound || !this.audioContext())
      throw new NpcVoiceError(
        'unsupported',
        'NPC voices need Phaser’s Web Audio sound manager (audio.disableWebAudio is set, or the browser has no Web Audio).',
      );
    this.mixer ??= acquireMixer(sound, this.config.ducking ?? {});
    return this.mixer;
  }

  private requireActive(what: string): Conversation {
    const c = this.active?.conversation;
    if (!c) throw new NpcVoiceError('invalid-state', `${what}() needs a conversation: call talkTo(npc) first.`);
    return c;
  }

  private report(npc: NpcHandle | null, error: unknown): void {
    const typed =
      error instanceof NpcVoiceError
        ? error
        : new NpcVoiceError('service-error', error instanceof Error ? error.message : String(error), { cause: error });
    this.emitter.fire('error', { npc, error: typed });
  }
}

/** The plugin's emitter (emit made callable from the plugin). */
class NpcVoiceEmitter extends TypedEmitter<NpcVoiceEvents> {
  fire<K extends keyof NpcVoiceEvents>(event: K, payload: NpcVoiceEvents[K]): void {
    this.emit(event, payload);
  }
}

declare global {
  // biome-ignore lint/suspicious/noRedeclare: this augments Phaser's global namespace so `this.npcVoice` is typed in scenes
  namespace Phaser {
    interface Scene {
      /** The NPC voice plugin (mapped as `npcVoice` in the game config). */
      npcVoice: NpcVoicePlugin;
    }
  }
}
