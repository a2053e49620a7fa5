// Test page for the Phaser plugin: a scene with a guard NPC and a player, the emulator from the
// dev server, and the game's final mix recorded from inside the audio graph.
import { initializeApp } from 'firebase/app';
import { CustomProvider, initializeAppCheck } from 'firebase/app-check';
import { Howl, Howler } from 'howler';
import * as Phaser from 'phaser';
import { MicChunk } from '../../../src/plugin/audio/capture/mic-chunk.ts';
import { VoiceActivity } from '../../../src/plugin/audio/capture/voice-activity.ts';
import { Resampler } from '../../../src/plugin/audio/dsp/resampler.ts';
import { type NpcHandle, type NpcVoiceConfig, NpcVoicePlugin } from '../../../src/plugin/index.ts';
import { guardNpc } from '../../support/characters.ts';
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

// Uncaught errors and unhandled rejections, kept by the page itself (WebKit's driver reports none).
const pageErrors: string[] = [];
addEventListener('error', (e) => pageErrors.push(String(e.error ?? e.message)));
addEventListener('unhandledrejection', (e) => pageErrors.push(String(e.reason)));

/** configure()'s settings, plus `testAppCheck`: App Check with tokens the test mints (`window.mintAppCheck`). */
type HarnessConfig = NpcVoiceConfig & { testAppCheck?: boolean };

declare global {
  interface Window {
    /** Exposed by a test (page.exposeFunction): a token the enforcing emulator accepts, and its expiry. */
    mintAppCheck?: () => Promise<{ token: string; expireTimeMillis: number }>;
  }
}

