import * as Phaser from 'phaser';
import gateSheet from '../../../assets/sprites/gate.png';
import guardSheet from '../../../assets/sprites/guard.png';
import merchantSheet from '../../../assets/sprites/merchant.png';
import playerSheet from '../../../assets/sprites/player.png';
import sageSheet from '../../../assets/sprites/sage.png';
import shrineImage from '../../../assets/sprites/shrine.png';
import stallImage from '../../../assets/sprites/stall.png';
import tilesImage from '../../../assets/sprites/tiles.png';
import treeImage from '../../../assets/sprites/tree.png';
import { type Conversation, type ConversationState, type NpcHandle, NpcVoiceError } from '../../plugin/index.ts';
import type { Ambience } from '../audio/ambience.ts';
import { backendConfig } from '../backend.ts';
import { villagers, type WorldActions } from '../characters.ts';
import type { DebugOverlay } from '../ui/debug-overlay.ts';
import type { Hud, Item } from '../ui/hud.ts';
import { Screens } from '../ui/screens.ts';
import type { DemoSettings } from '../ui/settings.ts';
import type { TranscriptPanel } from '../ui/transcript.ts';
import { NpcView } from './npc-view.ts';
import { Player } from './player.ts';
import { buildVillage, HEIGHT, solidIndices, tileIndex, WIDTH } from './village-map.ts';

const T = 16;
const at = (tile: number) => tile * T + T / 2;

/** What the scene needs from the page around it. */
export interface SceneServices {
  hud: Hud;
  transcript: TranscriptPanel;
  debug: DebugOverlay;
  settings: () => DemoSettings;
  ambience: (scene: VillageScene) => Ambience;
}

/** Oakvale: walk around, talk to Edda, Mira and Maelis. */
export class VillageScene extends Phaser.Scene {
  player!: Player;
  readonly views = new Map<string, NpcView>();
  readonly handles = new Map<string, NpcHandle>();
  gateOpen = false;
  inventory: Item[] = [];
  private services!: SceneServices;
  private ambience!: Ambience;
  private gate!: Phaser.Types.Physics.Arcade.SpriteWithStaticBody;
  private waterLayer: Phaser.Tilemaps.TilemapLayer | null = null;
  private thinkingSince = 0;
  /** End of the player's speech → first reply audio, ms (client-side estimate), for the debug overlay. */
  lastLatencyMs: number | null = null;
  /** Player audio the service never got (milliseconds, and how many times), for the debug overlay. */
  private audioDropped = { ms: 0, times: 0 };
  private shrineReached = false;
  private typing = false;

  constructor() {
    super('village');
  }

  init(services: SceneServices): void {
    this.services = services;
  }

  preload(): void {
    this.load.image('tiles', tilesImage);
    this.load.spritesheet('player', playerSheet, { frameWidth: 16, frameHeight: 24 });
    this.load.spritesheet('guard', guardSheet, { frameWidth: 16, frameHeight: 24 });
    this.load.spritesheet('merchant', merchantSheet, { frameWidth: 16, frameHeight: 24 });
    this.load.spritesheet('sage', sageSheet, { frameWidth: 16, frameHeight: 24 });
    this.load.spritesheet('gate', gateSheet, { frameWidth: 48, frameHeight: 24 });
    this.load.image('tree', treeImage);
    this.load.image('stall', stallImage);
    this.load.image('shrine', shrineImage);
  }

