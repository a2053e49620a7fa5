// The model-based test's steps, run inside the plugin harness page (window.h): each step is one
// page.evaluate, and the page keeps what the test checks after it (typed errors, audio handed to
// the conversation, audio the game was told was dropped, errors that were not typed).
import type { NpcVoiceConfig, NpcVoicePlugin } from '../../../src/plugin/index.ts';

/** Where the player stands: the guard is at (400, 300), radius 96 (early zone ≈ 173, departing ≈ 207). */
const PLACES = { far: { x: 700, y: 300 }, approaching: { x: 550, y: 300 }, inside: { x: 460, y: 300 } } as const;
export type Place = keyof typeof PLACES;

export type ModelStep = 'talk' | 'end' | 'restart' | 'destroy' | 'type' | 'speak' | Place;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const chunk = (loud: boolean) => {
  const samples = new Float32Array(320);
  if (loud) for (let i = 0; i < samples.length; i++) samples[i] = 0.3 * Math.sin(i / 3);
  return { samples, voiced: loud, level: loud ? 0.2 : 0 };
};

const m = {
  config: {} as NpcVoiceConfig,
  /** Samples the conversation took while it was live (or starting). */
  pushedSamples: 0,
  /** Milliseconds the game heard about in `audioDropped`. */
  droppedMs: 0,
  /** Typed error codes talkTo / sendText gave back (a refusal the faults cause is fine). */
  typedErrors: [] as string[],
  /** Anything thrown that is not a typed NpcVoiceError: a bug. */
  untyped: [] as string[],
  /** NPC transcript events (partial or final). */
  npcLines: 0,
  watched: new WeakSet<NpcVoicePlugin>(),

  /** A fresh game (the last one destroyed) and fresh counts, for the next sequence. */
  async start(config: NpcVoiceConfig) {
    if (window.h.game) await window.h.destroyGame();
    m.config = config;
    m.pushedSamples = 0;
    m.droppedMs = 0;
    m.typedErrors = [];
    m.untyped = [];
    m.npcLines = 0;
    await window.h.boot(config, { playerAt: PLACES.far });
    m.watch();
  },

  /** Listens to the current plugin (a destroyed game's plugin is a new one). */
  watch() {
    const plugin = window.h.plugin();
    if (m.watched.has(plugin)) return;
    m.watched.add(plugin);
    plugin.on('audioDropped', ({ ms }) => {
      m.droppedMs += ms;
    });
    plugin.on('transcript', ({ speaker }) => {
      if (speaker === 'npc') m.npcLines++;
    });
  },

  caught(error: unknown) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') m.typedErrors.push(code);
    else m.untyped.push(String((error as Error).stack ?? error));
  },

  async step(step: ModelStep): Promise<void> {
    const h = window.h;
    switch (step) {
      case 'talk':
        await h.plugin().talkTo('guard').catch(m.caught);
        break;
      case 'end':
        await h.plugin().endConversation().catch(m.caught);
        break;
      case 'restart':
        await h.restartScene();
        // The plugin drops the game's handlers at shutdown (create() registers them again).
        m.watched.delete(h.plugin());
        m.watch();
        break;
      case 'destroy':
        await h.destroyGame();
        await h.boot(m.config, { playerAt: PLACES.far });
        m.watch();
        break;
      case 'type':
        try {
          if (h.plugin().conversation) h.plugin().sendText('Are you still there?');
        } catch (error) {
          m.caught(error);
        }
        await sleep(50);
        break;
      case 'speak':
        for (let i = 0; i < 10; i++) {
          const c = h.plugin().conversation;
          if (c && !['idle', 'ended', 'error'].includes(c.state)) {
            c.pushAudio(chunk(i % 2 === 1));
            m.pushedSamples += 320;
          }
          await sleep(20);
        }
        break;
      default:
        h.movePlayer(PLACES[step].x, PLACES[step].y);
        await sleep(150); // a few frames: proximity runs in the scene's update
    }
  },

  /** The NPC answers a typed line: talk, type, wait for the NPC's words to start. */
  async answersTypedLine(timeoutMs = 8000): Promise<true | string> {
    const h = window.h;
    await h.plugin().talkTo('guard');
    const before = m.npcLines;
    h.plugin().sendText('Good evening, guard.');
    const deadline = performance.now() + timeoutMs;
    while (m.npcLines === before) {
      if (performance.now() > deadline) {
        const c = h.plugin().conversation;
        const tail = h.log.slice(-12).map((l) => `${l.kind}:${JSON.stringify(l.data)}`);
        return `no answer; conversation ${c?.state ?? 'none'}; log ${tail.join(' | ')}`;
      }
      await sleep(50);
    }
    return true;
  },
};

declare global {
  interface Window {
    m: typeof m;
  }
}
window.m = m;
