// Test page for the Phaser plugin: a scene with a guard NPC and a player, the emulator from the
// dev server, and the game's final mix recorded from inside the audio graph.
import * as Phaser from 'phaser';
import { MicChunk } from '../../../src/plugin/audio/capture/mic-chunk.ts';
import { VoiceActivity } from '../../../src/plugin/audio/capture/voice-activity.ts';
import { type NpcHandle, type NpcVoiceConfig, NpcVoicePlugin } from '../../../src/plugin/index.ts';
import recorderUrl from './recorder.worklet.js?url';

// ——— instrumentation: what is alive ———
const sockets = new Set<WebSocket>();
const RealWebSocket = window.WebSocket;
window.WebSocket = class extends RealWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    sockets.add(this);
  }
} as typeof WebSocket;
const worklets = new Set<AudioWorkletNode>();
const RealWorkletNode = window.AudioWorkletNode;
window.AudioWorkletNode = class extends RealWorkletNode {
  constructor(ctx: BaseAudioContext, name: string, options?: AudioWorkletNodeOptions) {
    super(ctx, name, options);
    if (name.startsWith('npc-voice')) {
      worklets.add(this);
      const close = this.port.close.bind(this.port);
      this.port.close = () => {
        worklets.delete(this);
        close();
      };
    }
  }
} as typeof AudioWorkletNode;
const tracks: MediaStreamTrack[] = [];
const realGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (c) => {
  const stream = await realGetUserMedia(c);
  tracks.push(...stream.getTracks());
  return stream;
};

interface Logged {
  t: number;
  kind: string;
  data: Record<string, unknown>;
}

class Village extends Phaser.Scene {
  guard!: NpcHandle;
  player!: Phaser.GameObjects.Rectangle;
  constructor() {
    super('village');
  }
  create() {
    const config = (this.registry.get('config') as NpcVoiceConfig) ?? {};
    this.npcVoice.configure({ backend: 'emulator', ...config });
    const guardSprite = this.add.rectangle(400, 300, 32, 48, 0x3355aa);
    this.player = this.add.rectangle(440, 300, 32, 48, 0xaa5533);
    this.guard = this.npcVoice.addNpc(guardSprite, {
      id: 'guard',
      name: 'Edda',
      persona: 'You are Edda, the stern gate guard of Oakvale.',
      voice: 'Kore',
      greeting: 'Halt! Who goes there?',
      sampleLines: ['The gate stays shut after dark.', 'State your business, traveller.'],
      ...(this.registry.get('longGreeting')
        ? { greeting: 'Halt traveller who goes there on this cold and windy evening at the old north gate of Oakvale' }
        : {}),
      actions: { open_gate: { description: 'Opens the village gate.', handler: () => ({ message: 'The gate swings open.' }) } },
    });
    this.npcVoice.setListener(this.player);
    const log = (kind: string) => (data: object) => h.log.push({ t: performance.now(), kind, data: summarize(data) });
    for (const e of ['state', 'transcript', 'subtitle', 'action', 'error', 'connection', 'proximity'] as const) this.npcVoice.on(e, log(e));
    this.npcVoice.on('state', ({ state }) => h.recorder?.port.postMessage({ type: 'mark', id: state }));
  }
}