  create(): void {
    const layout = buildVillage();
    this.ambience = this.services.ambience(this);
    const map = this.make.tilemap({ data: layout.tiles, tileWidth: T, tileHeight: T });
    const tileset = map.addTilesetImage('tiles', 'tiles', T, T, 0, 0) as Phaser.Tilemaps.Tileset;
    const ground = map.createLayer(0, tileset, 0, 0) as Phaser.Tilemaps.TilemapLayer;
    ground.setCollision(solidIndices());
    this.waterLayer = ground;
    this.physics.world.setBounds(0, 0, WIDTH * T, HEIGHT * T);

    const statics = this.physics.add.staticGroup();
    for (const tree of layout.trees) {
      const img = statics.create(at(tree.x), at(tree.y) - 12, 'tree') as Phaser.Types.Physics.Arcade.SpriteWithStaticBody;
      img
        .setSize(10, 8)
        .setOffset(11, 31)
        .setDepth(at(tree.y) + 8);
      img.refreshBody();
    }
    const stall = statics.create(at(layout.stall.x), at(layout.stall.y), 'stall') as Phaser.Types.Physics.Arcade.SpriteWithStaticBody;
    stall
      .setSize(48, 14)
      .setOffset(0, 22)
      .setDepth(at(layout.stall.y) + 10);
    stall.refreshBody();
    const shrine = statics.create(
      at(layout.shrine.x) + 8,
      at(layout.shrine.y),
      'shrine',
    ) as Phaser.Types.Physics.Arcade.SpriteWithStaticBody;
    shrine
      .setSize(20, 10)
      .setOffset(2, 26)
      .setDepth(at(layout.shrine.y) + 12);
    shrine.refreshBody();
    this.gate = this.physics.add.staticSprite(at(layout.gate.x + 1), layout.gate.y * T + 4, 'gate', 0);
    this.gate.setDepth(layout.gate.y * T + 16);

    this.player = new Player(this, at(layout.spawn.x), at(layout.spawn.y), () => this.ambience.footstep());
    this.physics.add.collider(this.player.sprite, ground);
    this.physics.add.collider(this.player.sprite, statics);
    this.physics.add.collider(this.player.sprite, this.gate);

    // The villagers.
    const world: WorldActions = { openGate: () => this.openGate(), giveItem: (item) => this.giveItem(item) };
    const settings = this.services.settings();
    this.npcVoice.configure({
      ...backendConfig(settings.backend),
      mode: settings.mode,
      autoTalk: settings.talk === 'auto',
      earlyConnect: true,
      npcVolume: settings.voiceVolume,
      talkRadius: 40,
      microphone: settings.micDeviceId ? { deviceId: settings.micDeviceId } : {},
      echo: settings.echo,
    });
    for (const def of villagers(world)) {
      const spot = layout.npcs[def.id as keyof typeof layout.npcs];
      const view = new NpcView(this, def.id, at(spot.x), at(spot.y) - 4, def.name);
      this.physics.add.collider(this.player.sprite, view.sprite);
      const handle = this.npcVoice.addNpc(view.sprite, def, { radius: def.id === 'merchant' ? 56 : 40 });
      handle.driveMouth(view.sprite, { frames: [0, 1, 2] });
      this.views.set(def.id, view);
      this.handles.set(def.id, handle);
    }
    this.npcVoice.setListener(this.player.sprite);
    this.wireConversation();

    // Camera: follow the traveller, pixel-perfect.
    this.cameras.main
      .setBounds(0, 0, WIDTH * T, HEIGHT * T)
      .startFollow(this.player.sprite, true, 0.15, 0.15)
      .setZoom(3)
      .setRoundPixels(true);

    this.wireInput();
    this.time.addEvent({ delay: 600, loop: true, callback: () => this.animateWater() });
    this.ambience.startMusic();
    this.refreshHud();
  }

  // ——— world actions (the villagers' functions) ———

  openGate(): { opened: boolean } {
    if (this.gateOpen) return { opened: false };
    this.gateOpen = true;
    this.gate.setFrame(1);
    this.gate.disableBody(false, false); // passable, still drawn (open)
    this.ambience.play('gate');
    this.services.hud.toast('The north gate swings open.');
    this.services.transcript.note('The north gate is open.');
    document.body.dataset.gate = 'open';
    return { opened: true };
  }

  giveItem(item: Item): { given: boolean; alreadyHad: boolean } {
    if (this.inventory.includes(item)) return { given: false, alreadyHad: true };
    if (this.inventory.length >= 3) return { given: false, alreadyHad: false };
    this.inventory.push(item);
    this.services.hud.setInventory(this.inventory);
    this.ambience.play('item');
    this.services.hud.toast(`You received: ${item}.`);
    this.services.transcript.note(`You received ${item === 'apple' ? 'an apple' : item === 'bread' ? 'bread' : 'a lantern'}.`);
    return { given: true, alreadyHad: false };
  }

  // ——— conversation ———

  /** Starts talking with the nearest villager in range (E, or a tap on them). */
  async talkToNearest(): Promise<void> {
    const npc = this.nearestInRange();
    if (npc) await this.talk(npc);
  }

