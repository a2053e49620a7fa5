// The plugin's per-frame cost, run in real Chromium by bench/suites/plugin.ts: a Phaser game with
// the plugin, a conversation on the emulator, the NPC kept speaking and the microphone going
// through the echo guard. The plugin's listener on the scene's UPDATE event is wrapped so each
// call can be timed (timing mode) or counted while the suite samples the heap (counting mode).
import * as Phaser from 'phaser';
import { type NpcHandle, NpcVoicePlugin } from '../../src/plugin/index.ts';

/** An entry of eventemitter3's listener table (Phaser's EventEmitter is eventemitter3). */
interface EmitterEntry {
  fn: (time: number, delta: number) => void;
  context: unknown;
  once: boolean;
}

const LINE_A =
  'Traveller, the road north of the gate runs past the old mill, across the stone bridge and up into the pine hills, ' +
  'where the wolves sing at night and the shepherds keep their fires burning until the morning bell rings in the valley.';
const LINE_B =
  'Every autumn the merchants of the river towns come through this gate with wagons of salt, wool and copper pots, ' +
  'and every autumn I count the wheels twice, because the captain trusts numbers more than he trusts any smile.';
const LINE_C =
  'When the snow comes the gate stays shut from dusk until dawn, the lanterns along the wall are lit one by one, ' +
  'and the watch changes every four hours so that nobody falls asleep with a cold spear in hand.';

/** Frames kept for timing; far more than a run needs. */
const CAPACITY = 16384;
const durations = new Float64Array(CAPACITY);
let timed = 0;
let counted = 0;
/** 0 = pass through, 1 = time frames while the NPC speaks, 2 = count frames (heap sampling). */
let mode = 0;
let speaking = false;
let game: Phaser.Game | null = null;
/** The plugin's own listener, as it registered it. */
let pluginUpdate: ((time: number, delta: number) => void) | null = null;

class Gate extends Phaser.Scene {
  guard!: NpcHandle;
  constructor() {
    super('gate');
  }
  create() {
    this.npcVoice.configure({ backend: 'emulator' });
    const guard = this.add.rectangle(400, 300, 32, 48, 0x3355aa);
    const player = this.add.rectangle(520, 340, 32, 48, 0xaa5533);
    this.guard = this.npcVoice.addNpc(guard, {
      id: 'guard',
      name: 'Edda',
      persona: 'You are Edda, the talkative gate guard of Oakvale.',
      voice: 'Kore',
      greeting: LINE_A,
      sampleLines: [LINE_B, LINE_C, LINE_A],
    });
    this.npcVoice.setListener(player);
  }
}

function scene(): Gate | null {
  return (game?.scene.getScene('gate') as Gate | null) ?? null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Asks for another line as soon as the NPC finishes one (outside the frame, so the request is not counted). */
function askAgain(): void {
  scene()?.npcVoice.sendText('Tell me more about the gate.');
}

/**
 * Replaces the plugin's UPDATE listener by a wrapper that times or counts it. The listener is found
 * as the one whose context is the plugin, so the plugin's private names do not matter.
 */
function wrapPluginUpdate(gate: Gate): void {
  const plugin = gate.npcVoice;
  const table = (gate.sys.events as unknown as { _events: Record<string, EmitterEntry | EmitterEntry[] | undefined> })._events;
  const slot = table[Phaser.Scenes.Events.UPDATE];
  const entries = slot === undefined ? [] : Array.isArray(slot) ? slot : [slot];
  const entry = entries.find((e) => e.context === plugin);
  if (!entry) throw new Error('the plugin has no listener on its scene’s UPDATE event');
  const update = entry.fn;
  pluginUpdate = update;
  // Named so the suite can find it in the heap profile; it allocates nothing itself.
  entry.fn = function pluginBenchFrame(time: number, delta: number): void {
    if (mode === 2) {
      counted++;
      update.call(plugin, time, delta);
      return;
    }
    const start = performance.now();
    update.call(plugin, time, delta);
    const elapsed = performance.now() - start;
    if (mode === 1 && speaking && timed < CAPACITY) durations[timed++] = elapsed;
  };
}

const pluginBench = {
  /** Boots the game, starts a conversation and waits until the NPC speaks with the echo guard active. */
  async start(): Promise<{ sampleRate: number; crossOriginIsolated: boolean }> {
    game = new Phaser.Game({
      type: Phaser.CANVAS,
      width: 800,
      height: 600,
      parent: 'game',
      audio: { context: new AudioContext({ latencyHint: 'interactive' }) },
      plugins: { scene: [{ key: 'NpcVoice', plugin: NpcVoicePlugin, mapping: 'npcVoice' }] },
      scene: [Gate],
    });
    await until(() => !!scene()?.guard, 'the scene');
    const gate = scene() as Gate;
    const context = (game.sound as Phaser.Sound.WebAudioSoundManager).context;
    await context.resume();
    gate.npcVoice.on('state', ({ state, previous }) => {
      speaking = state === 'speaking';
      if (previous === 'speaking' && state === 'listening') setTimeout(askAgain, 0);
    });
    wrapPluginUpdate(gate);
    await gate.npcVoice.talkTo(gate.guard);
    await until(() => speaking, 'the NPC to speak');
    if (!gate.npcVoice.hasMicrophone) throw new Error('the fake microphone did not start');
    await until(() => gate.npcVoice.echoStatus !== null, 'the echo guard');
    return { sampleRate: context.sampleRate, crossOriginIsolated: window.crossOriginIsolated };
  },

  /** The plugin's UPDATE listener (the suite finds its source position through the DevTools protocol). */
  listener: () => pluginUpdate,

  /** Starts timing frames (only those while the NPC speaks are kept). */
  startTiming(): void {
    timed = 0;
    mode = 1;
  },

  timedFrames: () => timed,

  /** Stops timing and returns each kept frame's duration, ms. */
  stopTiming(): number[] {
    mode = 0;
    return Array.from(durations.subarray(0, timed));
  },

  /** Counts frames from now on (the suite has just started sampling the heap). */
  startCounting(): void {
    counted = 0;
    mode = 2;
  },

  countedFrames: () => counted,

  /** Stops counting; the suite stops sampling right after. */
  stopCounting(): number {
    mode = 0;
    return counted;
  },

  /** What the conversation looked like while measuring. */
  status() {
    const plugin = scene()?.npcVoice;
    return {
      state: plugin?.conversation?.state ?? null,
      echo: plugin?.echoStatus ? { state: plugin.echoStatus.state, holding: plugin.echoStatus.holding } : null,
      voice: plugin?.voiceStats ?? null,
    };
  },
};

declare global {
  interface Window {
    pluginBench: typeof pluginBench;
  }
}
window.pluginBench = pluginBench;
