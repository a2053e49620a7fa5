import fc from 'fast-check';
import type { RunningEmulator } from '../../src/emulator/server.ts';
import { Conversation, type SpokenChunk, sessionParamsFor } from '../../src/plugin/dialogue/conversation.ts';
import type { NpcDefinition } from '../../src/plugin/dialogue/npc.ts';
import { NpcVoiceError } from '../../src/plugin/errors.ts';
import { LiveConnection } from '../../src/plugin/live/live-connection.ts';
import { createLiveModel } from '../../src/plugin/live/live-model.ts';
import { FakeVoice, LOUD, QUIET } from './fakes.ts';
import type { FaultProxy } from './fault-proxy.ts';

/**
 * The model-based run over Conversation + LiveConnection that the node test and the bench share:
 * random sequences of start (not awaited: it may still be handshaking), end, typed lines,
 * microphone chunks, network and service faults, and waits, against the emulator through the
 * fault proxy. Invariants throw plain errors, so it runs under Vitest and in the bench alike.
 */
export interface ModelWorld {
  emulator: RunningEmulator;
  proxy: FaultProxy;
  /** Unhandled rejections seen so far (the caller listens to the process). */
  unhandled: unknown[];
}

const guard: NpcDefinition = {
  id: 'guard',
  name: 'Edda',
  persona: 'You are Edda, the stern gate guard of Oakvale.',
  voice: 'Kore',
  greeting: 'Halt! Who goes there?',
  sampleLines: ['The gate stays shut after dark.'],
  actions: { open_gate: { description: 'Opens the village gate.', handler: () => ({ message: 'The gate swings open.' }) } },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually(check: () => boolean, what: () => string, timeoutMs = 1500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`never true: ${what()}`);
    await sleep(5);
  }
}

/** A connection that counts the samples the conversation hands it. */
class CountedLive extends LiveConnection {
  handed = 0;
  override sendAudio(audio: SpokenChunk): void {
    this.handed += audio.samples.length;
    super.sendAudio(audio);
  }
}

export interface Model {
  started: boolean;
}

/** The system under test for one sequence. */
export class Real {
  talk: Conversation | null = null;
  live: CountedLive | null = null;
  /** The start under way: commands go on while it handshakes (as a player walks off or presses Esc). */
  starting: Promise<void> = Promise.resolve();
  /** The last resumption handle, offered to the next conversation (refused ones included). */
  handle: string | null = null;
  handed = 0;
  dropped = 0;
  readonly errors: unknown[] = [];
  private readonly audioBefore: number;

  constructor(readonly world: ModelWorld) {
    this.audioBefore = world.proxy.counts.audioSamples;
  }

  get forwarded(): number {
    return this.world.proxy.counts.audioSamples - this.audioBefore;
  }

  /** After every step: at most one upstream session for this conversation, nothing unhandled, only typed errors. */
  async invariants(): Promise<void> {
    const { emulator, proxy, unhandled } = this.world;
    await eventually(
      () => emulator.stats.sessionsOpen <= 1 && proxy.open <= 1,
      () => `${emulator.stats.sessionsOpen} sessions open on the emulator, ${proxy.open} through the proxy`,
    );
    // A connection closed for good never leaves the conversation looking alive (a mute NPC).
    await eventually(
      () => this.live?.state !== 'closed' || ['error', 'ended'].includes(this.talk?.state ?? 'ended'),
      () => `the conversation is ${this.talk?.state} on a closed connection`,
    );
    if (unhandled.length > 0) throw new Error(`unhandled rejection: ${String(unhandled[0])}`);
    const untyped = this.errors.find((e) => !(e instanceof NpcVoiceError));
    if (untyped) throw new Error(`an error that is not an NpcVoiceError: ${String(untyped)}`);
  }

  /** After an end: no session open, and every chunk handed over reached the emulator or was reported dropped. */
  async afterEnd(): Promise<void> {
    const { emulator, proxy } = this.world;
    await eventually(
      () => emulator.stats.sessionsOpen === 0 && proxy.open === 0,
      () => `${emulator.stats.sessionsOpen} sessions left open on the emulator after end`,
    );
    await eventually(
      () => this.forwarded + this.dropped >= this.handed,
      () => `${this.handed} samples handed over, ${this.forwarded} reached the emulator, ${this.dropped} reported dropped`,
    );
  }

  /** Ends whatever the sequence left running. */
  async finish(): Promise<void> {
    this.world.proxy.reset();
    if (!this.talk) return;
    await this.talk.end();
    await this.starting;
    this.handed += this.live?.handed ?? 0;
    this.talk = null;
    this.live = null;
  }

  update(): void {
    this.talk?.update();
  }
}

type Cmd = fc.AsyncCommand<Model, Real>;

const startCmd = (): Cmd => ({
  check: (m) => !m.started,
  async run(m, r) {
    const live = new CountedLive({
      model: createLiveModel({ backend: 'emulator', emulatorUrl: r.world.proxy.url, connectTimeoutMs: 4000 }),
      params: sessionParamsFor(guard),
      reconnectDelayMs: 20,
      maxReconnectAttempts: 3,
      ...(r.handle ? { resumeHandle: r.handle } : {}),
    });
    live.on('audioDropped', ({ samples }) => {
      r.dropped += samples;
    });
    live.on('resumable', ({ handle }) => {
      r.handle = handle;
    });
    const talk = new Conversation({ npc: guard, live, voice: new FakeVoice(), greet: false });
    talk.on('error', () => {});
    r.live = live;
    r.talk = talk;
    m.started = true;
    r.starting = talk.start().catch((e: unknown) => {
      r.errors.push(e);
    });
    await r.invariants();
  },
  toString: () => 'start',
});