let appChecks = 0;
/** The game's App Check as a game makes it, with a custom provider whose tokens come from the test. */
function testAppCheckInstance() {
  const app = initializeApp({ apiKey: 'browser-key', projectId: 'game', appId: '1:1:web:1' }, `harness-app-check-${appChecks++}`);
  const provider = new CustomProvider({
    getToken: () => {
      if (!window.mintAppCheck) throw new Error('the test did not expose mintAppCheck');
      return window.mintAppCheck();
    },
  });
  return initializeAppCheck(app, { provider, isTokenAutoRefreshEnabled: false });
}

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
    const { testAppCheck, ...config } = (this.registry.get('config') as HarnessConfig) ?? {};
    this.npcVoice.configure({ backend: 'emulator', ...config, ...(testAppCheck ? { appCheck: testAppCheckInstance() } : {}) });
    const guardSprite = this.add.rectangle(400, 300, 32, 48, 0x3355aa);
    const at = (this.registry.get('playerAt') as { x: number; y: number } | null) ?? { x: 440, y: 300 };
    this.player = this.add.rectangle(at.x, at.y, 32, 48, 0xaa5533);
    this.guard = this.npcVoice.addNpc(
      guardSprite,
      guardNpc(
        this.registry.get('longGreeting')
          ? { greeting: 'Halt traveller who goes there on this cold and windy evening at the old north gate of Oakvale' }
          : {},
      ),
    );
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
  errors: pageErrors,
  recording: [] as number[],
  recorder: null as AudioWorkletNode | null,
  startFrame: -1,
  /** Recording index at which named moments happened (stamped on the audio thread). */
  marks: {} as Record<string, number>,
  frameTimes: [] as number[],
  /** Every state the game's AudioContext went through (statechange), in order. */
  contextStates: [] as string[],

  /** Starts the game; the player stands at `playerAt` (default 40 px from the guard, inside its radius). */
  async boot(config: HarnessConfig = {}, options: { longGreeting?: boolean; playerAt?: { x: number; y: number } } = {}) {
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
    game.registry.set('playerAt', options.playerAt ?? null);
    game.scene.add('village', Village, true);
    await until(() => !!h.scene());
    const ctx = (game.sound as Phaser.Sound.WebAudioSoundManager).context;
    ctx.addEventListener('statechange', () => h.contextStates.push(ctx.state));
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
    // Decoded at 48 kHz and resampled here: WebKit refuses contexts under 22.05 kHz.
    const audio = await new OfflineAudioContext(1, 1, 48000).decodeAudioData(buf);
    const resampler = new Resampler(48000, 16000);
    const samples = Float32Array.from([...resampler.process(audio.getChannelData(0)), ...resampler.flush()]);
    const vad = new VoiceActivity();
    for (let i = 0; i + 320 <= samples.length; i += 320) {
      const chunk = new MicChunk(samples.slice(i, i + 320)).measure();
      vad.classify(chunk);
      h.plugin().conversation?.pushAudio(chunk);
      // The last loud chunk's arrival, stamped on the audio thread: where voice to voice starts.
      if (chunk.level > 0.01) h.recorder?.port.postMessage({ type: 'mark', id: 'speechEnd' });
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

  /** First recording index from `from` whose 10 ms window is louder than `level` (RMS), or -1. */
  onsetAfter(from: number, level: number, windowFrames: number) {
    for (let i = from; i + windowFrames <= h.recording.length; i += windowFrames) if (h.rms(i, i + windowFrames) > level) return i;
    return -1;
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
      /** Of those, the microphone's raw twin (the browser's processing off) that the echo guard reads beside it. */
      liveRawTracks: tracks.filter((t) => t.readyState === 'live' && t.getSettings().echoCancellation === false).length,
      sceneUpdateListeners: scene?.sys?.events?.listenerCount('update') ?? 0,
      gameHiddenListeners: game?.events?.listenerCount('hidden') ?? 0,
    };
  },

  async destroyGame() {
    h.game?.destroy(true);
    await sleep(500);
  },

  sendText(text: string) {
    h.plugin().sendText(text);
  },

  /** The plugin's configure() (applies to the next conversation). */
  configure({ testAppCheck, ...config }: HarnessConfig) {
    h.plugin().configure({ ...config, ...(testAppCheck ? { appCheck: testAppCheckInstance() } : {}) });
  },

  // ——— the game around the conversation: music, Howler, focus, visibility, the player ———

  /** Plays a looping sine through Phaser's sound manager, as a game plays its music. */
  playMusicTone(frequency: number, amplitude: number) {
    const game = h.game as Phaser.Game;
    const ctx = (game.sound as Phaser.Sound.WebAudioSoundManager).context;
    const buffer = ctx.createBuffer(1, ctx.sampleRate, ctx.sampleRate); // 1 s: a whole number of periods
    const data = buffer.getChannelData(0);
    for (let i = 0; i < data.length; i++) data[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / ctx.sampleRate);
    game.cache.audio.add('music-tone', buffer);
    game.sound.add('music-tone', { loop: true }).play();
  },

  /** Shares the game's context with Howler through the plugin and plays a looping sine as a Howl. */
  async playHowlerTone(frequency: number, amplitude: number) {
    h.plugin().attachHowler(Howler as unknown as Parameters<NpcVoicePlugin['attachHowler']>[0]);
    const howl = new Howl({ src: [toneWavDataUri(frequency, amplitude, 48000)], format: ['wav'], loop: true });
    await new Promise<void>((resolve, reject) => {
      howl.once('load', () => resolve());
      howl.once('loaderror', (_id, error) => reject(new Error(`Howl did not load: ${String(error)}`)));
    });
    howl.play();
    h.howl = howl;
  },

  howl: null as Howl | null,

  /** Howler's idle auto-suspend (30 s after its last sound stopped), with its timer run at once. */
  howlerIdleSuspend() {
    const realSetTimeout = window.setTimeout;
    // Howler schedules the suspend 30 s ahead; run that timer at once.
    window.setTimeout = ((fn: () => void) => realSetTimeout(fn, 0)) as typeof window.setTimeout;
    try {
      (Howler as unknown as { _autoSuspend(): void })._autoSuspend();
    } finally {
      window.setTimeout = realSetTimeout;
    }
  },

  howlerUnload() {
    Howler.unload();
  },

  contextState: () => ((h.game as Phaser.Game).sound as Phaser.Sound.WebAudioSoundManager).context.state as string,

  setVolume(volume: number) {
    (h.game as Phaser.Game).sound.volume = volume;
  },

  /** The window loses focus, as when the player clicks another window (Phaser listens to window blur). */
  blurWindow() {
    window.dispatchEvent(new Event('blur'));
  },

  focusWindow() {
    window.dispatchEvent(new Event('focus'));
  },

  /**
   * The tab goes hidden or comes back: document visibilitychange (Phaser's HIDDEN / VISIBLE) and,
   * as the browser does for a hidden tab, no animation frames in between.
   */
  setHidden(hidden: boolean) {
    const loop = (h.game as Phaser.Game).loop;
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
    if (hidden) loop.sleep();
    else loop.wake();
  },

  movePlayer(x: number, y: number) {
    const player = (h.scene() as Village).player;
    player.setPosition(x, y);
  },

  /**
   * Level of one frequency in the recorded mix, per window of `windowFrames` (Goertzel: the
   * amplitude of a sine at `frequency`, untouched by sound at other frequencies).
   */
  toneLevels(frequency: number, from: number, to: number, windowFrames: number, sampleRate: number): number[] {
    const out: number[] = [];
    const w = (2 * Math.PI * frequency) / sampleRate;
    const coeff = 2 * Math.cos(w);
    for (let start = from; start + windowFrames <= Math.min(to, h.recording.length); start += windowFrames) {
      let s1 = 0;
      let s2 = 0;
      for (let i = start; i < start + windowFrames; i++) {
        const s0 = (h.recording[i] as number) + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
      }
      const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
      out.push((2 * Math.sqrt(Math.max(0, power))) / windowFrames);
    }
    return out;
  },
};

/** A 1 s mono 16-bit WAV of a sine, as a data URI (a whole number of periods, so it loops cleanly). */
function toneWavDataUri(frequency: number, amplitude: number, rate: number): string {
  const n = rate;
  const bytes = new Uint8Array(44 + n * 2);
  const view = new DataView(bytes.buffer);
  const text = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) view.setUint8(at + i, s.charCodeAt(i));
  };
  text(0, 'RIFF');
  view.setUint32(4, 36 + n * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, n * 2, true);
  for (let i = 0; i < n; i++)
    view.setInt16(44 + i * 2, Math.round(32767 * amplitude * Math.sin((2 * Math.PI * frequency * i) / rate)), true);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i] as number);
  return `data:audio/wav;base64,${btoa(binary)}`;
}

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
