import { type ChildProcess, spawn } from 'node:child_process';
import WebSocket from 'ws';
import { floatToPcm16Base64 } from '../../src/plugin/wire/pcm.ts';
import { GUARD_INSTRUCTION } from '../../tests/support/characters.ts';
import { FIREBASE_PATH, MODEL } from '../../tests/support/raw-client.ts';
import { closeSpeech, concat, silence16k, speech16k } from '../../tests/support/speech.ts';
import type { Metric, Suite } from '../metric.ts';

const CHUNK = 320; // 20 ms at 16 kHz

/** The emulator in its own process, as `npm run emulator` runs it: its event loop is measured alone. */
async function spawnEmulator(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulator/cli.ts', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('emulator did not start')), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      const m = /listening on (http:\/\/\S+)/.exec(d.toString());
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { url, child };
}

async function stats(url: string, reset = false): Promise<{ eventLoopDelayMs: { p99: number; max: number }; sessionsOpen: number }> {
  const res = await fetch(`${url}/emulator/stats${reset ? '?reset=event-loop' : ''}`);
  return (await res.json()) as { eventLoopDelayMs: { p99: number; max: number }; sessionsOpen: number };
}

/** A raw client that can stream pre-encoded 20 ms messages and time the first audio of a reply. */
class Client {
  private listeners: ((m: Record<string, unknown>) => void)[] = [];
  replies = 0;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as Record<string, unknown>;
      for (const l of this.listeners) l(m);
    });
  }

  static async open(url: string, setup: Record<string, unknown>): Promise<Client> {
    const ws = new WebSocket(`${url.replace('http', 'ws')}${FIREBASE_PATH}`, { perMessageDeflate: false });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const client = new Client(ws);
    const ready = client.next((m) => 'setupComplete' in m);
    ws.send(JSON.stringify({ setup: { model: MODEL, systemInstruction: { parts: [{ text: GUARD_INSTRUCTION }] }, ...setup } }));
    await ready;
    client.on((m) => {
      const sc = m.serverContent as { turnComplete?: boolean } | undefined;
      if (sc?.turnComplete) client.replies++;
    });
    return client;
  }

  on(listener: (m: Record<string, unknown>) => void): void {
    this.listeners.push(listener);
  }

  next(match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      const l = (m: Record<string, unknown>) => {
        if (!match(m)) return;
        this.listeners = this.listeners.filter((x) => x !== l);
        resolve(m);
      };
      this.listeners.push(l);
    });
  }

  close(): void {
    this.ws.close();
  }
}

const hasAudio = (m: Record<string, unknown>) => !!(m.serverContent as { modelTurn?: unknown } | undefined)?.modelTurn;
const turnComplete = (m: Record<string, unknown>) => !!(m.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete;

function encode(samples: Float32Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < samples.length; i += CHUNK) {
    out.push(
      JSON.stringify({
        realtimeInput: {
          audio: { mimeType: 'audio/pcm;rate=16000', data: floatToPcm16Base64(samples, i, Math.min(samples.length, i + CHUNK)) },
        },
      }),
    );
  }
  return out;
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
}

/**
 * End of the player's turn → first audio chunk at the client, three ways the turn can end:
 * the silence window closes (VAD), `audioStreamEnd`, `activityEnd`. The silence window itself is
 * not counted: the clock starts when the chunk that completes it is sent.
 */
async function firstAudio(url: string, speech: Float32Array, turns: number): Promise<number[]> {
  const silenceMs = 500;
  const latencies: number[] = [];
  const vad = await Client.open(url, { realtimeInputConfig: { automaticActivityDetection: { silenceDurationMs: silenceMs } } });
  const speechMsgs = encode(speech);
  // Enough silence to close the window: the last message completes it.
  const windowMsgs = encode(silence16k(silenceMs / 1000 + 0.04));
  const manual = await Client.open(url, { realtimeInputConfig: { automaticActivityDetection: { disabled: true } } });
  for (let t = 0; t < turns; t++) {
    const kind = t % 3;
    const client = kind === 2 ? manual : vad;
    if (kind === 2) client.ws.send(JSON.stringify({ realtimeInput: { activityStart: {} } }));
    for (const m of speechMsgs) client.ws.send(m);
    const tail = kind === 0 ? windowMsgs : [];
    for (const m of tail.slice(0, -1)) client.ws.send(m);
    const reply = client.next(hasAudio);
    const done = client.next(turnComplete);
    const t0 = performance.now();
    if (kind === 0) client.ws.send(tail.at(-1) as string);
    else if (kind === 1) client.ws.send(JSON.stringify({ realtimeInput: { audioStreamEnd: true } }));
    else client.ws.send(JSON.stringify({ realtimeInput: { activityEnd: {} } }));
    await reply;
    latencies.push(performance.now() - t0);
    await done;
  }
  vad.close();
  manual.close();
  return latencies;
}

/**
 * N sessions streaming real-time audio (a 20 ms message each per 20 ms, everyone), each speaking
 * a turn every few seconds and getting a spoken reply; returns the emulator's event-loop delay p99.
 */
async function load(url: string, n: number, seconds: number, turn: string[], quiet: string): Promise<{ p99: number; replies: number }> {
  const clients = await Promise.all(Array.from({ length: n }, () => Client.open(url, {})));
  await stats(url, true);
  const start = performance.now();
  let tick = 0;
  // Stagger the speakers so turns do not all land on the same frame.
  const offsets = clients.map((_, i) => (i * 37) % 200);
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      tick++;
      for (let i = 0; i < clients.length; i++) {
        const c = clients[i] as Client;
        const pos = (tick + (offsets[i] as number)) % 250; // a 5 s cycle: talk, then listen
        c.ws.send(pos < turn.length ? (turn[pos] as string) : quiet);
      }
      if (performance.now() - start > seconds * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
  const s = await stats(url);
  const replies = clients.reduce((sum, c) => sum + c.replies, 0);
  for (const c of clients) c.close();
  await new Promise((r) => setTimeout(r, 300));
  return { p99: s.eventLoopDelayMs.p99, replies };
}

export const emulatorSuite: Suite = {
  name: 'emulator (Node, separate process)',
  async run(): Promise<Metric[]> {
    const { url, child } = await spawnEmulator();
    try {
      const speech = await speech16k('Good evening, guard. May I come in?');
      // Warm up: first replies synthesise; the brain then keeps its next line ready.
      await firstAudio(url, speech, 3);
      const latencies = await firstAudio(url, speech, 30);
      const turn = encode(concat(speech, silence16k(0.8)));
      const quiet = encode(silence16k(0.02))[0] as string;
      let best = 0;
      let bestReplies = 0;
      const steps: string[] = [];
      for (const n of [10, 25, 50, 75, 100, 150, 200, 300]) {
        const { p99, replies } = await load(url, n, 8, turn, quiet);
        steps.push(`${n}: p99 ${p99.toFixed(1)} ms, ${replies} replies`);
        if (p99 >= 20) break;
        best = n;
        bestReplies = replies;
      }
      return [
        { metric: 'emulator_first_audio_ms_p50', value: quantile(latencies, 0.5), unit: 'ms', target: '≤ 150 ms' },
        { metric: 'emulator_first_audio_ms_p95', value: quantile(latencies, 0.95), unit: 'ms' },
        {
          metric: 'emulator_max_sessions',
          value: best,
          unit: `sessions (event-loop p99 < 20 ms; ${bestReplies} replies in 8 s at that load; steps: ${steps.join('; ')})`,
          target: '≥ 50',
        },
      ];
    } finally {
      child.kill();
      await closeSpeech();
    }
  },
};
