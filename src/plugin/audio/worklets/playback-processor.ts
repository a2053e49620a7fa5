/// <reference path="./audio-worklet-global.d.ts" />

import { type MainToPlayback, type PlaybackProcessorOptions, PlaybackState, type PlaybackToMain, Slot } from './protocol.js';
import { RingBuffer } from './ring-buffer.js';

/**
 * The looping streaming clip on the audio thread. It plays what the main thread queued into the
 * ring, starting once `prebufferFrames` are waiting (or the utterance is complete), plays silence
 * and counts an underrun when starved mid-utterance, and on clear() fades the current quantum out
 * (at most `fadeFrames`) and drops everything queued before the clear — never what came after.
 * While paused it fades out the same way and plays silence, keeping the queue (and the
 * prebuffer state) for when it plays on, faded in.
 *
 * The same code runs both transports: with shared memory the main thread writes the ring and the
 * control block directly; otherwise its messages are applied here to a private ring and block.
 */
export class PlaybackProcessor extends AudioWorkletProcessor {
  private readonly ring: RingBuffer;
  private readonly control: Int32Array;
  private readonly levelSlot: Float32Array;
  private readonly shared: boolean;
  private readonly prebuffer: number;
  private readonly fadeFrames: number;
  private readonly statsInterval: number;
  private readonly smoothing: number;
  private seenClear = 0;
  private seenEnd = 0;
  private endPos = -1;
  private state: PlaybackState = PlaybackState.Idle;
  private meanSquare = 0;
  private sinceStats = 0;
  private reportedQuiet = true;
  private disposed = false;
  private paused = false;
  private fadeIn = false;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const opts = options.processorOptions as PlaybackProcessorOptions;
    this.ring = new RingBuffer(opts.ring);
    this.control = new Int32Array(opts.control, 0, Slot.Level);
    this.levelSlot = new Float32Array(opts.control, Slot.Level * 4, 1);
    this.shared = opts.shared;
    this.prebuffer = opts.prebufferFrames;
    this.fadeFrames = opts.fadeFrames;
    this.statsInterval = opts.statsIntervalFrames;
    this.smoothing = opts.levelSmoothing;
    if (!this.shared) this.port.onmessage = (event: MessageEvent<MainToPlayback>) => this.onMessage(event.data);
  }

  private onMessage(msg: MainToPlayback): void {
    const c = this.control;
    switch (msg.type) {
      case 'data':
        // The main thread only sends what fits (it tracks our consumption), so push never drops.
        this.ring.push(msg.samples);
        break;
      case 'clear':
        c[Slot.ClearPos] = this.ring.writePosition;
        c[Slot.ClearSeq] = (c[Slot.ClearSeq] as number) + 1;
        break;
      case 'end':
        c[Slot.EndPos] = this.ring.writePosition;
        c[Slot.EndSeq] = (c[Slot.EndSeq] as number) + 1;
        break;
      case 'pause':
        c[Slot.Paused] = msg.paused ? 1 : 0;
        break;
      case 'dispose':
        c[Slot.Dispose] = 1;
        break;
    }
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const c = this.control;
    if (this.disposed || Atomics.load(c, Slot.Dispose) === 1) {
      this.disposed = true;
      if (!this.shared) this.port.close();
      return false;
    }
    const out = (outputs[0] as Float32Array[])[0] as Float32Array;
    const frames = out.length;
    const ring = this.ring;
    let written = 0;

    const clearSeq = Atomics.load(c, Slot.ClearSeq);
    if (clearSeq !== this.seenClear) {
      this.seenClear = clearSeq;
      const target = Atomics.load(c, Slot.ClearPos);
      if (this.state === PlaybackState.Playing) {
        // Fade what is audible now to zero instead of cutting it (a cut is a click).
        const fade = Math.min(this.fadeFrames, frames, ring.distance(target, ring.readPosition));
        written = ring.read(out, 0, fade);
        for (let i = 0; i < written; i++) out[i] = (out[i] as number) * (1 - (i + 1) / written);
      }
      const behind = ring.distance(target, ring.readPosition);
      if (behind <= ring.capacity) ring.skip(behind);
      this.endPos = -1;
      this.setState(PlaybackState.Idle);
    }
    const paused = Atomics.load(c, Slot.Paused) === 1;
    if (paused !== this.paused) {
      this.paused = paused;
      if (paused && this.state === PlaybackState.Playing && written === 0) {
        // Fade out what is audible now (a cut is a click); the rest of the queue waits.
        written = ring.read(out, 0, Math.min(this.fadeFrames, frames, ring.available()));
        for (let i = 0; i < written; i++) out[i] = (out[i] as number) * (1 - (i + 1) / written);
        c[Slot.Played] = ((c[Slot.Played] as number) + written) | 0;
      }
      this.fadeIn = !paused;
    }
    const endSeq = Atomics.load(c, Slot.EndSeq);
    if (endSeq !== this.seenEnd) {
      this.seenEnd = endSeq;
      this.endPos = Atomics.load(c, Slot.EndPos);
    }

    if (this.state !== PlaybackState.Playing) {
      const available = ring.available();
      const utteranceQueued = this.endPos >= 0 && available > 0 && ring.distance(this.endPos, ring.readPosition) <= available;
      if (available >= this.prebuffer || utteranceQueued) this.setState(PlaybackState.Playing);
      else if (available > 0) this.setState(PlaybackState.Buffering);
    }

    if (this.state === PlaybackState.Playing && written === 0 && !this.paused) {
      // Never play past the end of the utterance into the next one without its own prebuffer.
      let want = frames;
      if (this.endPos >= 0) {
        const toEnd = ring.distance(this.endPos, ring.readPosition);
        if (toEnd <= ring.capacity && toEnd < want) want = toEnd;
      }
      const got = ring.read(out, 0, want);
      written = got;
      if (this.fadeIn && got > 0) {
        // Back from a pause: fade in, as the pause faded out.
        const n = Math.min(this.fadeFrames, got);
        for (let i = 0; i < n; i++) out[i] = (out[i] as number) * ((i + 1) / n);
        this.fadeIn = false;
      }
      c[Slot.Played] = ((c[Slot.Played] as number) + got) | 0;
      if (got < frames) {
        if (this.endPos >= 0 && ring.readPosition === this.endPos) {
          this.endPos = -1;
          c[Slot.Drained] = ((c[Slot.Drained] as number) + 1) | 0;
          this.setState(PlaybackState.Idle);
        } else {
          c[Slot.Underruns] = ((c[Slot.Underruns] as number) + 1) | 0;
          this.setState(PlaybackState.Buffering);
        }
      }
    }
    for (let i = written; i < frames; i++) out[i] = 0;

    let sum = 0;
    for (let i = 0; i < written; i++) sum += (out[i] as number) * (out[i] as number);
    const ms = sum / frames;
    const a = this.smoothing ** frames;
    this.meanSquare = this.meanSquare * a + ms * (1 - a);
    this.levelSlot[0] = Math.sqrt(this.meanSquare);

    if (!this.shared) this.maybePostStats(frames);
    return true;
  }

  private setState(state: PlaybackState): void {
    this.state = state;
    Atomics.store(this.control, Slot.State, state);
  }

  /** Message path: report every `statsInterval` frames while anything is audible or queued, once when it falls quiet. */
  private maybePostStats(frames: number): void {
    this.sinceStats += frames;
    const quiet = this.state === PlaybackState.Idle && this.meanSquare < 1e-10;
    if (quiet ? this.reportedQuiet : this.sinceStats < this.statsInterval) return;
    this.reportedQuiet = quiet;
    this.sinceStats = 0;
    const c = this.control;
    const stats: PlaybackToMain = {
      type: 'stats',
      played: c[Slot.Played] as number,
      consumed: this.ring.readPosition,
      underruns: c[Slot.Underruns] as number,
      state: this.state,
      drained: c[Slot.Drained] as number,
      level: this.levelSlot[0] as number,
    };
    this.port.postMessage(stats);
  }
}
