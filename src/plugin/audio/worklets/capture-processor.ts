/// <reference path="./audio-worklet-global.d.ts" />
import { Resampler } from '../resampler.js';
import { RingBuffer } from '../ring-buffer.js';
import type { CaptureProcessorOptions, CaptureToMain, MainToCapture } from './protocol.js';

/**
 * Microphone capture on the audio thread: mixes the input to mono, resamples it to the Live
 * API's 16 kHz with the anti-aliasing filter, and either writes a shared ring (the main thread
 * polls it) or posts batches of 20–40 ms. Batches are transferred and handed back by the main
 * thread, so steady state allocates nothing here.
 */
export class CaptureProcessor extends AudioWorkletProcessor {
  private readonly resampler: Resampler;
  private readonly ring: RingBuffer | null;
  private readonly batchSamples: number;
  private mono = new Float32Array(128);
  private resampled: Float32Array;
  private batch: Float32Array | null = null;
  private batchFill = 0;
  private readonly pool: Float32Array[] = [];
  private running = true;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const opts = options.processorOptions as CaptureProcessorOptions;
    this.resampler = new Resampler(sampleRate, opts.outRate);
    this.resampled = new Float32Array(this.resampler.maxOutput(128));
    this.ring = opts.ring ? new RingBuffer(opts.ring) : null;
    this.batchSamples = opts.batchSamples;
    this.port.onmessage = (event: MessageEvent<MainToCapture>) => {
      const msg = event.data;
      if (msg.type === 'recycle') {
        if (msg.samples.length === this.batchSamples) this.pool.push(msg.samples);
      } else if (msg.type === 'stop') {
        this.running = false;
        this.post({ type: 'stopped' });
        this.port.close();
      }
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (!this.running) return false;
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true; // not connected yet, or the track ended
    const frames = (channels[0] as Float32Array).length;
    if (this.mono.length < frames) {
      this.mono = new Float32Array(frames);
      this.resampled = new Float32Array(this.resampler.maxOutput(frames));
    }
    const mono = this.mono;
    if (channels.length === 1) {
      mono.set(channels[0] as Float32Array);
    } else {
      mono.fill(0, 0, frames);
      const gain = 1 / channels.length;
      for (const channel of channels) for (let i = 0; i < frames; i++) mono[i] = (mono[i] as number) + (channel[i] as number) * gain;
    }
    const n = this.resampler.processInto(mono, this.resampled, 0, frames);
    if (this.ring) this.ring.write(this.resampled, 0, n);
    else this.appendToBatch(n);
    return true;
  }

  private appendToBatch(n: number): void {
    const src = this.resampled;
    for (let i = 0; i < n; ) {
      if (!this.batch) {
        this.batch = this.pool.pop() ?? new Float32Array(this.batchSamples);
        this.batchFill = 0;
      }
      const take = Math.min(n - i, this.batchSamples - this.batchFill);
      for (let k = 0; k < take; k++) this.batch[this.batchFill + k] = src[i + k] as number;
      this.batchFill += take;
      i += take;
      if (this.batchFill === this.batchSamples) {
        const samples = this.batch;
        this.batch = null;
        this.port.postMessage({ type: 'batch', samples } satisfies CaptureToMain, [samples.buffer]);
      }
    }
  }

  private post(msg: CaptureToMain): void {
    this.port.postMessage(msg);
  }
}
