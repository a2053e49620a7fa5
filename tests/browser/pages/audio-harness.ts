// Test page for the audio core: exposes small async functions on `window.harness` that the
// Playwright tests call. Everything measured here is computed in the test (Node), not the page.
import { Microphone, type MicrophoneClip } from '../../../src/plugin/audio/capture/microphone.ts';
import { StreamingVoiceSource } from '../../../src/plugin/audio/playback/streaming-voice-source.ts';
import recorderUrl from './recorder.worklet.js?url';

type Transport = 'auto' | 'shared' | 'message';

interface Recording {
  /** Output frames, starting at context frame `startFrame`. */
  samples: number[];
  startFrame: number;
  marks: Record<string, number>;
}

class Recorder {
  readonly node: AudioWorkletNode;
  private blocks: { frame: number; samples: Float32Array }[] = [];
  private marks: Record<string, number> = {};
  private waiters = new Map<string, () => void>();

  constructor(ctx: AudioContext) {
    this.node = new AudioWorkletNode(ctx, 'test-recorder', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
    this.node.port.onmessage = (e) => {
      if (e.data.type === 'block') this.blocks.push(e.data);
      if (e.data.type === 'mark') {
        this.marks[e.data.id] = e.data.frame;
        this.waiters.get(e.data.id)?.();
      }
    };
    // The recorder outputs silence; connecting it keeps it (and everything feeding it) pulled.
    this.node.connect(ctx.destination);
  }

  mark(id: string): Promise<void> {
    const done = new Promise<void>((resolve) => this.waiters.set(id, resolve));
    this.node.port.postMessage({ type: 'mark', id });
    return done;
  }

  async stop(): Promise<Recording> {
    await this.mark('__end');
    this.node.port.postMessage({ type: 'flush' });
    await this.mark('__flushed');
    const first = this.blocks[0];
    const samples: number[] = [];
    for (const b of this.blocks) for (const v of b.samples) samples.push(v);
    return { samples, startFrame: first ? first.frame : 0, marks: this.marks };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `voice` (its `update()`) every 20 ms until `done()` or `ms` have gone by: a loaded machine
 * (WebKitGTK under Xvfb beside the loop tests) starts and runs the context late, and what the test
 * asserts must not hang on a fixed sleep.
 */
async function until(voice: StreamingVoiceSource, done: () => boolean, ms = 3000): Promise<void> {
  const deadline = performance.now() + ms;
  for (;;) {
    voice.update();
    if (done() || performance.now() > deadline) return;
    await sleep(20);
  }
}

async function context(sampleRate?: number): Promise<AudioContext> {
  const ctx = new AudioContext({ latencyHint: 'interactive', ...(sampleRate ? { sampleRate } : {}) });
  await ctx.resume();
  await ctx.audioWorklet.addModule(recorderUrl);
  return ctx;
}

/** A voice (50 ms prebuffer) playing into a recorder, and `seconds` of a 0.5 · 440 Hz tone at 24 kHz to give it. */
async function recordedVoice(transport: Transport, seconds: number) {
  const ctx = await context();
  const rec = new Recorder(ctx);
  const voice = await StreamingVoiceSource.create(ctx, { transport, prebufferMs: 50 });
  voice.connect(rec.node);
  const tone = new Float32Array(24000 * seconds);
  for (let i = 0; i < tone.length; i++) tone[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / 24000);
  return { ctx, rec, voice, tone };
}

const harness = {
  isolated: () => globalThis.crossOriginIsolated,

  /** Records the fake microphone for `seconds`, polling the clip every animation frame. */
  async recordMicrophone(opts: { seconds: number; transport: Transport; sampleRate?: number; lengthSec?: number }) {
    const ctx = await context(opts.sampleRate);
    const clip: MicrophoneClip = await Microphone.start({
      audioContext: ctx,
      transport: opts.transport,
      lengthSec: opts.lengthSec ?? 1,
      // The fake device's file is the reference: no echo canceller, suppression or gain control.
      constraints: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    const out = new Float32Array(Math.ceil(opts.seconds * clip.frequency) + clip.lengthSamples);
    let filled = 0;
    let frames = 0;
    const positions: number[] = [];
    await new Promise<void>((resolve) => {
      const t0 = performance.now();
      const tick = () => {
        frames++;
        positions.push(clip.getPosition());
        filled += clip.read(out, filled, out.length);
        if (performance.now() - t0 >= opts.seconds * 1000 || filled >= out.length) resolve();
        else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const unity = new Float32Array(clip.lengthSamples);
    const gotData = clip.getData(unity, 0);
    const result = {
      samples: Array.from(out.subarray(0, filled)),
      transport: clip.transport,
      frequency: clip.frequency,
      lengthSamples: clip.lengthSamples,
      lost: clip.lostSamples,
      frames,
      positionsInRange: positions.every((p) => p >= 0 && p < clip.lengthSamples),
      gotData,
      contextRate: ctx.sampleRate,
      settings: { echoCancellation: clip.settings.echoCancellation ?? null },
    };
    clip.end();
    await ctx.close();
    return result;
  },

  /**
   * Starts a clip with the raw second track and the game's output beside it (a 1 kHz tone at 0.25
   * connected as the output), reads every chunk of all four for `seconds`, and says what it got.
   * With `refuseRaw`, the page's getUserMedia refuses the second track.
   */
  async rawMicrophone(opts: { transport: Transport; seconds: number; refuseRaw?: boolean }) {
    const ctx = await context();
    // Every stream the clip opens, to check that ending it stops them all.
    const opened: MediaStream[] = [];
    const devices = navigator.mediaDevices;
    const getUserMedia = devices.getUserMedia.bind(devices);
    devices.getUserMedia = async (constraints) => {
      const audio = constraints?.audio;
      // A browser that will not open the microphone a second time with its processing off.
      if (opts.refuseRaw && typeof audio === 'object' && audio.echoCancellation === false)
        throw new DOMException('busy', 'NotReadableError');
      const stream = await getUserMedia(constraints);
      opened.push(stream);
      return stream;
    };
    const clip = await Microphone.start({ audioContext: ctx, transport: opts.transport, reference: true, raw: true });
    devices.getUserMedia = getUserMedia;
    const tone = ctx.createOscillator();
    tone.frequency.value = 1000;
    const gain = ctx.createGain();
    gain.gain.value = 0.25;
    tone.connect(gain);
    clip.connectOutput(gain);
    tone.start();
    const parts = { mic: new Float32Array(320), ref: new Float32Array(320), raw: new Float32Array(320), out: new Float32Array(320) };
    const sums = { mic: 0, ref: 0, raw: 0, out: 0 };
    const outSamples: number[] = [];
    let chunks = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < opts.seconds * 1000) {
      while (clip.readPair(parts.mic, parts.ref, parts.raw, parts.out)) {
        chunks++;
        for (const key of ['mic', 'ref', 'raw', 'out'] as const) for (const v of parts[key]) sums[key] += v * v;
        if (outSamples.length < 16000) outSamples.push(...parts.out);
      }
      await sleep(20);
    }
    const track = clip.stream.getAudioTracks()[0];
    const rmsOf = (key: keyof typeof sums) => Math.sqrt(sums[key] / Math.max(1, chunks * 320));
    const result = {
      hasRaw: clip.hasRaw,
      chunks,
      echoCancellation: track?.getSettings().echoCancellation ?? null,
      rms: { mic: rmsOf('mic'), ref: rmsOf('ref'), raw: rmsOf('raw'), out: rmsOf('out') },
      outSamples,
      streamsOpened: opened.length,
    };
    clip.end();
    const ended = opened.every((stream) => stream.getTracks().every((t) => t.readyState === 'ended'));
    tone.stop();
    await ctx.close();
    return { ...result, ended };
  },

  /** Lets the clip overrun (no polling for `stallMs`), then reads: the lap must be detected. */
  async microphoneLap(opts: { transport: Transport; stallMs: number }) {
    const ctx = await context();
    const clip = await Microphone.start({ audioContext: ctx, transport: opts.transport, lengthSec: 0.25 });
    await sleep(opts.stallMs);
    // Freeze the writer before reading: over shared memory the worklet keeps writing while we
    // copy, and the ring rightly drops the prefix it tears (a quantum or so) — which would make
    // the exact counts below a race. The torn-read path has its own test (ring-buffer unit tests).
    await ctx.suspend();
    // Firefox resolves suspend() a render quantum or two before its audio thread stops writing.
    await sleep(50);
    const buf = new Float32Array(clip.lengthSamples);
    const read = clip.read(buf);
    const result = { read, lost: clip.lostSamples, lengthSamples: clip.lengthSamples, total: clip.totalSamples };
    clip.end();
    await ctx.close();
    return result;
  },

  /** Plays `seconds` of a 24 kHz tone enqueued in `chunkMs` pieces every `intervalMs`; records the output. */
  async playTone(opts: { transport: Transport; seconds: number; chunkMs: number; intervalMs: number; freq: number; prebufferMs?: number }) {
    const ctx = await context();
    const rec = new Recorder(ctx);
    const voice = await StreamingVoiceSource.create(ctx, {
      transport: opts.transport,
      ...(opts.prebufferMs !== undefined ? { prebufferMs: opts.prebufferMs } : {}),
    });
    voice.connect(rec.node);
    const total = Math.round(opts.seconds * 24000);
    const chunk = Math.round((opts.chunkMs / 1000) * 24000);
    const tone = new Float32Array(total);
    for (let i = 0; i < total; i++) tone[i] = 0.5 * Math.sin((2 * Math.PI * opts.freq * i) / 24000);
    await rec.mark('first');
    for (let i = 0; i < total; i += chunk) {
      voice.enqueue(tone.subarray(i, Math.min(total, i + chunk)));
      voice.update();
      if (opts.intervalMs > 0) await sleep(opts.intervalMs);
    }
    voice.end();
    const deadline = performance.now() + opts.seconds * 1000 + 3000;
    while (voice.state !== 'idle' || voice.bufferedMs > 0) {
      voice.update();
      if (performance.now() > deadline) break;
      await sleep(20);
    }
    await sleep(50);
    voice.update();
    const recording = await rec.stop();
    const stats = { underruns: voice.underruns, playedFrames: voice.playedFrames, transport: voice.transport, state: voice.state };
    voice.destroy();
    await ctx.close();
    return { ...recording, ...stats, contextRate: ctx.sampleRate };
  },

  /** Enqueues too little, waits: the source must count an underrun, then recover. */
  async starve(opts: { transport: Transport }) {
    const ctx = await context();
    const rec = new Recorder(ctx);
    const voice = await StreamingVoiceSource.create(ctx, { transport: opts.transport, prebufferMs: 50 });
    voice.connect(rec.node);
    const piece = new Float32Array(2400).fill(0.25); // 100 ms
    let underrunEvents = 0;
    voice.on('underrun', () => underrunEvents++);
    voice.enqueue(piece);
    await sleep(400);
    await until(voice, () => voice.underruns > 0);
    const afterStarve = voice.underruns;
    const stateAfterStarve = voice.state;
    voice.enqueue(piece);
    voice.end();
    await sleep(400);
    await until(voice, () => voice.state === 'idle');
    const result = {
      afterStarve,
      stateAfterStarve,
      final: voice.underruns,
      underrunEvents,
      playedFrames: voice.playedFrames,
      rate: ctx.sampleRate,
    };
    voice.destroy();
    await ctx.close();
    return result;
  },

  /**
   * All of an utterance played and the queue run dry before end() came (its turn's end arrives
   * after its last audio, later still on a busy machine): end() then finishes it.
   */
  async endAfterStarve(opts: { transport: Transport }) {
    const ctx = await context();
    const rec = new Recorder(ctx);
    const voice = await StreamingVoiceSource.create(ctx, { transport: opts.transport, prebufferMs: 50 });
    voice.connect(rec.node);
    let drained = 0;
    voice.on('drained', () => drained++);
    voice.enqueue(new Float32Array(2400).fill(0.25)); // 100 ms
    await sleep(400);
    voice.update();
    const starved = voice.state;
    voice.end();
    await sleep(300);
    voice.update();
    const result = { starved, after: voice.state, drained, underruns: voice.underruns, buffered: voice.bufferedMs };
    voice.destroy();
    await ctx.close();
    return result;
  },

  /** A short utterance below the prebuffer waits for end(), then plays. */
  async prebuffer(opts: { transport: Transport }) {
    const ctx = await context();
    const rec = new Recorder(ctx);
    const voice = await StreamingVoiceSource.create(ctx, { transport: opts.transport, prebufferMs: 200 });
    voice.connect(rec.node);
    voice.enqueue(new Float32Array(2400).fill(0.3)); // 100 ms < 200 ms prebuffer
    await sleep(300);
    voice.update();
    const before = { state: voice.state, played: voice.playedFrames };
    let drained = 0;
    voice.on('drained', () => drained++);
    voice.end();
    await sleep(300);
    voice.update();
    const after = { state: voice.state, played: voice.playedFrames, underruns: voice.underruns, drained };
    voice.destroy();
    await ctx.close();
    return { before, after, rate: ctx.sampleRate };
  },

  /** Plays a tone, calls clear() mid-way, records: how fast and how smoothly it falls silent. */
  async clearMidway(opts: { transport: Transport }) {
    const { ctx, rec, voice, tone } = await recordedVoice(opts.transport, 2);
    voice.enqueue(tone);
    await sleep(500);
    const levelWhilePlaying = voice.level;
    const mark = rec.mark('clear');
    voice.clear();
    await mark;
    await sleep(300);
    voice.update();
    const bufferedAfter = voice.bufferedMs;
    const stateAfter = voice.state;
    // Speech enqueued after a clear plays normally.
    voice.enqueue(tone.subarray(0, 4800));
    voice.end();
    await sleep(400);
    voice.update();
    const recording = await rec.stop();
    const result = { ...recording, levelWhilePlaying, bufferedAfter, stateAfter, playedAfter: voice.playedFrames, rate: ctx.sampleRate };
    voice.destroy();
    await ctx.close();
    return result;
  },

  /** Plays a tone, pauses mid-way, resumes: silent at once, nothing lost, no click either way. */
  async pauseMidway(opts: { transport: Transport }) {
    const { ctx, rec, voice, tone } = await recordedVoice(opts.transport, 1);
    voice.enqueue(tone);
    voice.end();
    await sleep(400);
    const pauseMark = rec.mark('pause');
    voice.pause();
    await pauseMark;
    await sleep(100); // let the stats of the message path catch up with the pause
    voice.update();
    const bufferedPaused = voice.bufferedMs;
    const playedPaused = voice.playedFrames;
    await sleep(300);
    voice.update();
    const bufferedLater = voice.bufferedMs;
    const playedLater = voice.playedFrames;
    const stillPaused = voice.paused;
    const resumeMark = rec.mark('resume');
    voice.resume();
    await resumeMark;
    await sleep(900);
    voice.update();
    const playedEnd = voice.playedFrames;
    // A pause ends with clear() too: the queue goes, new speech plays.
    voice.enqueue(tone);
    await sleep(200);
    voice.pause();
    voice.clear();
    const pausedAfterClear = voice.paused;
    voice.enqueue(tone.subarray(0, 4800));
    voice.end();
    await sleep(400);
    voice.update();
    const recording = await rec.stop();
    const result = {
      ...recording,
      rate: ctx.sampleRate,
      bufferedPaused,
      bufferedLater,
      playedPaused,
      playedLater,
      stillPaused,
      playedEnd,
      pausedAfterClear,
      playedAfterClear: voice.playedFrames - playedEnd,
    };
    voice.destroy();
    await ctx.close();
    return result;
  },

  /** destroy() stops the worklet, disconnects, stops timers and listeners. */
  async destroyVoice(opts: { transport: Transport }) {
    const ctx = await context();
    const intervals = new Set<number>();
    const realSet = window.setInterval.bind(window);
    const realClear = window.clearInterval.bind(window);
    window.setInterval = ((fn: TimerHandler, ms?: number) => {
      const id = realSet(fn, ms);
      intervals.add(id);
      return id;
    }) as typeof window.setInterval;
    window.clearInterval = ((id?: number) => {
      if (id !== undefined) intervals.delete(id);
      realClear(id);
    }) as typeof window.clearInterval;
    const rec = new Recorder(ctx);
    const voice = await StreamingVoiceSource.create(ctx, { transport: opts.transport, capacitySec: 0.5 });
    voice.connect(rec.node);
    voice.on('drained', () => {});
    voice.enqueue(new Float32Array(24000 * 2).fill(0.2)); // overflows the 0.5 s ring: a pump timer runs
    const timersWhileOverflowing = intervals.size;
    await sleep(200);
    voice.destroy();
    let threw = '';
    try {
      voice.enqueue(new Float32Array(10));
    } catch (e) {
      threw = (e as { code?: string }).code ?? String(e);
    }
    await rec.mark('destroyed');
    await sleep(200);
    const recording = await rec.stop();
    const destroyedAt = recording.marks.destroyed ?? 0;
    let loudAfter = 0;
    recording.samples.forEach((v, i) => {
      if (recording.startFrame + i > destroyedAt + 256 && Math.abs(v) > 1e-6) loudAfter++;
    });
    window.setInterval = realSet as typeof window.setInterval;
    window.clearInterval = realClear;
    const result = {
      timersWhileOverflowing,
      timersAfter: intervals.size,
      listeners: voice.listenerCount(),
      isDestroyed: voice.isDestroyed,
      threw,
      loudAfter,
      portHandler: voice.node.port.onmessage === null,
    };
    await ctx.close();
    return result;
  },
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
