import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * A simulated room between the loop's speakers and its microphone (shared/ACOUSTIC-LOOP.md,
 * docs/rooms.md): sox effects on a raw 48 kHz stream from the speakers' monitor into the sink the
 * microphone hears, steady noise played into that sink beside it, and optionally one core kept busy.
 */
export interface Room {
  readonly name: RoomName;
  /** sox effects from the speakers to the microphone, or null for the wire (the mic is the speakers' monitor). */
  readonly effects: readonly string[] | null;
  /** Steady background noise at the microphone (brown noise, a fan), dBFS RMS, or null for none; only with effects. */
  readonly noiseDb: number | null;
  /** Keep one core busy (stress-ng) while the room stands: the player's machine runs the game. */
  readonly busy: boolean;
  /** What the room claims, checked by tests/loop/rooms.test.ts on its measured impulse response. */
  readonly claims: { rt60: [number, number]; latencyMs: [number, number] };
}

export type RoomName = 'dry' | 'small' | 'living' | 'living-busy';

/** 100 ppm between the speakers' clock and the microphone's (a little faster out than in). */
const DRIFT = ['speed', '1.0001', 'rate', '-q', '48000'];
/** A small loudspeaker driven near its limit: mild saturation, then back to about the same level. */
const SPEAKER = ['overdrive', '6', '20', 'gain', '-6'];

// sox's reverb: reverberance %, HF damping %, room scale %. The RT60 each gives was measured
// (docs/rooms.md) and is measured again by the rooms test.
const LIVING = [...DRIFT, 'reverb', '53', '50', '35', ...SPEAKER];

export const ROOMS: Record<RoomName, Room> = {
  dry: { name: 'dry', effects: null, noiseDb: null, busy: false, claims: { rt60: [0, 0.05], latencyMs: [0, 0] } },
  small: {
    name: 'small',
    effects: [...DRIFT, 'reverb', '38', '50', '20', ...SPEAKER],
    noiseDb: null,
    busy: false,
    claims: { rt60: [0.22, 0.4], latencyMs: [20, 60] },
  },
  living: { name: 'living', effects: LIVING, noiseDb: -45, busy: false, claims: { rt60: [0.5, 0.75], latencyMs: [20, 60] } },
  'living-busy': { name: 'living-busy', effects: LIVING, noiseDb: -45, busy: true, claims: { rt60: [0.5, 0.75], latencyMs: [20, 150] } },
};

const RAW = ['--raw', '--format=float32le', '--rate=48000', '--channels=1'];
/** Reading the speakers in 10 ms steps; writing with 30 ms queued, since 10 runs dry between reads and every underrun jolts the delay a canceller tracks. */
const READ = [...RAW, '--latency-msec=10'];
const WRITE = [...RAW, '--latency-msec=30'];
const SOX_RAW = ['-t', 'raw', '-r', '48000', '-e', 'float', '-b', '32', '-c', '1'];
const PACER = join(import.meta.dirname, 'room-pacer.py');
/** The chain's stream in bytes per second (48 kHz float32 mono), for the pacer. */
const BYTES_PER_SECOND = 48000 * 4;

/** The processes that make a room: stopped together by {@link RoomProcesses.stop}. */
export class RoomProcesses {
  private constructor(
    private readonly children: ChildProcess[],
    private readonly noise: ChildProcess | null,
    private readonly chain: ChildProcess | null,
  ) {}

  /** Holds the noise (its pipeline stopped; the air hears silence) or lets it go on. */
  holdNoise(hold: boolean): void {
    if (this.noise?.pid) process.kill(-this.noise.pid, hold ? 'SIGSTOP' : 'SIGCONT');
  }

