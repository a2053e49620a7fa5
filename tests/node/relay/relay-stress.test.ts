import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/server.ts';
import { type RunningRelay, startRelay } from '../../../src/relay/relay.ts';
import { FIREBASE_PATH, MODEL } from '../../support/raw-client.ts';

const GAME = 'https://game.example';

/** A deterministic generator (mulberry32), so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function connect(relay: RunningRelay): Promise<WebSocket> {
  const ws = new WebSocket(`${relay.url.replace('http', 'ws')}${FIREBASE_PATH}`, { headers: { Origin: GAME } });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const closedOf = (ws: WebSocket) =>
  new Promise<number>((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve(-1) : ws.once('close', (code) => resolve(code))));

describe('relay under random frames', () => {
  let emulator: RunningEmulator;
  let relay: RunningRelay;
  beforeAll(async () => {
    emulator = await startEmulator({ appCheck: true });
    relay = await startRelay({
      apiKey: 'k',
      allowedOrigins: [GAME],
      upstream: emulator.url,
      maxFrameBytes: 16 * 1024,
      tokenTimeoutMs: 300,
    });
  });
  afterAll(async () => {
    await relay?.close();
    await emulator?.close();
  });

  it('3,000 random frames on other sessions leave a neighbour session whole, and the relay holds nothing after', async () => {
    const neighbour = await connect(relay);
    const heard: Record<string, unknown>[] = [];
    neighbour.on('message', (data) => heard.push(JSON.parse(data.toString()) as Record<string, unknown>));
    neighbour.send(JSON.stringify({ appCheck: emulator.appCheck?.mint() }));
    neighbour.send(JSON.stringify({ setup: { model: MODEL } }));

    const next = random(15);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const frameOf = (): string | Buffer => {
      const kind = pick(['bytes', 'text', 'json', 'token', 'audio', 'big']);
      if (kind === 'bytes') return randomBytes(Math.floor(next() * 2048));
      if (kind === 'text') return randomBytes(Math.floor(next() * 512)).toString('latin1');
      if (kind === 'json') return JSON.stringify({ [pick(['setup', 'realtimeInput', 'appCheck', 'x'])]: pick([null, 1, 'a', {}, []]) });
      if (kind === 'token') return JSON.stringify({ appCheck: pick([emulator.appCheck?.mint(), 'a.b.c', '', 'x'.repeat(9000)]) });
      if (kind === 'audio')
        return JSON.stringify({ realtimeInput: { audio: { mimeType: 'audio/pcm', data: randomBytes(640).toString('base64') } } });
      return randomBytes(16 * 1024 + 1 + Math.floor(next() * 1024));
    };

    let sent = 0;
    while (sent < 3000) {
      const ws = await connect(relay);
      const closed = closedOf(ws);
      // Half the fuzzing sessions get past the token, so the frames after it reach the upstream.
      if (next() < 0.5) ws.send(JSON.stringify({ appCheck: emulator.appCheck?.mint() }));
      while (sent < 3000 && ws.readyState === WebSocket.OPEN && next() > 0.01) {
        ws.send(frameOf());
        sent++;
        if (sent % 50 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      ws.close();
      await closed;
    }

    neighbour.send(JSON.stringify({ realtimeInput: { text: 'Still there?' } }));
    const deadline = Date.now() + 10_000;
    while (!heard.some((m) => (m.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete)) {
      if (Date.now() > deadline) throw new Error(`the neighbour heard ${heard.map((m) => Object.keys(m)).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(heard[0]).toEqual({ setupComplete: {} });
    expect(neighbour.readyState).toBe(WebSocket.OPEN);
    expect(relay.stats.open).toBe(1);
    neighbour.close();
    await closedOf(neighbour);
    const end = Date.now() + 2_000;
    while (relay.stats.open !== 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(relay.stats.open).toBe(0);
  }, 60_000);
});

describe('relay backpressure', () => {
  it('stops reading the client while the upstream does not read, holds every frame, and delivers them in order after', async () => {
    // A loopback upstream that stops reading for a while, as a slow service would.
    const upstream = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1 << 20 });
    await new Promise((r) => upstream.once('listening', r));
    const received: number[] = [];
    let serverSide: WebSocket | null = null;
    upstream.on('connection', (ws) => {
      serverSide = ws;
      ws.pause();
      ws.on('message', (data: Buffer) => received.push(data.readUInt32LE(0)));
    });
    const port = (upstream.address() as AddressInfo).port;
    const relay = await startRelay({
      apiKey: 'k',
      allowedOrigins: [GAME],
      upstream: `http://127.0.0.1:${port}`,
      highWaterBytes: 256 * 1024,
      maxBufferedBytes: 4 * 1024 * 1024,
    });
    const client = await connect(relay);
    let closedCode = 0;
    client.on('close', (code) => {
      closedCode = code;
    });
    client.send(JSON.stringify({ appCheck: 'aaa.bbb.ccc' }));
    while (!serverSide) await new Promise((r) => setTimeout(r, 5));

    // 48 MiB: far past the loopback socket buffers and the relay's 4 MiB cut-off.
    const FRAMES = 768;
    for (let i = 0; i < FRAMES; i++) {
      const frame = Buffer.alloc(64 * 1024);
      frame.writeUInt32LE(i, 0);
      client.send(frame);
    }
    await new Promise((r) => setTimeout(r, 500));
    // The relay stopped reading: the rest waits in the client's own buffer.
    expect(client.bufferedAmount).toBeGreaterThan(16 * 1024 * 1024);
    expect(closedCode).toBe(0);
    (serverSide as unknown as WebSocket).resume();
    const deadline = Date.now() + 20_000;
    while (received.length < FRAMES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(received).toEqual(Array.from({ length: FRAMES }, (_, i) => i));
    expect(closedCode).toBe(0);
    client.close();
    await relay.close();
    await new Promise((r) => upstream.close(r));
  }, 40_000);
});
