import * as Phaser from 'phaser';
import { acquireMixer, type GameMixer, type HowlerLike } from './audio/mix/game-mixer.js';
import { type Conversation, sessionParamsFor } from './dialogue/conversation.js';
import { ConversationMemory } from './dialogue/memory.js';
import { type NpcDefinition, validateNpc } from './dialogue/npc.js';
import { type ProximityEvent, ProximityTracker } from './dialogue/proximity.js';
import { NpcVoiceError } from './errors.js';
import type { Subscription } from './events.js';
import { ActiveConversation, type EchoStatus, type VoiceStats } from './game/active-conversation.js';
import { AudioKeepAlive } from './game/audio-keep-alive.js';
import { webAudio } from './game/conversation-audio.js';
import { EarlyConnect } from './game/early-connect.js';
import { NpcHandle, type Placed } from './game/npc-handle.js';
import { NpcVoiceEmitter, type NpcVoiceEvents } from './game/npc-voice-events.js';
import { type NpcVoiceConfig, type NpcVoiceSettings, resolveSettings } from './game/settings.js';
import { sightCamera } from './game/sight-camera.js';
import { assertVoiceSupported } from './game/voice-support.js';
import { LiveConnection, type LiveConnectionState } from './live/live-connection.js';
import { createLiveModel } from './live/live-model.js';

