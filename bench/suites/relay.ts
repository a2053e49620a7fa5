import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket, { WebSocketServer } from 'ws';
import { startEmulator } from '../../src/emulator/server.ts';
import { startRelay } from '../../src/relay/relay.ts';
import { FIREBASE_PATH, MODEL } from '../../tests/support/raw-client.ts';
import type { Metric, Suite } from '../metric.ts';

const TRIALS = Number(process.env.BENCH_RELAY_TRIALS ?? 40);
/** Session counts the capacity ramp tries, in order; it stops at the first that fails. */
const LEVELS = [25, 50, 100, 150, 200, 300, 400, 500];
const SETTLE_MS = 2000;
const WINDOW_MS = 4000;
const LOOP_P99_LIMIT_MS = 20;
/** A level passes when the clients got at least this share of the NPC audio sent to them. */
const DELIVERY = 0.95;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? Number.NaN;
const wsUrl = (http: string, key = 'bench-key') => `${http.replace(/^http/, 'ws')}${FIREBASE_PATH}?key=${key}`;

/** Opens a session and resolves with connect → first audio of the answer to a typed line, ms. */
function firstAudioMs(url: string, how: { header?: string; firstFrame?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const ws = new WebSocket(url, how.header ? { headers: { 'X-Firebase-AppCheck': how.header } } : {});
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no audio within 10 s'));
    }, 10_000);
    ws.on('open', () => {
      if (how.firstFrame) ws.send(how.firstFrame);
      ws.send(JSON.stringify({ setup: { model: MODEL, generationConfig: { responseModalities: ['AUDIO'] } } }));
    });
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.includes('setupComplete')) {
        ws.send(JSON.stringify({ clientContent: { turns: [{ role: 'user', parts: [{ text: 'Hello.' }] }], turnComplete: true } }));
      } else if (text.includes('"inlineData"')) {
        const ms = performance.now() - started;
        clearTimeout(timer);
        ws.close();
        resolve(ms);
      }
    });
    ws.on('error', reject);
    ws.on('close', (code, reason) => reject(new Error(`closed before audio: ${code} ${reason.toString()}`)));
  });
}

/** First audio through the relay minus direct, on loopback, against the emulator enforcing App Check. */
async function addedLatency(): Promise<Metric[]> {
  const emulator = await startEmulator({ appCheck: true, apiKey: 'bench-key' });
  const relay = await startRelay({ apiKey: 'bench-key', allowedOrigins: [], allowNoOrigin: true, upstream: emulator.url });
  const direct: number[] = [];
  const relayed: number[] = [];
  try {
    for (let i = 0; i < TRIALS; i++) {
      const token = emulator.appCheck?.mint({ ttlSeconds: 600 }) ?? '';
      // Alternate which goes first, so a slow moment falls on both paths alike.
      const viaRelay = () => firstAudioMs(wsUrl(relay.url, 'ignored-by-the-relay'), { firstFrame: JSON.stringify({ appCheck: token }) });
      const straight = () => firstAudioMs(wsUrl(emulator.url), { header: token });
      if (i % 2 === 0) {
        direct.push(await straight());
        relayed.push(await viaRelay());
      } else {
        relayed.push(await viaRelay());
        direct.push(await straight());
      }
    }
  } finally {
    await relay.close();
    await emulator.close();
  }
  const added = median(relayed) - median(direct);
  process.stderr.write(`relay bench: first audio p50 direct ${median(direct).toFixed(1)} ms, relayed ${median(relayed).toFixed(1)} ms\n`);
  return [
    {
      metric: 'relay_added_latency_ms_p50',
      value: added,
      unit: `ms (connect → first audio, p50 through the relay − p50 direct, N = ${TRIALS} each, loopback)`,
      reference: median(direct),
      against: 'direct p50, ms',
      target: '≤ 5 ms',
    },
  ];
}

/**
 * A stand-in for the Live service that the relay cannot tell apart on the wire: answers setup,
 * then speaks 20 ms of 24 kHz audio every 20 ms to every session, and takes the player's audio.
 */
async function speakingUpstream() {
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const ready = new Set<WebSocket>();
  const audio = JSON.stringify({
    serverContent: {
      modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: Buffer.alloc(960).toString('base64') } }] },
    },
  });
  let received = 0;
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      if (!ready.has(ws) && data.toString().startsWith('{"setup"')) {
        ready.add(ws);
        ws.send('{"setupComplete":{}}');
      } else received++;
    });
    ws.on('close', () => ready.delete(ws));
  });
  const tick = setInterval(() => {
    for (const ws of ready) ws.send(audio);
  }, 20);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    async close() {
      clearInterval(tick);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => server.close(() => resolve())));
    },
  };
}

