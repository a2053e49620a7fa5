import { createServer } from 'vite';
import { AcousticLoop, loopUnavailable } from '../../tests/support/acoustic-loop.ts';
import { bargeIn, guardSpeaks, type LoopDemo, observed, openGuardOnLoop, writePlayerWav } from '../../tests/support/loop-scenarios.ts';
import { ROOMS, type RoomName } from '../../tests/support/rooms.ts';
import { sleep } from '../../tests/support/until.ts';
import { writeWav } from '../../tests/support/wav.ts';
import { CHUNK, type SessionMeta, writeSession } from './session-file.ts';

/** What the recorder reaches in the page. */
interface RecorderPage {
  oakvale: {
    game: { sound: { context: AudioContext; destination: AudioNode } };
    scene(): { npcVoice: { active: { uplink: { guard: GuardLike } | null } | null; echoStatus: { falseAlarms: number } | null } };
  };
  loopSession: {
    mic: Int16Array[];
    ref: Int16Array[];
    raw: Int16Array[];
    out: Int16Array[];
    beside: Int16Array[];
    besideTimes: number[];
    times: number[];
    music: number[];
  };
}
interface GuardLike {
  process(mic: { samples: Float32Array }, ref: Float32Array, send: (chunk: unknown) => void, raw?: unknown): void;
}

/**
 * In the page: every chunk the guard processes, with her voice as played, the page time and the
 * level of the game's other sounds, into `window.loopSession`.
 */
function tapGuard(): void {
  const w = window as unknown as RecorderPage;
  const guard = w.oakvale.scene().npcVoice.active?.uplink?.guard;
  if (!guard) throw new Error('no echo guard in the page');
  const { context, destination } = w.oakvale.game.sound;
  const analyser = context.createAnalyser();
  analyser.fftSize = 1024;
  destination.connect(analyser); // the game's sounds before ducking and the master volume
  const block = new Float32Array(analyser.fftSize);
  const level = () => {
    analyser.getFloatTimeDomainData(block);
    let sum = 0;
    for (const v of block) sum += v * v;
    return sum / block.length;
  };
  const pcm = (x: Float32Array) => Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32767))));
  w.loopSession = { mic: [], ref: [], raw: [], out: [], beside: [], besideTimes: [], times: [], music: [] };
  const process = guard.process.bind(guard);
  guard.process = (mic, ref, send, raw) => {
    const s = w.loopSession;
    s.mic.push(pcm(mic.samples));
    s.ref.push(pcm(ref));
    s.times.push(Date.now());
    s.music.push(level());
    process(mic, ref, send, raw);
  };
}

/**
 * In the page, beside the plugin: a clip of its own with the microphone before the browser's
 * processing and the game's whole output (Phaser's master, music included), polled every 20 ms, into
 * `window.loopSession` (`raw`, `out`, and `beside`: the clip's own cancelled track, on the same timeline).
 */
async function tapRawMicrophone(): Promise<void> {
  const w = window as unknown as RecorderPage;
  const path = '/src/plugin/audio/capture/microphone.ts';
  const { Microphone } = (await import(/* @vite-ignore */ path)) as typeof import('../../src/plugin/audio/capture/microphone.ts');
  const sound = w.oakvale.game.sound as unknown as { context: AudioContext; masterMuteNode: AudioNode };
  const clip = await Microphone.start({ audioContext: sound.context, reference: true, raw: true });
  if (!clip.hasRaw) throw new Error('the browser gave no second, raw track of the microphone');
  clip.connectOutput(sound.masterMuteNode);
  const parts = { mic: new Float32Array(320), ref: new Float32Array(320), raw: new Float32Array(320), out: new Float32Array(320) };
  const pcm = (x: Float32Array) => Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32767))));
  setInterval(() => {
    const s = w.loopSession;
    while (clip.readPair(parts.mic, parts.ref, parts.raw, parts.out)) {
      s.beside.push(pcm(parts.mic));
      s.besideTimes.push(Date.now());
      s.raw.push(pcm(parts.raw));
      s.out.push(pcm(parts.out));
    }
  }, 20);
}

/** Takes what the page gathered so far (base64 of 16-bit PCM, to cross the protocol in one string). */
function drainPage(): {
  mic: string;
  ref: string;
  raw: string;
  out: string;
  beside: string;
  besideTimes: number[];
  times: number[];
  music: number[];
} {
  const s = (window as unknown as RecorderPage).loopSession;
  const base64 = (chunks: Int16Array[]) => {
    const all = new Int16Array(chunks.length * 320);
    for (const [i, c] of chunks.entries()) all.set(c, i * 320);
    const bytes = new Uint8Array(all.buffer);
    let text = '';
    for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
    return btoa(text);
  };
  const out = {
    mic: base64(s.mic),
    ref: base64(s.ref),
    raw: base64(s.raw),
    out: base64(s.out),
    beside: base64(s.beside),
    besideTimes: s.besideTimes,
    times: s.times,
    music: s.music,
  };
  Object.assign(s, { mic: [], ref: [], raw: [], out: [], beside: [], besideTimes: [], times: [], music: [] });
  return out;
}

