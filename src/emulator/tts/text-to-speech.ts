import { Worker } from 'node:worker_threads';
import { Resampler } from '../../plugin/audio/dsp/resampler.js';
import { parseWavPcm16 } from './wav.js';

/** 24 kHz mono speech as the Live API sends it. */
export interface Speech {
  readonly pcm: Int16Array;
  readonly seconds: number;
}

export interface TextToSpeechOptions {
  /**
   * Worker threads running eSpeak NG. Synthesis never runs on the server's event loop.
   * @defaultValue 1
   */
  workers?: number;
  /**
   * Bytes of synthesised speech kept for reuse: NPCs repeat their lines, so most replies are
   * served from here without synthesising at all.
   * @defaultValue 64 MiB
   */
  cacheBytes?: number;
}

interface Job {
  resolve(wav: Uint8Array): void;
  reject(error: Error): void;
}

const OUTPUT_RATE = 24000;
const LEAD_SILENCE = 0.02; // trimmed to this much before the voice starts
const TAIL_SILENCE = 0.1;

/**
 * The emulator's voice: eSpeak NG (WASM, from npm) in worker threads, resampled to 24 kHz with
 * the plugin's own resampler, leading silence trimmed (it would only add latency), with an LRU
 * cache and de-duplication of concurrent requests for the same line.
 */
export class TextToSpeech {
  private readonly workers: Worker[] = [];
  private readonly busy: number[] = [];
  private readonly jobs = new Map<number, Job>();
  private readonly cache = new Map<string, Speech>();
  private readonly inflight = new Map<string, Promise<Speech>>();
  private readonly cacheLimit: number;
  private readonly workerCount: number;
  private cacheBytes = 0;
  private nextId = 1;
  private ready: Promise<void> | null = null;
  private closed = false;
  /** Syntheses run (cache misses), for tests and stats. */
  syntheses = 0;

  constructor(options: TextToSpeechOptions = {}) {
    this.workerCount = Math.max(1, options.workers ?? 1);
    this.cacheLimit = options.cacheBytes ?? 64 * 1024 * 1024;
  }

  /** Starts the workers and compiles the WASM module (~0.3 s) so the first reply is not slow. */
  warm(): Promise<void> {
    this.ready ??= Promise.all(
      Array.from({ length: this.workerCount }, () => {
        const worker = new Worker(new URL('./tts-worker.mjs', import.meta.url));
        worker.unref();
        const index = this.workers.push(worker) - 1;
        this.busy.push(0);
        worker.on('message', (msg: { id: number; wav?: Uint8Array; error?: string }) => {
          if (msg.id === 0) return;
          const job = this.jobs.get(msg.id);
          if (!job) return;
          this.jobs.delete(msg.id);
          this.busy[index] = (this.busy[index] as number) - 1;
          if (msg.wav) job.resolve(msg.wav);
          else job.reject(new Error(msg.error ?? 'speech synthesis failed'));
        });
        worker.on('error', (error) => this.failAll(error));
        return new Promise<void>((resolve) => {
          const onReady = (msg: { id: number }) => {
            if (msg.id !== 0) return;
            worker.off('message', onReady);
            resolve();
          };
          worker.on('message', onReady);
          worker.postMessage({ id: 0 });
        });
      }),
    ).then(() => undefined);
    return this.ready;
  }

  /** Speech for `text` with eSpeak `args` (cached). */
  synthesize(text: string, args: readonly string[]): Promise<Speech> {
    const key = `${args.join(' ')}\u0000${text}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key); // refresh its place in the LRU order
      this.cache.set(key, hit);
      return Promise.resolve(hit);
    }
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const job = this.run(text, args).then((speech) => {
      this.inflight.delete(key);
      this.remember(key, speech);
      return speech;
    });
    job.catch(() => this.inflight.delete(key));
    this.inflight.set(key, job);
    return job;
  }

  /** True when `text` is ready to stream with no synthesis wait. */
  has(text: string, args: readonly string[]): boolean {
    return this.cache.has(`${args.join(' ')}\u0000${text}`);
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.closed = true;
    this.failAll(new Error('text-to-speech closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }

  private async run(text: string, args: readonly string[]): Promise<Speech> {
    if (this.closed) throw new Error('text-to-speech closed');
    await this.warm();
    this.syntheses++;
    // The least busy worker takes the job.
    let index = 0;
    for (let i = 1; i < this.busy.length; i++) if ((this.busy[i] as number) < (this.busy[index] as number)) index = i;
    const id = this.nextId++;
    const wav = await new Promise<Uint8Array>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      this.busy[index] = (this.busy[index] as number) + 1;
      (this.workers[index] as Worker).postMessage({ id, args, text });
    });
    return toSpeech(wav);
  }

  private remember(key: string, speech: Speech): void {
    this.cache.set(key, speech);
    this.cacheBytes += speech.pcm.byteLength;
    for (const [k, v] of this.cache) {
      if (this.cacheBytes <= this.cacheLimit) break;
      this.cache.delete(k);
      this.cacheBytes -= v.pcm.byteLength;
    }
  }

  private failAll(error: Error): void {
    for (const job of this.jobs.values()) job.reject(error);
    this.jobs.clear();
  }
}

/** eSpeak's WAV (22.05 kHz) → trimmed 24 kHz Int16. */
function toSpeech(wav: Uint8Array): Speech {
  const { samples, sampleRate } = parseWavPcm16(wav);
  let first = 0;
  let last = samples.length - 1;
  while (first < samples.length && Math.abs(samples[first] as number) < 1e-3) first++;
  while (last > first && Math.abs(samples[last] as number) < 1e-3) last--;
  const start = Math.max(0, first - Math.round(LEAD_SILENCE * sampleRate));
  const end = Math.min(samples.length, last + 1 + Math.round(TAIL_SILENCE * sampleRate));
  const resampler = new Resampler(sampleRate, OUTPUT_RATE);
  const body = resampler.process(samples.subarray(start, end));
  const tail = resampler.flush();
  const pcm = new Int16Array(body.length + tail.length);
  const put = (src: Float32Array, offset: number) => {
    for (let i = 0; i < src.length; i++) {
      const s = Math.max(-1, Math.min(1, src[i] as number));
      pcm[offset + i] = Math.round(s < 0 ? s * 32768 : s * 32767);
    }
  };
  put(body, 0);
  put(tail, body.length);
  return { pcm, seconds: pcm.length / OUTPUT_RATE };
}
