import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright';
import { BASE_FLAGS, findChromium } from './chromium.ts';
import { makeRealtime, ROOMS, type Room, RoomProcesses, realtime } from './rooms.ts';
import { readWav } from './wav.ts';

const SINK = 'room_speakers';
/** In a room, the sink the microphone hears: the room's chain and its noise play into it. */
const AIR = 'room_air';
const MIC = 'room_mic';
const TOOLS = ['pulseaudio', 'pactl', 'paplay', 'parecord', 'Xvfb'] as const;

/** Why the loop (in `room`) cannot be built here, or null when it can. */
export function loopUnavailable(room: Room = ROOMS.dry): string | null {
  const tools: string[] = [...TOOLS];
  if (room.effects) tools.push('sox', 'parec', 'pacat', 'python3');
  if (room.busy) tools.push('stress-ng');
  const missing = tools.filter((t) => {
    try {
      execFileSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  return missing.length
    ? `missing ${missing.join(', ')} (Debian: apt-get install -y pulseaudio pulseaudio-utils xvfb sox stress-ng)`
    : null;
}

/**
 * A real speaker → microphone loop on this machine (shared/ACOUSTIC-LOOP.md): a PulseAudio daemon
 * with a null sink whose monitor is remapped into a plain source (Chromium hides monitors), made the
 * default sink and source, and a virtual X display for a headed Chromium (headless captures
 * silence). Everything it starts is stopped by pid.
 */
export class AcousticLoop {
  /** Loops started and not yet stopped, for {@link killAllNow}. */
  private static readonly running = new Set<AcousticLoop>();

  private constructor(
    private readonly dir: string,
    private readonly xvfb: ChildProcess,
    readonly display: string,
    /** The room between the speakers and the microphone. */
    readonly room: Room,
    private readonly roomProcesses: RoomProcesses,
  ) {}

  /** The speakers' sink (what the browser plays into) and the microphone's source, by PulseAudio name. */
  static readonly devices = { speakers: SINK, air: AIR, microphone: MIC } as const;

  /** Stalls the room's chain for `ms`, as a busy machine would (the wire has none). */
  stallRoom(ms: number): Promise<void> {
    return this.roomProcesses.stall(ms);
  }

  /** Holds the room's noise (the microphone hears the room without it) or lets it go on. */
  holdNoise(hold: boolean): void {
    this.roomProcesses.holdNoise(hold);
  }

  /** Runs pactl on the loop's daemon; returns what it prints. */
  pactl(...args: string[]): string {
    return execFileSync('pactl', args, { env: this.env, encoding: 'utf8' });
  }

  /** Environment for processes that should use the loop (Chromium, paplay, parecord). */
  get env(): NodeJS.ProcessEnv {
    return { ...process.env, PULSE_SERVER: `unix:${this.dir}/pulse/native`, XDG_RUNTIME_DIR: this.dir, DISPLAY: this.display };
  }

  /** Builds the loop, with `room` between the speakers and the microphone (the wire by default). */
  static async start(room: Room = ROOMS.dry): Promise<AcousticLoop> {
    const why = loopUnavailable(room);
    if (why) throw new Error(`The acoustic loop cannot be built: ${why}`);
    const dir = mkdtempSync(join(tmpdir(), 'npc-voice-loop-'));
    const env = { ...process.env, XDG_RUNTIME_DIR: dir };
    execFileSync(
      ...realtime('pulseaudio', [
        '-D',
        '--exit-idle-time=-1',
        '--disallow-exit',
        '-n',
        '--load=module-native-protocol-unix',
        `--load=module-null-sink sink_name=${SINK}`,
      ]),
      { env, stdio: 'ignore' },
    );
    const pactl = (...args: string[]) =>
      execFileSync('pactl', args, { env: { ...env, PULSE_SERVER: `unix:${dir}/pulse/native` }, encoding: 'utf8' });
    await waitFor(() => existsSync(join(dir, 'pulse/native')), 'the PulseAudio socket');
    if (room.effects) pactl('load-module', 'module-null-sink', `sink_name=${AIR}`, 'rate=48000');
    const heard = room.effects ? AIR : SINK;
    pactl('load-module', 'module-remap-source', `master=${heard}.monitor`, `source_name=${MIC}`);
    pactl('set-default-sink', SINK);
    pactl('set-default-source', MIC);
    let n = 90;
    while (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) n++;
    const xvfb = spawn('Xvfb', [`:${n}`, '-screen', '0', '1280x720x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    await waitFor(() => existsSync(`/tmp/.X11-unix/X${n}`), 'the Xvfb display');
    const processes = RoomProcesses.start(room, { ...env, PULSE_SERVER: `unix:${dir}/pulse/native` }, SINK, AIR);
    // The room's chain (and noise) are streams into its air: wait until they play.
    const streams = (room.effects ? 1 : 0) + (room.noiseDb !== null ? 1 : 0);
    await waitFor(() => pactl('list', 'short', 'sink-inputs').trim().split('\n').filter(Boolean).length >= streams, 'the room’s streams');
    const loop = new AcousticLoop(dir, xvfb, `:${n}`, room, processes);
    makeRealtime(loop.pulsePid());
    AcousticLoop.running.add(loop);
    return loop;
  }

  /**
   * Signals everything every running loop started to stop, synchronously: for a process about to
   * exit on Ctrl-C or SIGTERM, whose room (detached pipelines, a busy core), daemon and display
   * would otherwise outlive it and disturb the next run.
   */
  static killAllNow(): void {
    for (const loop of AcousticLoop.running) {
      loop.roomProcesses.killNow();
      loop.xvfb.kill('SIGTERM');
      const pid = loop.pulsePid();
      try {
        if (pid > 0) process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    AcousticLoop.running.clear();
  }

  /** What the loop started, for a test that it all stops: its daemon, its display, the room's process groups. */
  processIds(): { daemon: number; display: number; groups: number[] } {
    return { daemon: this.pulsePid(), display: this.xvfb.pid ?? 0, groups: this.roomProcesses.groups };
  }

  /** The loop's PulseAudio daemon, or 0 when it has gone. */
  private pulsePid(): number {
    try {
      return Number(readFileSync(join(this.dir, 'pulse/pid'), 'utf8').trim()) || 0;
    } catch {
      return 0;
    }
  }

  /** Headed Chromium playing to the loop's speakers and hearing its microphone. */
  launchChromium(): Promise<Browser> {
    // A real device: fake UI (auto-allow) but no fake device; headed, because headless hears silence.
    return chromium.launch({
      executablePath: findChromium(),
      headless: false,
      args: [...BASE_FLAGS, '--use-fake-ui-for-media-stream', '--window-size=640,400'],
      env: this.env as Record<string, string>,
    });
  }

  /** Plays a WAV into the room (as a person speaking would); resolves when it has finished. */
  play(wav: string): { started: number; done: Promise<void> } {
    // 200 ms queued: with 20 the stream ran dry on a busy machine and the player stuttered; its
    // onset is read on the recordings, so the queue's delay does not count.
    const child = spawn('paplay', ['-d', SINK, '--latency-msec=200', wav], { env: this.env, stdio: 'ignore' });
    const started = Date.now();
    return { started, done: new Promise((resolve) => child.once('exit', () => resolve())) };
  }

  /**
   * Records, together, what the speakers play (the sink's monitor: NPC and player) and what one
   * application plays (Chromium's stream alone), and with `withMic` what the microphone hears
   * before any browser processing. `stop()` returns them as mono floats. The recorders run at
   * real-time priority where they may, with `bufferMs` of buffer: a recorder starved on a busy
   * machine loses samples, and a recording with a gap puts what follows at the wrong time.
   */
  async recordRoomAndApp(
    app: RegExp,
    withMic = false,
    bufferMs = 20,
  ): Promise<{ stop(): Promise<{ rate: number; room: Float32Array; app: Float32Array; mic?: Float32Array }> }> {
    const stream = await waitFor(() => this.sinkInput(app), 'the application’s audio stream');
    const stamp = Date.now();
    const args = [`--latency-msec=${bufferMs}`, '--rate=48000', '--channels=1', '--format=s16le', '--file-format=wav'];
    const record = (...where: string[]) => spawn(...realtime('parecord', [...args, ...where]), { env: this.env, stdio: 'ignore' });
    const files = {
      room: join(this.dir, `room-${stamp}.wav`),
      app: join(this.dir, `app-${stamp}.wav`),
      mic: join(this.dir, `mic-${stamp}.wav`),
    };
    const recorders = [
      record('-d', `${SINK}.monitor`, files.room),
      record(`--monitor-stream=${stream}`, files.app),
      ...(withMic ? [record('-d', MIC, files.mic)] : []),
    ];
    return {
      stop: async () => {
        const exited = (c: ChildProcess) =>
          new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : c.once('exit', () => resolve())));
        for (const r of recorders) r.kill('SIGINT');
        await Promise.all(recorders.map(exited));
        const a = readWav(files.room);
        return {
          rate: a.sampleRate,
          room: a.samples,
          app: readWav(files.app).samples,
          ...(withMic ? { mic: readWav(files.mic).samples } : {}),
        };
      },
    };
  }

  /** The sink-input index of the first stream whose application matches. */
  private sinkInput(app: RegExp): string | null {
    const out = execFileSync('pactl', ['list', 'sink-inputs'], { env: this.env, encoding: 'utf8' });
    for (const block of out.split(/\n(?=Sink Input #)/)) {
      const id = /Sink Input #(\d+)/.exec(block)?.[1];
      if (id && app.test(block)) return id;
    }
    return null;
  }

  /**
   * Stops Xvfb and the PulseAudio daemon (by pid, never by name), waits until both have exited, and
   * then removes the loop's folder: the daemon deletes its own files as it exits, so removing the
   * folder before it has gone races it (ENOTEMPTY).
   */
  async stop(): Promise<void> {
    AcousticLoop.running.delete(this);
    await this.roomProcesses.stop();
    const xvfbGone =
      this.xvfb.exitCode !== null || this.xvfb.signalCode !== null
        ? Promise.resolve()
        : new Promise<void>((resolve) => this.xvfb.once('exit', () => resolve()));
    this.xvfb.kill('SIGTERM');
    const pid = this.pulsePid();
    try {
      if (pid > 0) process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await xvfbGone;
    if (pid > 0) await waitFor(() => !alive(pid), 'the PulseAudio daemon to exit').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

/** Whether a process with this pid still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(check: () => T | null | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