  async talk(npc: NpcHandle): Promise<Conversation | null> {
    if (this.npcVoice.activeNpc === npc && this.npcVoice.conversation?.state !== 'error') return this.npcVoice.conversation;
    this.ambience.play('talk');
    this.player.stop();
    try {
      const conversation = await this.npcVoice.talkTo(npc);
      Screens.clearBanner('service');
      return conversation;
    } catch (error) {
      const e = error instanceof NpcVoiceError ? error : null;
      const unreachable = !e || ['network', 'handshake-failed', 'reconnect-failed', 'service-error'].includes(e.code);
      if (e && (e.code === 'unsupported' || e.code === 'no-audio-worklet')) {
        this.onError(npc, e); // the "no voices in this browser" screen
      } else if (unreachable) {
        Screens.fatal(
          'The villagers cannot hear you',
          `The ${this.services.settings().backend === 'emulator' ? 'local emulator' : 'Gemini service'} did not answer (${e?.message ?? String(error)}). Is the dev server still running?`,
          { label: 'Try again', run: () => void this.talk(npc) },
        );
      } else {
        Screens.banner('service', e.message);
      }
      return null;
    }
  }

  async endTalk(): Promise<void> {
    await this.npcVoice.endConversation();
    this.refreshHud();
  }

  private wireConversation(): void {
    const { hud, transcript } = this.services;
    this.npcVoice.on('state', ({ npc, state, previous }) => {
      const view = this.views.get(npc.id);
      if (state === 'thinking') this.thinkingSince = performance.now();
      if (state === 'speaking' && previous === 'thinking' && this.thinkingSince)
        this.lastLatencyMs = performance.now() - this.thinkingSince;
      view?.think(state === 'thinking');
      if (state === 'interrupted' || state === 'ended') view?.clearBubble();
      if (state === 'ended') transcript.note(`— you part ways with ${npc.definition.name} —`);
      document.body.dataset.conversation = state;
      this.refreshHud();
    });
    this.npcVoice.on('subtitle', ({ npc, text, final }) => this.views.get(npc.id)?.say(text, final));
    this.npcVoice.on('transcript', ({ npc, speaker, text, final }) => {
      transcript.line(speaker === 'npc' ? npc.definition.name : 'You', speaker, text, final);
    });
    this.npcVoice.on('connection', ({ state }) =>
      hud.setConnection(state === 'reconnecting' ? 'Reconnecting…' : state === 'connecting' ? 'Connecting…' : ''),
    );
    this.npcVoice.on('error', ({ npc, error }) => this.onError(npc, error));
    this.npcVoice.on('audioDropped', ({ ms }) => {
      this.audioDropped.ms += ms;
      this.audioDropped.times++;
    });
  }

  private onError(npc: NpcHandle | null, error: NpcVoiceError): void {
    switch (error.code) {
      case 'permission-denied':
      case 'no-microphone':
      case 'microphone-busy':
      case 'insecure-context':
        Screens.banner('mic', error.message);
        document.body.dataset.mic = 'denied';
        this.services.hud.focusText();
        break;
      case 'no-audio-worklet':
      case 'unsupported':
        Screens.fatal('No voices in this browser', `${error.message} You can still talk by typing and read what the villagers say.`, {
          label: 'Continue with text',
          run: () => this.services.hud.focusText(),
        });
        break;
      case 'reconnect-failed':
        Screens.fatal('Connection lost', error.message, { label: 'Try again', run: () => npc && void this.talk(npc) });
        break;
      default:
        Screens.banner('service', error.message);
    }
    this.refreshHud();
  }

  refreshHud(): void {
    const plugin = this.npcVoice;
    const c = plugin.conversation;
    this.services.hud.showState(
      c?.state ?? null,
      plugin.activeNpc?.definition.name ?? null,
      c?.mode ?? this.services.settings().mode,
      plugin.hasMicrophone,
    );
  }

  // ——— input ———

  private wireInput(): void {
    const kb = this.input.keyboard;
    kb?.on('keydown-E', () => {
      if (!this.typing) void this.talkToNearest();
    });
    kb?.on('keydown-ESC', () => void this.endTalk());
    kb?.on('keydown-ENTER', () => this.services.hud.focusText());
    const space = kb?.addKey('SPACE');
    space?.on('down', () => !this.typing && this.npcVoice.pressTalk());
    space?.on('up', () => this.npcVoice.releaseTalk());
    // Tap or click: on a villager in range → talk; anywhere else → walk there.
    this.input.on('pointerdown', (pointer: Phaser.Input.Pointer) => {
      const p = pointer.positionToCamera(this.cameras.main) as Phaser.Math.Vector2;
      for (const [id, view] of this.views) {
        if (Math.hypot(view.x - p.x, view.y - p.y) < 14 && this.inRange(id)) {
          void this.talk(this.handles.get(id) as NpcHandle);
          return;
        }
      }
      this.player.walkTo(p.x, p.y);
    });
  }