function summarize(data: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (k === 'npc') out.npc = (v as NpcHandle).id;
    else if (k === 'error') out.error = { code: (v as { code?: string }).code, message: (v as Error).message };
    else out[k] = v;
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const h = {
  game: null as Phaser.Game | null,
  log: [] as Logged[],
  recording: [] as number[],
  recorder: null as AudioWorkletNode | null,
  startFrame: -1,
  /** Recording index at which named moments happened (stamped on the audio thread). */
  marks: {} as Record<string, number>,
  frameTimes: [] as number[],

  async boot(config: NpcVoiceConfig = {}, options: { longGreeting?: boolean } = {}) {
    const game = new Phaser.Game({
      type: Phaser.CANVAS,
      width: 800,
      height: 600,
      parent: 'game',
      audio: { context: new AudioContext({ latencyHint: 'interactive' }) },
      plugins: { scene: [{ key: 'NpcVoice', plugin: NpcVoicePlugin, mapping: 'npcVoice' }] },
      scene: [],
    });
    h.game = game;
    await new Promise<void>((resolve) => game.events.once(Phaser.Core.Events.READY, () => resolve()));
    game.registry.set('config', config);
    game.registry.set('longGreeting', options.longGreeting ?? false);
    game.scene.add('village', Village, true);
    await until(() => !!h.scene());
    const ctx = (game.sound as Phaser.Sound.WebAudioSoundManager).context;
    await ctx.resume();
    await ctx.audioWorklet.addModule(recorderUrl);
    const rec = new AudioWorkletNode(ctx, 'test-recorder', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
    rec.port.onmessage = (e) => {
      if (e.data.type === 'block') {
        if (h.startFrame < 0) h.startFrame = e.data.frame;
        for (const v of e.data.samples as Float32Array) h.recording.push(v);
      }
      if (e.data.type === 'mark') h.marks[e.data.id] = e.data.index;
    };
    // Tap the master volume node: what the player hears, after Phaser's mute and volume.
    (game.sound as Phaser.Sound.WebAudioSoundManager).masterVolumeNode.connect(rec);
    rec.connect(ctx.destination);
    h.recorder = rec;
    game.events.on(Phaser.Core.Events.POST_STEP, (_t: number, delta: number) => h.frameTimes.push(delta));
    return { sampleRate: ctx.sampleRate };
  },

  scene(): Village | null {
    return (h.game?.scene?.getScene('village') as Village | null) ?? null;
  },

  plugin(): NpcVoicePlugin {
    return (h.scene() as Village).npcVoice;
  },

  async talk() {
    const scene = h.scene() as Village;
    await scene.npcVoice.talkTo(scene.guard);
    return scene.npcVoice.conversation?.state;
  },

  /** Plays 16 kHz speech into the conversation as 20 ms chunks in real time (a scripted microphone). */
  async speak(url: string) {
    const buf = await (await fetch(url)).arrayBuffer();
    const ctx = new OfflineAudioContext(1, 1, 16000);
    const audio = await ctx.decodeAudioData(buf);
    const samples = audio.getChannelData(0);
    const vad = new VoiceActivity();
    for (let i = 0; i + 320 <= samples.length; i += 320) {
      const chunk = new MicChunk(samples.slice(i, i + 320)).measure();
      vad.classify(chunk);
      h.plugin().conversation?.pushAudio(chunk);
      await sleep(20);
    }
  },

  recordedFrames: () => h.recording.length,
  rms(from: number, to: number) {
    let sum = 0;
    const end = Math.min(to, h.recording.length);
    for (let i = from; i < end; i++) sum += (h.recording[i] as number) ** 2;
    return end > from ? Math.sqrt(sum / (end - from)) : 0;
  },

  mark(): number {
    return h.recording.length;
  },

  setMute(mute: boolean) {
    (h.game as Phaser.Game).sound.mute = mute;
  },

  guardLevel: () => (h.scene() as Village).guard.level,

  state: () => h.plugin().conversation?.state ?? null,

  async stopScene() {
    h.game?.scene.stop('village');
    await sleep(300);
  },

  async startScene() {
    h.game?.scene.start('village');
    await until(() => !!h.scene()?.guard && h.scene()?.sys.isActive() === true);
  },

  /** scene.restart() (the demo does it when settings change), then waits for the new create(). */
  async restartScene() {
    const old = (h.scene() as Village).guard;
    h.scene()?.scene.restart();
    await until(() => !!h.scene()?.guard && h.scene()?.guard !== old && h.scene()?.sys.isActive() === true);
    await sleep(600); // long enough for the old run's conversation to have closed
  },

  /** Stops the scene while a conversation is starting; what talkTo did, and Phaser's blur setting after. */
  async stopWhileStarting() {
    const game = h.game as Phaser.Game;
    const scene = h.scene() as Village;
    const talking = scene.npcVoice.talkTo(scene.guard).then(
      () => 'started',
      (e: { code?: string }) => e.code ?? 'error',
    );
    game.scene.stop('village');
    const outcome = await talking;
    await sleep(500);
    return { outcome, pauseOnBlur: game.sound.pauseOnBlur };
  },

  async endConversation() {
    await h.plugin().endConversation();
  },

  alive() {
    const scene = h.scene();
    const game = h.game;
    return {
      sockets: [...sockets].filter((s) => s.readyState === WebSocket.OPEN || s.readyState === WebSocket.CONNECTING).length,
      worklets: worklets.size,
      liveTracks: tracks.filter((t) => t.readyState === 'live').length,
      sceneUpdateListeners: scene?.sys?.events?.listenerCount('update') ?? 0,
      gameHiddenListeners: game?.events?.listenerCount('hidden') ?? 0,
    };
  },

  async destroyGame() {
    h.game?.destroy(true);
    await sleep(500);
  },
};

async function until(check: () => boolean, timeoutMs = 10_000) {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error('until: timed out');
    await sleep(20);
  }
}

declare global {
  interface Window {
    h: typeof h;
  }
}
window.h = h;