const endCmd = (): Cmd => ({
  check: (m) => m.started,
  async run(m, r) {
    await r.talk?.end();
    await r.starting;
    r.handed += r.live?.handed ?? 0;
    r.talk = null;
    r.live = null;
    m.started = false;
    await r.afterEnd();
    await r.invariants();
  },
  toString: () => 'end',
});

const textCmd = (text: string): Cmd => ({
  check: (m) => m.started,
  async run(_m, r) {
    try {
      r.talk?.sendText(text);
    } catch (e) {
      // Refused only when the conversation is not live (failed, or still connecting), and typed.
      const state = r.talk?.state ?? 'none';
      if (!(e instanceof NpcVoiceError) || e.code !== 'invalid-state' || !['error', 'ended', 'connecting'].includes(state)) {
        throw new Error(`sendText threw ${String(e)} while the conversation was ${state}`);
      }
    }
    await r.invariants();
  },
  toString: () => `text(${JSON.stringify(text)})`,
});

/** A burst of microphone chunks; with `dropAt`, the TCP connection drops in the middle of it (mid-turn). */
const audioCmd = (chunks: number, voiced: boolean, dropAt: number | null): Cmd => ({
  check: (m) => m.started,
  async run(_m, r) {
    for (let i = 0; i < chunks; i++) {
      if (i === dropAt) r.world.proxy.dropAll();
      r.talk?.pushAudio(voiced && i % 4 !== 3 ? LOUD : QUIET);
      r.update();
      if (i % 5 === 4) await sleep(2);
    }
    await r.invariants();
  },
  toString: () => `audio(${chunks}, ${voiced ? 'voiced' : 'quiet'}${dropAt === null ? '' : `, drop at ${dropAt}`})`,
});

type Fault =
  | { kind: 'drop' }
  | { kind: 'close'; code: 1000 | 1007 | 1008 | 1011 }
  | { kind: 'refuseHandles'; on: boolean }
  | { kind: 'handshake'; ms: number }
  | { kind: 'frames'; ms: number };

const faultCmd = (fault: Fault): Cmd => ({
  check: () => true,
  async run(_m, r) {
    const proxy = r.world.proxy;
    if (fault.kind === 'drop') proxy.dropAll();
    else if (fault.kind === 'close') proxy.closeAll(fault.code, `fault ${fault.code}`);
    else if (fault.kind === 'refuseHandles') proxy.set({ refuseHandles: fault.on });
    else if (fault.kind === 'handshake') proxy.set({ handshakeDelayMs: fault.ms });
    else proxy.set({ frameDelayMs: fault.ms });
    await r.invariants();
  },
  toString: () => `fault(${JSON.stringify(fault)})`,
});

const waitCmd = (ms: number): Cmd => ({
  check: () => true,
  async run(_m, r) {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      r.update();
      await sleep(10);
    }
    await r.invariants();
  },
  toString: () => `wait(${ms})`,
});

/** Sequences of up to eight commands. */
export function modelCommands(maxHandshakeMs: number): fc.Arbitrary<Iterable<Cmd>> {
  return fc.commands(
    [
      fc.constant(null).map(startCmd),
      fc.constant(null).map(endCmd),
      fc.constantFrom('Hello there.', 'Please open the gate.', 'Who are you?').map(textCmd),
      fc
        .tuple(fc.integer({ min: 1, max: 25 }), fc.boolean(), fc.option(fc.integer({ min: 0, max: 24 }), { freq: 2 }))
        .map(([n, v, dropAt]) => audioCmd(n, v, dropAt)),
      fc
        .oneof(
          fc.constant<Fault>({ kind: 'drop' }),
          fc.constantFrom(1000, 1007, 1008, 1011).map((code): Fault => ({ kind: 'close', code: code as 1000 | 1007 | 1008 | 1011 })),
          fc.boolean().map((on): Fault => ({ kind: 'refuseHandles', on })),
          fc.integer({ min: 0, max: maxHandshakeMs }).map((ms): Fault => ({ kind: 'handshake', ms })),
          fc.integer({ min: 0, max: 60 }).map((ms): Fault => ({ kind: 'frames', ms })),
        )
        .map(faultCmd),
      fc.integer({ min: 0, max: 120 }).map(waitCmd),
    ],
    { maxCommands: 8 },
  );
}

/** Runs one sequence; throws (with the invariant that broke) on failure. */
export async function runSequence(world: ModelWorld, cmds: Iterable<Cmd>): Promise<void> {
  world.proxy.reset();
  const real = new Real(world);
  try {
    await fc.asyncModelRun(() => ({ model: { started: false }, real }), cmds);
  } finally {
    await real.finish();
  }
  await real.afterEnd();
  if (world.unhandled.length > 0) throw new Error(`unhandled rejection: ${String(world.unhandled[0])}`);
}
