/// <reference path="./audio-worklet-global.d.ts" />
import { Resampler } from '../dsp/resampler.js';
import type { CaptureProcessorOptions, CaptureToMain, MainToCapture } from './protocol.js';
import { RingBuffer } from './ring-buffer.js';

/**
 * Capture on the audio thread: each input (the microphone, and optionally the game's output as an
 * echo reference) is mixed to mono and resampled to the Live API's 16 kHz with the anti-aliasing
 * filter, in lockstep, then written to shared rings (the main thread polls them) or posted in
 * batches of 20–40 ms. Batches are transferred and handed back by the main thread, so steady state
 * allocates nothing here.
 */
export class CaptureProcessor extends AudioWorkletProcessor {
  private readonly streams: number;
  private readonly resamplers: Resampler[];
  private readonly rings: RingBuffer[] | null;
  private readonly batchSamples: number;
  private mono = new Float32Array(128);
  private resampled: Float32Array[];
  private batch: Float32Array[] | null = null;
  private batchFill = 0;
  private readonly pool: Float32Array[][] = [];
  private running = true;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const opts = options.processorOptions as CaptureProcessorOptions;
    this.streams = opts.streams;
    this.resamplers = Array.from({ length: this.streams }, () => new Resampler(sampleRate, opts.outRate));
    this.resampled = this.resamplers.map((r) => new Float32Array(r.maxOutput(128)));
    this.rings = opts.rings ? opts.rings.map((storage) => new RingBuffer(storage)) : null;
    this.batchSamples = opts.batchSamples;
    this.port.onmessage = (event: MessageEvent<MainToCapture>) => {
      const msg = event.data;
      if (msg.type === 'recycle') {
        if (msg.samples.length === this.streams && msg.samples[0]?.length === this.batchSamples) this.pool.push(msg.samples);
      } else if (msg.type === 'stop') {
        this.running = false;
        this.port.postMessage({ type: 'stopped' } satisfies CaptureToMain);
        this.port.close();
      }
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (!this.running) return false;
    const first = inputs[0];
    if (!first || first.length === 0) return true; // not connected yet, or the track ended
    const frames = (first[0] as Float32Array).length;
    if (this.mono.length < frames) {
      this.mono = new Float32Array(frames);
      this.resampled = this.resamplers.map((r) => new Float32Array(r.maxOutput(frames)));
    }
    let n = 0;
    for (let s = 0; s < this.streams; s++) {
      this.mixToMono(inputs[s], frames);
      // Every stream gets the same input count, so every resampler yields the same output count.
      n = (this.resamplers[s] as Resampler).processInto(this.mono, this.resampled[s] as Float32Array, 0, frames);
    }
    if (this.rings) for (let s = 0; s < this.streams; s++) (this.rings[s] as RingBuffer).write(this.resampled[s] as Float32Array, 0, n);
    else this.appendToBatch(n);
    return true;
  }

  /** Mixes an input's channels into `this.mono` (silence when the input is not connected). */
  private mixToMono(channels: Float32Array[] | undefined, frames: number): void {
    const mono = this.mono;
    if (!channels || channels.length === 0) {
      mono.fill(0, 0, frames);
    } else if (channels.length === 1) {
      mono.set(channels[0] as Float32Array);
    } else {
      mono.fill(0, 0, frames);
      const gain = 1 / channels.length;
      for (const channel of channels) for (let i = 0; i < frames; i++) mono[i] = (mono[i] as number) + (channel[i] as number) * gain;
    }
  }

  private appendToBatch(n: number): void {
    for (let i = 0; i < n; ) {
      if (!this.batch) {
        this.batch = this.pool.pop() ?? Array.from({ length: this.streams }, () => new Float32Array(this.batchSamples));
        this.batchFill = 0;
      }
      const take = Math.min(n - i, this.batchSamples - this.batchFill);
      for (let s = 0; s < this.streams; s++) {
        const src = this.resampled[s] as Float32Array;
        const dst = this.batch[s] as Float32Array;
        for (let k = 0; k < take; k++) dst[this.batchFill + k] = src[i + k] as number;
      }
      this.batchFill += take;
      i += take;
      if (this.batchFill === this.batchSamples) {
        const samples = this.batch;
        this.batch = null;
        this.port.postMessage(
          { type: 'batch', samples } satisfies CaptureToMain,
          samples.map((a) => a.buffer),
        );
      }
    }
  }
}
