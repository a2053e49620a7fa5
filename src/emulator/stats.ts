import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { ModelOptions } from './setup-options.js';

/** One video frame as the emulator received it (`atMs` is wall-clock time, `Date.now()`). */
export interface VideoFrameRecord {
  atMs: number;
  mimeType: string;
  bytes: number;
  /** From the image header; null when it has none the emulator reads. */
  width: number | null;
  height: number | null;
}

/** The histogram samples the loop this often; each sample is the interval, so lag = sample − this. */
const LOOP_RESOLUTION_MS = 5;

/** Counters the emulator keeps; served as JSON at `/emulator/stats` and by `stats()`. */
export class EmulatorStats {
  /** Event-loop delay of the emulator's process (how late timers and sockets are served). */
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  sessionsOpen = 0;
  sessionsTotal = 0;
  /** User turns detected (speech starts from VAD, or activityStart). */
  speechTurns = 0;
  textTurns = 0;
  interruptions = 0;
  toolCalls = 0;
  unknownToolResponses = 0;
  videoFrames = 0;
  /** `audioStreamEnd` messages (the client's microphone stopped: tab hidden, muted). */
  audioStreamEnds = 0;
  resumed = 0;
  audioSeconds = 0;
  readonly closes: Record<string, number> = {};
  /** Sessions set up with each Live option (so a game can see its options reached the model). */
  readonly liveOptions = { thinking: 0, compression: 0, mediaResolution: 0, affectiveDialog: 0, proactiveAudio: 0 };
  /** The last 100 video frames received, oldest first. */
  private readonly videoLog: VideoFrameRecord[] = [];
  /** End of a user turn → first audio chunk sent, last 1000 turns, ms. */
  private readonly firstAudio: number[] = [];

  constructor() {
    this.loop.enable();
  }

  /** Starts a new event-loop measurement window. */
  resetEventLoop(): void {
    this.loop.reset();
  }

  /** Stops measuring (the server is closing). */
  dispose(): void {
    this.loop.disable();
  }

  sessionOpened(): void {
    this.sessionsOpen++;
    this.sessionsTotal++;
  }

  sessionClosed(): void {
    this.sessionsOpen--;
  }

  /** Counts the Live options of a session the emulator accepted. */
  recordOptions(o: ModelOptions): void {
    if (o.thinking) this.liveOptions.thinking++;
    if (o.compression) this.liveOptions.compression++;
    if (o.mediaResolution) this.liveOptions.mediaResolution++;
    if (o.affectiveDialog) this.liveOptions.affectiveDialog++;
    if (o.proactiveAudio) this.liveOptions.proactiveAudio++;
  }

  closedWith(code: number): void {
    this.closes[code] = (this.closes[code] ?? 0) + 1;
  }

  recordVideoFrame(frame: Omit<VideoFrameRecord, 'atMs'>): void {
    this.videoFrames++;
    this.videoLog.push({ atMs: Date.now(), ...frame });
    if (this.videoLog.length > 100) this.videoLog.shift();
  }

  recordFirstAudio(ms: number): void {
    this.firstAudio.push(ms);
    if (this.firstAudio.length > 1000) this.firstAudio.shift();
  }

  toJSON(): Record<string, unknown> {
    const sorted = [...this.firstAudio].sort((a, b) => a - b);
    const q = (p: number) => (sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number) : null);
    return {
      sessionsOpen: this.sessionsOpen,
      sessionsTotal: this.sessionsTotal,
      speechTurns: this.speechTurns,
      textTurns: this.textTurns,
      interruptions: this.interruptions,
      toolCalls: this.toolCalls,
      unknownToolResponses: this.unknownToolResponses,
      videoFrames: this.videoFrames,
      recentVideoFrames: this.videoLog.map((f) => ({ ...f })),
      audioStreamEnds: this.audioStreamEnds,
      resumed: this.resumed,
      audioSeconds: Math.round(this.audioSeconds * 1000) / 1000,
      closes: { ...this.closes },
      liveOptions: { ...this.liveOptions },
      serverFirstAudioMs: { p50: q(0.5), p95: q(0.95), count: sorted.length },
      eventLoopDelayMs: {
        p50: lag(this.loop.percentile(50)),
        p99: lag(this.loop.percentile(99)),
        max: lag(this.loop.max),
      },
    };
  }
}

/** Nanosecond interval sample → milliseconds of lag beyond the sampling interval. */
function lag(ns: number): number {
  return ns > 0 ? Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS) : 0;
}