  /** The page tells the scene when a text box has focus (game keys off). */
  setTyping(typing: boolean): void {
    this.typing = typing;
    this.player.frozen = typing;
    if (this.input.keyboard) this.input.keyboard.enabled = !typing;
  }

  // ——— frame loop ———

  override update(_time: number, delta: number): void {
    this.player.update();
    const talking = this.npcVoice.activeNpc;
    const nearest = talking ? null : this.nearestInRange();
    const auto = this.services.settings().talk === 'auto';
    for (const [id, view] of this.views) {
      view.update();
      view.showPrompt(!auto && nearest?.id === id, 'E  to talk');
    }
    if (!this.shrineReached && this.player.y < 7 * T) {
      this.shrineReached = true;
      this.services.hud.toast('You step out to the Standing Stone. Well met, traveller.');
      this.services.transcript.note('You reached the Standing Stone.');
      document.body.dataset.shrine = 'reached';
    }
    this.services.hud.setMicLevel(this.npcVoice.micLevel, this.npcVoice.hasMicrophone);
    this.services.debug.frame(delta, () => this.debugNumbers());
  }

  private debugNumbers(): Record<string, string | number> {
    const plugin = this.npcVoice;
    const voice = plugin.voiceStats;
    return {
      backend: this.services.settings().backend,
      connection: plugin.connectionState ?? '—',
      conversation: plugin.conversation?.state ?? '—',
      'reply latency': this.lastLatencyMs === null ? '—' : `${Math.round(this.lastLatencyMs)} ms (speech end → voice)`,
      'voice buffer': voice ? `${Math.round(voice.bufferedMs)} ms` : '—',
      underruns: voice?.underruns ?? '—',
      transport: voice?.transport ?? '—',
      microphone: plugin.hasMicrophone
        ? `${(20 * Math.log10(plugin.micLevel + 1e-6)).toFixed(0)} dBFS, ${plugin.micLostSamples} lost`
        : 'off',
      'audio dropped': this.audioDropped.times ? `${Math.round(this.audioDropped.ms)} ms (${this.audioDropped.times}×)` : '0 ms',
      'echo canceller': plugin.microphoneSettings ? String(plugin.microphoneSettings.echoCancellation ?? 'unknown') : '—',
      echo: this.echoLine(),
    };
  }

  private echoLine(): string {
    const e = this.npcVoice.echoStatus;
    if (!e) return '—';
    const figure = e.estimate
      ? ` · return loss ${e.estimate.returnLossDb.toFixed(0)} dB, r ${e.estimate.correlation.toFixed(2)}, ${e.estimate.lagMs} ms`
      : '';
    const y = e.yields;
    return `${e.mode}: ${e.state}${e.holding ? ' (mic held)' : ''}${figure} · leaks ${e.leaks}, bursts ${e.bursts}, copies ${e.copies} · paused ${y.paused}: ${y.confirmed} barge-in, ${e.falseAlarms} echo`;
  }

  private nearestInRange(): NpcHandle | null {
    let best: NpcHandle | null = null;
    let bestD = Number.POSITIVE_INFINITY;
    for (const [id, handle] of this.handles) {
      const d = Math.hypot(handle.gameObject.x - this.player.x, handle.gameObject.y - this.player.y);
      if (d <= handle.radius && d < bestD && this.inRange(id)) {
        best = handle;
        bestD = d;
      }
    }
    return best;
  }

  private inRange(id: string): boolean {
    const h = this.handles.get(id);
    return !!h && Math.hypot(h.gameObject.x - this.player.x, h.gameObject.y - this.player.y) <= h.radius;
  }

  private animateWater(): void {
    this.waterLayer?.swapByIndex(tileIndex('waterA'), tileIndex('waterB'));
  }

  /** For tests and tools: where things are. */
  snapshot(): { player: { x: number; y: number }; gateOpen: boolean; inventory: Item[]; state: ConversationState | null } {
    return {
      player: { x: this.player.x, y: this.player.y },
      gateOpen: this.gateOpen,
      inventory: [...this.inventory],
      state: this.npcVoice.conversation?.state ?? null,
    };
  }
}