/**
 * `tsx scripts/loop-session/record.ts <room> <lines> <barge-ins> [base] [raw,model]`: the demo on the
 * acoustic loop in a simulated room, music on, as the bench runs it; records every chunk the echo
 * guard sees into `<base>.pcm`, `<base>.ref.pcm` and `<base>.json` (default `/tmp/loop-session`)
 * for `replay.ts`. With `raw`, also the whole session at 48 kHz as PulseAudio carries it: what the
 * page plays (`<base>.app.wav`), what the speakers play (`<base>.room.wav`, her and the player)
 * and the microphone before the browser's canceller (`<base>.rawmic.wav`), for
 * `linear-echo-study.ts`. With `model`, a clip of the page's own, beside the plugin's, records the
 * microphone before the browser's processing, the game's whole output and a cancelled track on
 * their common timeline into `<base>.raw.pcm`, `<base>.out.pcm` and `<base>.beside.pcm`, for
 * `model-study.ts` (a second cancelled track of the same microphone runs meanwhile). About 20 s a
 * line or barge-in. The page is served from this tree by
 * Vite: an edit to `src/` while it records reloads the page and ends the session (record from a
 * worktree). The
 * recorder runs code in the page for each chunk: the canceller slips more under it than in the
 * bench (docs/rooms.md).
 */
async function main(): Promise<void> {
  const [roomName = 'living', lines = '10', barges = '16', base = '/tmp/loop-session', flags = ''] = process.argv.slice(2);
  const raw = flags.split(',').includes('raw');
  const model = flags.split(',').includes('model');
  const room = ROOMS[roomName as RoomName];
  if (!room) throw new Error(`no room called ${roomName} (${Object.keys(ROOMS).join(', ')})`);
  const why = loopUnavailable(room);
  if (why) throw new Error(`the acoustic loop cannot be built here: ${why}`);
  const server = await createServer({ configFile: 'vite.config.ts', server: { port: 0 }, logLevel: 'error' });
  await server.listen();
  const address = server.httpServer?.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const wav = await writePlayerWav();
  const loop = await AcousticLoop.start(room);
  const meta: SessionMeta = { times: [], music: [], plays: [], probes: [], states: [], results: [], ...(model ? { besideTimes: [] } : {}) };
  const play = loop.play.bind(loop);
  loop.play = (path: string) => {
    meta.plays.push(Date.now());
    return play(path);
  };
  const mic: Buffer[] = [];
  const ref: Buffer[] = [];
  const rawMic: Buffer[] = [];
  const out: Buffer[] = [];
  const beside: Buffer[] = [];
  const chromium = await loop.launchChromium();
  let demo: LoopDemo | null = null;
  const drain = async (d: LoopDemo) => {
    const got = await d.evaluate(drainPage, null);
    mic.push(Buffer.from(got.mic, 'base64'));
    ref.push(Buffer.from(got.ref, 'base64'));
    rawMic.push(Buffer.from(got.raw, 'base64'));
    out.push(Buffer.from(got.out, 'base64'));
    beside.push(Buffer.from(got.beside, 'base64'));
    meta.besideTimes?.push(...got.besideTimes);
    meta.times.push(...got.times);
    meta.music.push(...got.music);
  };
  try {
    demo = await openGuardOnLoop(chromium, baseUrl, { music: true });
    await demo.evaluate(tapGuard, null);
    if (model) await demo.evaluate(tapRawMicrophone, null);
    const whole = raw ? await loop.recordRoomAndApp(demo.app, true, 200) : null;
    for (let i = 0; i < Number(lines); i++) {
      await guardSpeaks(demo, 1);
      await drain(demo);
      console.log(`line ${i + 1}`);
    }
    for (let i = 0; i < Number(barges); i++) {
      try {
        meta.results.push(await bargeIn(loop, demo, wav, 300 + 200 * (i % 5)));
      } catch (e) {
        meta.results.push(String(e).slice(0, 200));
        await sleep(8000); // let her finish whatever she says
      }
      await drain(demo);
      console.log(`barge-in ${i + 1}: ${meta.results.at(-1)}`);
    }
    if (whole) {
      const { rate, room: speakers, app, mic: roomMic } = await whole.stop();
      writeWav(`${base}.app.wav`, app, rate);
      writeWav(`${base}.room.wav`, speakers, rate);
      if (roomMic) writeWav(`${base}.rawmic.wav`, roomMic, rate);
    }
  } finally {
    // The room (PulseAudio, its chain, the load) is stopped whatever failed: left running, it
    // would load every later run on this machine.
    try {
      if (demo) {
        await drain(demo).catch(() => {});
        await saveAndClose(demo, base, { mic, ref, raw: rawMic, out, beside }, meta);
      }
    } finally {
      await chromium.close().catch(() => {});
      await loop.stop();
      await server.close();
    }
  }
}

/** Writes what was recorded, with what the page saw if it can still say (it may have reloaded). */
async function saveAndClose(
  demo: LoopDemo,
  base: string,
  parts: Record<'mic' | 'ref' | 'raw' | 'out' | 'beside', Buffer[]>,
  meta: SessionMeta,
): Promise<void> {
  const seen = await observed(demo).catch(() => undefined);
  meta.states = seen?.states ?? [];
  meta.probes = seen?.probes ?? [];
  const pcm = (parts: Buffer[]) => {
    const all = Buffer.concat(parts);
    return new Int16Array(all.buffer, all.byteOffset, (all.byteLength >> 1) - ((all.byteLength >> 1) % CHUNK)).slice();
  };
  const raw = pcm(parts.raw);
  const model = raw.length > 0 ? { model: { raw, out: pcm(parts.out), beside: pcm(parts.beside) } } : {};
  writeSession(base, { mic: pcm(parts.mic), ref: pcm(parts.ref), ...model, meta });
  const falseAlarms = await demo
    .evaluate(() => (window as unknown as RecorderPage).oakvale.scene().npcVoice.echoStatus?.falseAlarms ?? 0, null)
    .catch(() => 'an unknown number of');
  console.log(`${meta.times.length} chunks in ${base}.*; the page paused for her echo ${falseAlarms} times`);
  await demo.close();
}

await main();
