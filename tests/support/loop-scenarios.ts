import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import { Resampler } from '../../src/plugin/audio/dsp/resampler.ts';
import type { AcousticLoop } from './acoustic-loop.ts';
import type { TestBrowser } from './browsers.ts';
import { DemoDriver } from './demo-driver.ts';
import { FIXTURE_DIR } from './fixtures.ts';
import { npcInRoom, onset, playerInRoom, silenceAfter } from './room-recording.ts';
import { closeSpeech, concat, playerSpeech16k, silence16k } from './speech.ts';
import { sleep } from './until.ts';
import { readWav, writeWav } from './wav.ts';

/** What a scenario reads back from the page. */
export interface Observed {
  states: { t: number; state: string }[];
  /** Microphone chunks the echo guard let through loud (> −55 dBFS) while she was audible: [time, mic dB, reference dB, guard state]. */
  loudSent: [number, number, number, string][];
  echo: { state: string; echo: boolean; returnLossDb: number; holding: boolean; echoCancellation: boolean | null }[];
  /** Each time the guard asked her to pause: [time, microphone chunks captured before she did and not yet read]. */
  probes: [number, number][];
  /** Mean squares over 20 ms chunks: what she played and the microphone heard while she spoke, and the microphone while she did not. */
  levels: { voiceRef: number; voiceMic: number; voiceChunks: number; quietMic: number; quietChunks: number };
}

interface OakvalePage {
  oakvale: {
    game: { loop: { setFPSLimit(fps: number): void } };
    scene(): { npcVoice: { configure(c: object): void; on(e: string, h: (p: Record<string, unknown>) => void): void } };
  };
  observed: Observed;
}

const LONG_LINES = [
  'The gate stays shut after dark, unless you give me a good reason, and I have heard every reason there is, from lost sheep to a sick aunt in the next valley.',
  'Beyond this gate lies the Standing Stone, older than the village, older than the road, and few travellers have the patience to read what is carved on it.',
  'Mind the pond by the sage, it is deeper than it looks, and the reeds hide the edge, so keep to the path even when the fireflies tempt you closer.',
  'I have stood this watch for eleven winters, and I have never once seen the wolves so bold as they have been since the last full moon.',
];

/** The demo on the loop, in whichever browser: what the scenarios need from its page. */
export interface LoopDemo {
  /** Runs `fn(arg)` in the page and returns its (JSON-serialisable) result. */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /** Types `text` into the demo's say box and sends it (Enter). */
  say(text: string): Promise<void>;
  /** Leaves the say box (Escape). */
  leaveSayBox(): Promise<void>;
  /** The browser's stream in PulseAudio's sink-input list, for recording what it alone plays. */
  readonly app: RegExp;
  close(): Promise<void>;
}

export interface GuardOptions {
  echoCancellation?: boolean;
  constraints?: MediaTrackConstraints;
  /**
   * The demo's music plays (its echo must be neither her voice nor the player's); off, the only
   * thing coming back into the microphone is the voices. @defaultValue false
   */
  music?: boolean;
}

/** Settings the demo reads at start. */
const settings = (options: GuardOptions) => JSON.stringify(options.music ? { echo: 'auto' } : { musicVolume: 0, echo: 'auto' });

/** The demo in headed Chromium on the loop, next to the guard, conversation open (greeting done). */
export async function openGuardOnLoop(browser: Browser, baseUrl: string, options: GuardOptions = {}): Promise<LoopDemo> {
  const driver = await DemoDriver.open(browser, baseUrl, {
    // Small: the loop's Chromium renders WebGL in software, on the same two cores as the audio.
    viewport: { width: 640, height: 400 },
    initScript: `localStorage.setItem('oakvale-settings', ${JSON.stringify(settings(options))})`,
  });
  const { page } = driver;
  const demo: LoopDemo = {
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    say: async (text) => {
      await page.fill('#say-input', text);
      await page.press('#say-input', 'Enter');
    },
    leaveSayBox: () => page.press('#say-input', 'Escape'),
    app: /chromium/i,
    close: () => page.close(),
  };
  // A page left open would go on talking in the room: close it if she never got through her greeting.
  try {
    await observeGuard(demo, options);
    await driver.walkToNpc('guard');
    await limitFrameRate(demo);
    await page.keyboard.press('e');
    await guardTalking(demo);
  } catch (e) {
    await demo.close();
    throw e;
  }
  return demo;
}