  /** Stalls the whole chain for `ms` (every process of it stopped), as a busy machine would. */
  async stall(ms: number): Promise<void> {
    const pid = this.chain?.pid;
    if (!pid) throw new Error('the wire has no chain to stall');
    process.kill(-pid, 'SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, ms));
    process.kill(-pid, 'SIGCONT');
  }

  /**
   * Starts `room` in the PulseAudio daemon of `env`: the chain `parec speakers.monitor | sox … |
   * room-pacer.py | pacat air`, the noise into `air`, the load. Nothing for the wire.
   */
  static start(room: Room, env: NodeJS.ProcessEnv, speakers: string, air: string): RoomProcesses {
    if (room.noiseDb !== null && !room.effects) throw new Error(`room ${room.name}: noise needs a chain (effects) to play beside`);
    const children: ChildProcess[] = [];
    let noise: ChildProcess | null = null;
    let chain: ChildProcess | null = null;
    // Each chain is one shell pipeline: the audio flows process to process, never through the test's event loop.
    const pipe = (...commands: string[][]) =>
      spawn(...realtime('sh', ['-c', commands.map((c) => c.map(quote).join(' ')).join(' | ')]), { env, stdio: 'ignore', detached: true });
    if (room.effects) {
      // Small buffers: sox's default (8 KiB) alone would add ~40 ms.
      const sox = ['sox', '-q', '--buffer', '256', '--input-buffer', '256', ...SOX_RAW, '-', ...SOX_RAW, '-', ...room.effects];
      // The pacer drops what a stall held back: a pipe would keep that delay for good.
      const pacer = ['python3', PACER, String(BYTES_PER_SECOND)];
      chain = pipe(['parec', ...READ, '-d', `${speakers}.monitor`], sox, pacer, ['pacat', ...WRITE, '-d', air]);
      children.push(chain);
    }
    if (room.noiseDb !== null) {
      // Brown noise, low-passed like a fan, at the level asked; pacat paces it.
      const gain = String(room.noiseDb - BROWN_NOISE_DB);
      noise = pipe(
        ['sox', '-q', '-n', ...SOX_RAW, '-', 'synth', '0', 'brownnoise', 'lowpass', '2000', 'gain', gain],
        ['pacat', ...WRITE, '-d', air],
      );
      children.push(noise);
    }
    if (room.busy) children.push(spawn('stress-ng', ['--cpu', '1', '--quiet'], { stdio: 'ignore', detached: true }));
    for (const c of children) c.on('error', () => undefined);
    return new RoomProcesses(children, noise, chain);
  }

  /** The process group of each pipeline and of the load (each was started as its own group). */
  get groups(): number[] {
    return this.children.flatMap((c) => (c.pid ? [c.pid] : []));
  }

  /** Signals every process of the room to stop, now and without waiting: for a bench being killed. */
  killNow(): void {
    for (const c of this.children) {
      if (!c.pid || c.exitCode !== null || c.signalCode !== null) continue;
      try {
        process.kill(-c.pid, 'SIGCONT');
        process.kill(-c.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }

  /** Stops every process of the room (each its whole process group) and waits until each has exited. */
  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            try {
              if (c.pid) process.kill(-c.pid, 'SIGCONT'); // a held noise pipeline must run to take the signal
              if (c.pid) process.kill(-c.pid, 'SIGTERM');
            } catch {
              resolve(); // already gone
            }
          }),
      ),
    );
  }
}

/** Quotes one word for sh. */
function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** RMS of sox's `brownnoise lowpass 2000` at gain 0, dBFS (measured: docs/rooms.md). */
const BROWN_NOISE_DB = -5;

/**
 * The command to run at real-time priority when this process may (as PulseAudio's own threads run
 * on a desktop), so that the browser and the load do not stall the room: each stall of a chain
 * becomes a jump in the echo's delay (the pacer drops what it held back).
 */
export function realtime(command: string, args: string[]): [string, string[]] {
  return mayRealtime() ? ['chrt', ['-f', '10', command, ...args]] : [command, args];
}

let canRealtime: boolean | undefined;

/** Whether this process may run others at real-time priority (asked of `chrt` once). */
function mayRealtime(): boolean {
  canRealtime ??= spawnSync('chrt', ['-f', '10', 'true']).status === 0;
  return canRealtime;
}

/**
 * Puts a running process's main thread at real-time priority when this process may. PulseAudio
 * drops the priority it was started with on its main thread, which moves every client's audio (the
 * room's `parec` and `pacat`, the browser's streams): on a busy machine it fell behind, the room's
 * writer ran dry, and the room's delay jumped every second or two (docs/rooms.md).
 */
export function makeRealtime(pid: number): void {
  if (mayRealtime() && pid > 0) spawnSync('chrt', ['-f', '-p', '10', String(pid)], { stdio: 'ignore' });
}