/**
 * Real-time voice conversations with NPCs, as a Phaser scene plugin. This file is the Phaser
 * glue: the scene's lifecycle and frame loop, NPC handles on game objects, the game's mixer.
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
  private settings: NpcVoiceSettings = resolveSettings({});
  private readonly npcs: NpcHandle[] = [];
  private listener: Placed | null = null;
  private readonly proximity = new ProximityTracker();
  private readonly early = new EarlyConnect();
  private active: ActiveConversation | null = null;
  private starting: Promise<Conversation> | null = null;
  private mixer: GameMixer | null = null;
  private keepAlive: AudioKeepAlive | null = null;
  /** Counts teardowns: a conversation still starting when the scene shuts down is abandoned, not kept. */
  private lifetime = 0;
  private readonly onProximity = (e: ProximityEvent): void => this.handleProximity(e);

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
    this.settings = resolveSettings(this.config);
    this.mixer?.setDucking(this.settings.ducking);
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
    const npc = new NpcHandle(definition, gameObject, options.radius ?? this.settings.talkRadius);
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
    await this.early.drop(id);
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
  get voiceStats(): VoiceStats | null {
    return this.active?.voiceStats ?? null;
  }

  /** The echo guard's view of the conversation in progress (null without a microphone). */
  get echoStatus(): EchoStatus | null {
    return this.active?.echoStatus ?? null;
  }

  /** The microphone track's settings as the browser applied them (echo cancellation, device, …). */
  get microphoneSettings(): MediaTrackSettings | null {
    return this.active?.microphoneSettings ?? null;
  }

  /** Samples the microphone lost because frames came too late (hidden tab, long frame). */
  get micLostSamples(): number {
    return this.active?.micLostSamples ?? 0;
  }

  /** The microphone's level (RMS of the last 20 ms, 0..1), for a meter. */
  get micLevel(): number {
    return this.active?.micLevel ?? 0;
  }

  /** True when the microphone is open (false: text only). */
  get hasMicrophone(): boolean {
    return this.active?.hasMicrophone === true;
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
   * @throws the live layer's {@link NpcVoiceError} when the service refuses; `unsupported` when the
   * browser lacks what voices need (an AudioWorklet for a Web Audio game, a WebSocket).
   */
  async talkTo(npc: NpcHandle | string): Promise<Conversation> {
    const handle = typeof npc === 'string' ? this.getNpc(npc) : npc;
    if (!handle || !this.npcs.includes(handle))
      throw new NpcVoiceError('invalid-argument', `No NPC "${typeof npc === 'string' ? npc : npc.id}" is registered.`);
    assertVoiceSupported({ webAudio: this.audioContext() !== null });
    const lifetime = this.lifetime;
    const current = () =>
      this.active?.npc === handle && !['ended', 'error'].includes(this.active.conversation.state) ? this.active : null;
    if (current()) return (current() as ActiveConversation).conversation;
    if (this.starting) await this.starting.catch(() => {});
    if (current()) return (current() as ActiveConversation).conversation;
    if (this.active) await this.endConversation();
    this.starting = this.beginConversation(handle, lifetime);
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
    this.memory.remember(active.npc.id, active.conversation.history, active.live.resumptionHandle);
    this.keepAlive?.release();
    this.mixer?.setDucked(false);
    await active.end();
  }

  /** Sends a typed line to the NPC being talked to. */
  sendText(text: string): void {
    const conversation = this.active?.conversation;
    if (!conversation) throw new NpcVoiceError('invalid-state', 'sendText() needs a conversation: call talkTo(npc) first.');
    conversation.sendText(text);
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
    // The ducking stage goes in before the scene makes its sounds: moving a sound that already
    // plays (disconnect, then connect) can lose a render quantum of it, a click in the music.
    if (this.audioContext()) this.ensureMixer();
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

  /**
   * Releases this scene run's parts. Everything is taken off the plugin at once (a restart runs the
   * new create() before the old conversation has finished closing); only the mixer waits for the
   * voice that plays into it.
   */
  private async teardown(): Promise<void> {
    this.lifetime++;
    const ending = this.endConversation();
    const early = this.early.destroy();
    this.npcs.length = 0;
    this.proximity.clear();
    this.listener = null;
    this.keepAlive?.destroy();
    this.keepAlive = null;
    const mixer = this.mixer;
    this.mixer = null;
    await Promise.all([ending, early]);
    mixer?.release();
  }

  /** The frame loop: Phaser's clock (ms) drives the microphone path, so no clock is read here. */
  private update(time: number, delta: number): void {
    const settings = this.settings;
    if (this.listener && (settings.autoTalk || settings.earlyConnect)) this.proximity.update(this.listener, this.npcs, this.onProximity);
    const active = this.active;
    if (!active) return;
    active.update(time, delta, this.listener);
    this.mixer?.setDucked(active.npcAudible);
  }

  /** Hidden tab: frames stop, so tell the service the audio stopped rather than leave a turn hanging. */
  private onHidden(): void {
    this.active?.hidden();
  }

  /** Back: what the microphone recorded while hidden is stale; drop it and go on from now. */
  private onVisible(): void {
    this.active?.visible();
  }

  // ——— conversations ———

  private async beginConversation(npc: NpcHandle, lifetime: number): Promise<Conversation> {
    const settings = this.settings;
    const context = this.audioContext();
    const active = await ActiveConversation.create({
      npc,
      settings,
      live: this.early.take(npc.id) ?? this.connectionFor(npc),
      history: this.memory.get(npc.id).history,
      events: this.emitter,
      audio: context ? webAudio(context, () => this.ensureMixer(), settings) : null,
      camera: settings.sight && this.game ? sightCamera(this.game, this.scene, npc) : null,
    });
    if (lifetime !== this.lifetime) {
      // The scene shut down (or the plugin was destroyed) while the voice was being made.
      await active.end();
      throw new NpcVoiceError('invalid-state', `The scene shut down before the conversation with "${npc.id}" started.`);
    }
    this.active = active;
    this.keepAlive ??= new AudioKeepAlive(this.game?.sound ?? null, context);
    this.keepAlive.hold(settings.onBlur === 'continue');
    try {
      await active.start();
    } catch (error) {
      if (this.active === active) await this.endConversation();
      throw error;
    }
    return active.conversation;
  }

  private connectionFor(npc: NpcHandle): LiveConnection {
    const { settings } = this;
    const handle = this.memory.get(npc.id).handle;
    return new LiveConnection({
      model: createLiveModel(settings.live),
      params: sessionParamsFor(npc.definition, {
        mode: settings.mode,
        bargeIn: settings.bargeIn,
        ...(settings.liveOptions ? { liveOptions: settings.liveOptions } : {}),
      }),
      ...(handle ? { resumeHandle: handle } : {}),
    });
  }

  private handleProximity(e: ProximityEvent): void {
    const npc = this.getNpc(e.id);
    if (!npc) return;
    this.emitter.fire('proximity', { npc, type: e.type });
    const { autoTalk, earlyConnect } = this.settings;
    if (e.type === 'approach' && earlyConnect && this.active?.npc !== npc) this.early.prepare(npc.id, () => this.connectionFor(npc));
    if (e.type === 'depart') void this.early.drop(npc.id);
    if (!autoTalk) return;
    if (e.type === 'enter') this.talkTo(npc).catch((error: unknown) => this.emitter.report(npc, error));
    if (e.type === 'leave' && this.active?.npc === npc) void this.endConversation();
  }

  // ——— Phaser's audio and renderer ———

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
    this.mixer ??= acquireMixer(sound, this.settings.ducking);
    return this.mixer;
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