/**
 * The same in another browser of the test seam (Firefox: its private PulseAudio room is a loop,
 * its default sink and source). The conversation is opened through the scene, as the E key does.
 */
export async function openGuardOnLoopIn(browser: TestBrowser, baseUrl: string, options: GuardOptions = {}): Promise<LoopDemo> {
  const settingsPage = await browser.newPage(`${baseUrl}/`, { gesture: false });
  await settingsPage.evaluate((s) => localStorage.setItem('oakvale-settings', s), settings(options));
  await settingsPage.close();
  const page = await browser.newPage(`${baseUrl}/`, { gesture: false });
  await page.waitFor(() => !!document.getElementById('start-button'));
  await page.click('#start-button');
  await page.waitFor(() => !!(window as unknown as { oakvale?: { scene(): { player?: unknown } | null } }).oakvale?.scene()?.player);
  const demo: LoopDemo = {
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    say: (text) =>
      page.evaluate((t) => {
        const input = document.getElementById('say-input') as HTMLInputElement;
        input.focus();
        input.value = t;
        input.form?.requestSubmit();
      }, text),
    leaveSayBox: () => page.evaluate(() => (document.getElementById('say-input') as HTMLInputElement).blur(), null),
    app: new RegExp(browser.name, 'i'),
    close: () => page.close(),
  };
  try {
    await observeGuard(demo, options);
    await limitFrameRate(demo);
    await demo.evaluate(() => {
      const scene = (
        window as unknown as { oakvale: { scene(): { handles: Map<string, unknown>; talk(npc: unknown): Promise<unknown> } } }
      ).oakvale.scene();
      void scene.talk(scene.handles.get('guard'));
    }, null);
    await guardTalking(demo);
  } catch (e) {
    await demo.close();
    throw e;
  }
  return demo;
}

/** Records the plugin's states and echo reports in the page, and gives the guard long lines. */
async function observeGuard(demo: LoopDemo, options: GuardOptions): Promise<void> {
  const constraints =
    options.constraints ??
    (options.echoCancellation === false ? { echoCancellation: false, noiseSuppression: false, autoGainControl: false } : null);
  await demo.evaluate((c) => {
    const w = window as unknown as OakvalePage;
    const plugin = w.oakvale.scene().npcVoice;
    if (c) plugin.configure({ microphone: { constraints: c } });
    w.observed = {
      states: [],
      echo: [],
      loudSent: [],
      probes: [],
      levels: { voiceRef: 0, voiceMic: 0, voiceChunks: 0, quietMic: 0, quietChunks: 0 },
    };
    plugin.on('state', (e) => w.observed.states.push({ t: Date.now(), state: e.state as string }));
    // Only the figures: the event also carries the NPC (and through it the whole game), which
    // Playwright would walk on every poll, freezing the page for seconds.
    plugin.on('echo', (e) =>
      w.observed.echo.push({
        state: e.state as string,
        echo: e.echo as boolean,
        returnLossDb: e.returnLossDb as number,
        holding: e.holding as boolean,
        echoCancellation: e.echoCancellation as boolean | null,
      }),
    );
  }, constraints);
  await demo.evaluate(tapVoices, null);
  await demo.evaluate((lines) => {
    // Long lines (the demo's are 2–4 s): time for a player to talk over her mid-sentence.
    const w = window as unknown as OakvalePage;
    const plugin = w.oakvale.scene().npcVoice as unknown as { getNpc(id: string): { definition: { sampleLines?: string[] } } };
    plugin.getNpc('guard').definition.sampleLines = lines;
  }, LONG_LINES);
}

/**
 * 20 frames a second: the loop's browser renders WebGL in software, on the two cores that also
 * run the audio, PulseAudio and the emulator (at 60 it starves them).
 */