interface RelayProcess {
  url: string;
  ask(message: 'reset' | 'read'): Promise<{ p99: number; max: number; open: number }>;
  close(): void;
}

async function relayProcess(upstream: string): Promise<RelayProcess> {
  const child = fork(fileURLToPath(new URL('../relay-process.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, RELAY_UPSTREAM: upstream },
  });
  const next = () => new Promise<unknown>((resolve) => child.once('message', resolve));
  const { url } = (await next()) as { url: string };
  return {
    url,
    ask: async (message) => {
      const answer = next();
      child.send(message);
      return (await answer) as never;
    },
    close: () => child.send('close'),
  };
}

/** The largest number of sessions carrying real-time audio both ways with the relay's loop p99 under 20 ms. */
async function maxSessions(): Promise<Metric[]> {
  const upstream = await speakingUpstream();
  const relay = await relayProcess(upstream.url);
  const clients: { ws: WebSocket; got: number }[] = [];
  const chunk = JSON.stringify({
    realtimeInput: { audio: { mimeType: 'audio/pcm;rate=16000', data: Buffer.alloc(640).toString('base64') } },
  });
  const pump = setInterval(() => {
    for (const c of clients) if (c.ws.readyState === WebSocket.OPEN) c.ws.send(chunk);
  }, 20);
  let passed = 0;
  let lastP99 = 0;
  // The clients and the stand-in upstream share this process: when its own loop is late, a
  // delivery shortfall is the driver's, and the figure a lower bound.
  const driverLoop = monitorEventLoopDelay({ resolution: 5 });
  driverLoop.enable();
  let lastDriverP99 = 0;
  try {
    for (const level of LEVELS) {
      while (clients.length < level) {
        const ws = new WebSocket(wsUrl(relay.url), { perMessageDeflate: false });
        const client = { ws, got: 0 };
        await new Promise<void>((resolve, reject) => {
          ws.once('open', () => {
            ws.send(JSON.stringify({ appCheck: `bench.token.${clients.length}` }));
            ws.send(JSON.stringify({ setup: { model: MODEL } }));
          });
          ws.on('message', (data) => {
            if (data.toString().startsWith('{"setupComplete"')) resolve();
            else client.got++;
          });
          ws.once('error', reject);
          ws.once('close', (code, reason) => reject(new Error(`session ${clients.length} closed: ${code} ${reason.toString()}`)));
        });
        clients.push(client);
      }
      await sleep(SETTLE_MS);
      await relay.ask('reset');
      driverLoop.reset();
      const before = clients.reduce((n, c) => n + c.got, 0);
      await sleep(WINDOW_MS);
      const { p99 } = await relay.ask('read');
      const got = clients.reduce((n, c) => n + c.got, 0) - before;
      const delivered = got / ((level * WINDOW_MS) / 20);
      lastP99 = p99;
      lastDriverP99 = Math.max(0, driverLoop.percentile(99) / 1e6 - 5);
      process.stderr.write(
        `relay bench: ${level} sessions, relay loop p99 ${p99.toFixed(1)} ms, ${(delivered * 100).toFixed(1)}% delivered, driver loop p99 ${lastDriverP99.toFixed(1)} ms\n`,
      );
      if (p99 >= LOOP_P99_LIMIT_MS || delivered < DELIVERY) break;
      passed = level;
    }
  } finally {
    clearInterval(pump);
    driverLoop.disable();
    for (const c of clients) c.ws.terminate();
    relay.close();
    await upstream.close();
  }
  return [
    {
      metric: 'relay_max_sessions',
      value: passed,
      unit: `sessions (20 ms audio frames both ways, 50/s each; relay event-loop p99 < ${LOOP_P99_LIMIT_MS} ms and ≥ ${DELIVERY * 100}% delivered over ${WINDOW_MS / 1000} s; one ramp ${LEVELS.join(', ')}; at the last level tried: relay loop p99 ${lastP99.toFixed(1)} ms, driver loop p99 ${lastDriverP99.toFixed(1)} ms)`,
      target: '≥ 100',
    },
  ];
}

/** The App Check relay: what it adds to a player's wait, and how many sessions one process carries. */
export const relaySuite: Suite = {
  name: 'relay (Node: relay process, emulator or a speaking stand-in upstream)',
  async run(): Promise<Metric[]> {
    return [...(await addedLatency()), ...(await maxSessions())];
  },
};