function limitFrameRate(demo: LoopDemo): Promise<void> {
  return demo.evaluate(() => (window as unknown as OakvalePage).oakvale.game.loop.setFPSLimit(20), null);
}

interface VoiceTap {
  on: boolean;
  env: number[];
}

/**
 * In the page: a 10 ms level envelope of the NPC voices alone (the mixer's voice input, before the
 * music joins them) into `window.voiceTap.env` while `voiceTap.on`. The browser's stream in
 * PulseAudio carries the music too, so it cannot tell when she falls silent.
 */
async function tapVoices(): Promise<void> {
  const w = window as unknown as {
    oakvale: { game: { sound: { context: AudioContext } }; scene(): { npcVoice: { mixer: { voiceInput: AudioNode } | null } } };
    voiceTap: VoiceTap;
  };
  const { context } = w.oakvale.game.sound;
  await context.audioWorklet.addModule('/tests/browser/pages/recorder.worklet.js');
  const node = new AudioWorkletNode(context, 'test-recorder', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
  w.voiceTap = { on: false, env: [] };
  node.port.onmessage = (e) => {
    if (e.data.type !== 'block' || !w.voiceTap.on) return;
    const x = e.data.samples as Float32Array;
    const per = Math.round(context.sampleRate / 100);
    for (let i = 0; i + per <= x.length; i += per) {
      let sum = 0;
      for (let k = i; k < i + per; k++) sum += (x[k] as number) ** 2;
      w.voiceTap.env.push(Math.sqrt(sum / per));
    }
  };
  const mixer = w.oakvale.scene().npcVoice.mixer;
  if (!mixer) throw new Error('the plugin has no mixer yet');
  mixer.voiceInput.connect(node);
  const mute = context.createGain();
  mute.gain.value = 0; // pulls the recorder along without adding to the mix
  node.connect(mute).connect(context.destination);
}

/** Starts (`true`) or stops the voice tap; returns what it gathered since it started. */
function voiceTap(demo: LoopDemo, on: boolean): Promise<number[]> {
  return demo.evaluate((o) => {
    const tap = (window as unknown as { voiceTap: VoiceTap }).voiceTap;
    const env = tap.env;
    tap.on = o;
    tap.env = [];
    return env;
  }, on);
}

/** Waits out the greeting, watching what the echo guard lets through meanwhile. */
async function guardTalking(demo: LoopDemo): Promise<void> {
  await waitForState(demo, 'speaking', 20_000);
  const deadline = Date.now() + 15_000;
  const hasUplink = () =>
    !!(window as unknown as { oakvale: { scene(): { npcVoice: { active?: { uplink?: unknown } } } } }).oakvale.scene().npcVoice.active
      ?.uplink;
  // No guard (no microphone): nothing to watch; the scenario tells the rest.
  while (!(await demo.evaluate(hasUplink, null)) && Date.now() < deadline) await sleep(100);
  await demo.evaluate(() => {
    // Watch what the guard lets through: a loud chunk sent while she is audible is echo or the player.
    type Chunk = { samples: Float32Array };
    type Guard = {
      process(m: Chunk, r: Float32Array, s: (c: Chunk) => void, raw?: unknown): void;
      voiceStopped(unread: number): void;
      npcAudible: boolean;
      state: string;
    };
    const w = window as unknown as OakvalePage;
    const plugin = w.oakvale.scene().npcVoice as unknown as { active: { uplink: { guard: Guard } | null } | null };
    const guard = plugin.active?.uplink?.guard;
    if (!guard) return;
    const db = (x: Float32Array): number => {
      let sum = 0;
      for (const v of x) sum += v * v;
      return Math.round(10 * Math.log10(sum / x.length + 1e-12));
    };
    const voiceStopped = guard.voiceStopped.bind(guard);
    guard.voiceStopped = (unread: number) => {
      w.observed.probes.push([Date.now(), unread]);
      voiceStopped(unread);
    };
    const meanSquare = (x: Float32Array): number => {
      let sum = 0;
      for (const v of x) sum += v * v;
      return sum / x.length;
    };
    const process = guard.process.bind(guard);
    // The raw microphone and the game's output, where the page reads them, go on to the guard as they came.
    guard.process = (mic: Chunk, ref: Float32Array, send: (c: Chunk) => void, raw?: unknown) => {
      // What comes back of her voice, and the microphone without it (the floor of that measure).
      const levels = w.observed.levels;
      const refPower = meanSquare(ref);
      if (refPower > 10 ** (-45 / 10)) {
        levels.voiceRef += refPower;
        levels.voiceMic += meanSquare(mic.samples);
        levels.voiceChunks++;
      } else if (!guard.npcAudible && refPower < 1e-9) {
        levels.quietMic += meanSquare(mic.samples);
        levels.quietChunks++;
      }
      process(
        mic,
        ref,
        (chunk: Chunk) => {
          const level = db(chunk.samples);
          if (level > -55)
            w.observed.loudSent.push([Date.now(), db(mic.samples), db(ref), `${guard.state}${guard.npcAudible ? '' : ' (not audible)'}`]);
          send(chunk);
        },
        raw,
      );
    };
  }, null);
  await waitForState(demo, 'listening', 30_000);
}

/**
 * Echo return loss over what the page saw since `resetLevels`: her voice as played against the
 * microphone while she spoke, in dB, and the same against the microphone while she was silent (the
 * floor: with the echo below the room's noise, the loss reads the floor and no more).
 */
export async function echoReturnLoss(demo: LoopDemo): Promise<{ returnLossDb: number; floorDb: number; chunks: number }> {
  const l = (await observed(demo)).levels;
  if (l.voiceChunks === 0 || l.quietChunks === 0) throw new Error(`the guard was not watched long enough: ${JSON.stringify(l)}`);
  const voice = l.voiceRef / l.voiceChunks;
  const db = (x: number) => 10 * Math.log10(x);
  return {
    returnLossDb: db(voice) - db(Math.max(l.voiceMic / l.voiceChunks, 1e-20)),
    floorDb: db(voice) - db(Math.max(l.quietMic / l.quietChunks, 1e-20)),
    chunks: l.voiceChunks,
  };
}

/** Starts the levels behind {@link echoReturnLoss} afresh. */
export function resetLevels(demo: LoopDemo): Promise<void> {
  return demo.evaluate(() => {
    (window as unknown as OakvalePage).observed.levels = { voiceRef: 0, voiceMic: 0, voiceChunks: 0, quietMic: 0, quietChunks: 0 };
  }, null);
}

export function observed(demo: LoopDemo): Promise<Observed> {
  return demo.evaluate(() => (window as unknown as OakvalePage).observed, null);
}

/**
 * What to print when she was interrupted: what the guard let through loud, when it asked her to
 * pause (and how late the frame was), and its counters.
 */
export async function guardReport(demo: LoopDemo): Promise<string> {
  const seen = await observed(demo);
  const status = await demo.evaluate(() => {
    const s = (window as unknown as { oakvale: { scene(): { npcVoice: { echoStatus: object | null } } } }).oakvale.scene().npcVoice
      .echoStatus;
    return s && { ...s, estimate: undefined };
  });
  return `let through loud: ${JSON.stringify(seen.loudSent)}; asked her to pause (time, unread chunks): ${JSON.stringify(seen.probes)}; guard: ${JSON.stringify(status)}`;
}

export async function waitForState(demo: LoopDemo, state: string, timeoutMs = 20_000, since = 0): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const s = (await observed(demo)).states.find((x) => x.state === state && x.t >= since);
    if (s) return s.t;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${state}; states: ${(await observed(demo)).states.map((s) => s.state).join(' → ')}`);
}

/** Asks the guard for `n` lines in turn (typed, so nobody speaks in the room), each heard to the end. */
export async function guardSpeaks(demo: LoopDemo, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const since = Date.now();
    await demo.say('Tell me more.');
    await waitForState(demo, 'speaking', 20_000, since);
    await waitForState(demo, 'listening', 30_000, since);
  }
  await demo.leaveSayBox();
}

/** Emulator counters from the dev server. */
export async function emulatorStats(baseUrl: string): Promise<{ speechTurns: number; interruptions: number }> {
  return (await (await fetch(`${baseUrl}/emulator/stats`)).json()) as { speechTurns: number; interruptions: number };
}

/** The player's line for the room (48 kHz WAV, a little silence either side); returns its path. */
export async function writePlayerWav(): Promise<string> {
  const words = await playerSpeech16k('Excuse me, I need to tell you something important right now.');
  const r = new Resampler(16000, 48000);
  mkdirSync(FIXTURE_DIR, { recursive: true }); // a fresh clone has none yet
  const path = join(FIXTURE_DIR, 'room-player.wav');
  writeWav(path, concat(r.process(concat(silence16k(0.2), words, silence16k(0.3))), r.flush()), 48000);
  await closeSpeech();
  return path;
}

/**
 * The guard is asked for a line; `afterMs` after she starts, the player says `wav` in the room.
 * Returns the time from the player's speech onset to the guard's silence at the speakers (ms),
 * once the player's turn has been answered. Throws if she was not interrupted.
 */
export async function bargeIn(loop: AcousticLoop, demo: LoopDemo, wav: string, afterMs = 300): Promise<number> {
  const since = Date.now();
  const rec = await loop.recordRoomAndApp(demo.app);
  let recording = true;
  const stop = () => {
    recording = false;
    return rec.stop();
  };
  try {
    await voiceTap(demo, true);
    await demo.say('Tell me more.');
    await waitForState(demo, 'speaking', 20_000, since);
    await sleep(afterMs);
    const { done } = loop.play(wav);
    try {
      await waitForState(demo, 'interrupted', 10_000, since);
    } catch (e) {
      await done;
      const heard = await talkedOn(await stop(), demo, wav).then(
        (ms) =>
          ms === null
            ? 'not heard: she still talked when the recording stopped'
            : `not heard: she talked on ${ms} ms after the player's onset, to the end of her line`,
        (why: unknown) => `not heard (${String(why)})`,
      );
      throw new Error(`${heard}; ${e instanceof Error ? e.message : String(e)}`);
    }
    await done;
    const answered = await waitForState(demo, 'speaking', 20_000, Date.now() - 1500);
    await waitForState(demo, 'listening', 30_000, answered);
    const talked = await talkedOn(await stop(), demo, wav);
    if (talked === null) throw new Error('the guard did not fall silent after the player spoke');
    return talked;
  } finally {
    // A barge-in that failed leaves no recorder running for the rest of the series.
    if (recording) await rec.stop().catch(() => {});
  }
}

/** How long she talked on after the player's onset, read on the recordings, ms (null: she never fell silent in them). */
async function talkedOn(
  recorded: { rate: number; room: Float32Array; app: Float32Array },
  demo: LoopDemo,
  wav: string,
): Promise<number | null> {
  const { rate, room, app } = recorded;
  const npc = npcInRoom(room, app, rate, await voiceTap(demo, false));
  const player = playerInRoom(room, readWav(wav).samples, rate);
  const silent = silenceAfter(npc, player.onset);
  return silent < player.onset ? null : (silent - player.onset) * 10;
}

/**
 * The player says `wav` in the room while the guard listens. Returns the time from the end of the
 * player's speech to the guard's first sample at the speakers (ms), measured on the recordings.
 */
export async function roomVoiceToVoice(loop: AcousticLoop, demo: LoopDemo, wav: string): Promise<number> {
  const since = Date.now();
  const rec = await loop.recordRoomAndApp(demo.app);
  await voiceTap(demo, true);
  const { done } = loop.play(wav);
  await done;
  const replied = await waitForState(demo, 'speaking', 20_000, since);
  await waitForState(demo, 'listening', 30_000, replied);
  const { rate, room, app } = await rec.stop();
  const npc = npcInRoom(room, app, rate, await voiceTap(demo, false));
  const { end } = playerInRoom(room, readWav(wav).samples, rate);
  const reply = onset(npc, end);
  if (reply <= end) throw new Error('no reply after the player’s speech was found in the recordings');
  return (reply - end) * 10;
}
