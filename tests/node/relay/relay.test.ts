import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/server.ts';
import { createRelay, type RunningRelay, startRelay } from '../../../src/relay/relay.ts';
import { FIREBASE_PATH, MODEL } from '../../support/raw-client.ts';

const GAME = 'https://game.example';
const VERTEX_PATH = '/ws/google.firebase.vertexai.v1beta.LlmBidiService/BidiGenerateContent/locations/us-central1';

let emulator: RunningEmulator;
let relay: RunningRelay;
const logLines: string[] = [];
beforeAll(async () => {
  // The emulator takes only the relay's key: a session that works proves the relay sent its own.
  emulator = await startEmulator({ appCheck: true, apiKey: 'relay-key' });
  relay = await startRelay({
    apiKey: 'relay-key',
    allowedOrigins: [GAME],
    upstream: emulator.url,
    maxFrameBytes: 64 * 1024,
    maxSessionsPerToken: 2,
    tokenTimeoutMs: 500,
    log: (line) => logLines.push(line),
  });
});
afterAll(async () => {
  await relay?.close();
  await emulator?.close();
});

const token = (): string => emulator.appCheck?.mint({ ttlSeconds: 600 }) ?? '';

/** A browser-like client of the relay: records messages and how it closed. */
class Client {
  readonly messages: Record<string, unknown>[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push(JSON.parse(data.toString()) as Record<string, unknown>));
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async open(target: RunningRelay, options: { path?: string; origin?: string | null; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.origin !== null) headers.Origin = options.origin ?? GAME;
    const ws = new WebSocket(`${target.url.replace('http', 'ws')}${options.path ?? FIREBASE_PATH}?key=client-key`, { headers });
    const client = new Client(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
    return client;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async setup(appCheck = token()): Promise<void> {
    this.send({ appCheck });
    this.send({ setup: { model: MODEL } });
    await this.waitFor((m) => 'setupComplete' in m);
  }

  async waitFor(match: (m: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.messages.find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out; got ${this.messages.map((m) => Object.keys(m).join('+')).join(', ')}`);
  }
}

const until = async (done: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('relay: the way through', () => {
  it('the token as the first frame, then setup: the emulator enforcing App Check completes the setup and answers text', async () => {
    const client = await Client.open(relay);
    await client.setup();
    client.send({ realtimeInput: { text: 'Hello?' } });
    await client.waitFor((m) => (m.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete === true);
    client.ws.close();
  });

  it('the Vertex AI Live path is relayed too', async () => {
    const client = await Client.open(relay, { path: VERTEX_PATH });
    await client.setup();
    client.ws.close();
  });

  it('log lines hold neither the token nor the key nor a query string', async () => {
    const secret = token();
    const client = await Client.open(relay);
    await client.setup(secret);
    client.ws.close();
    await client.closed;
    await until(() => logLines.some((l) => l.includes('ended')));
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) {
      expect(line).not.toContain(secret);
      expect(line).not.toMatch(/key|\?/);
    }
  });
});

describe('relay: what it refuses', () => {
  it.each([
    ['the genai Live path', '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent'],
    ['another path', '/ws/anything'],
    ['a path naming another host', `//evil.example${FIREBASE_PATH}`],
    ['a location that is not one', `${VERTEX_PATH.replace('us-central1', '..%2Fx')}`],
  ])('%s → HTTP 404', async (_label, path) => {
    await expect(Client.open(relay, { path })).rejects.toThrow('HTTP 404');
  });

  it('a Host header naming another host changes nothing: the session goes to the fixed upstream', async () => {
    const before = emulator.stats.sessionsTotal;
    const client = await Client.open(relay, { headers: { Host: 'evil.example' } });
    await client.setup();
    expect(emulator.stats.sessionsTotal).toBe(before + 1);
    client.ws.close();
  });

  it('an upstream that is not loopback cannot be configured', () => {
    expect(() => createRelay({ apiKey: 'k', allowedOrigins: [GAME], upstream: 'https://evil.example' })).toThrow(/loopback/);
  });

  it('an origin not on the list, or no origin → HTTP 403', async () => {
    await expect(Client.open(relay, { origin: 'https://other.example' })).rejects.toThrow('HTTP 403');
    await expect(Client.open(relay, { origin: null })).rejects.toThrow('HTTP 403');
  });

  it('setup before the token → closed 1008, telling what to send', async () => {
    const client = await Client.open(relay);
    client.send({ setup: { model: MODEL } });
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/App Check token missing or malformed/);
  });

  it('nothing sent → closed 1008 after the token timeout', async () => {
    const client = await Client.open(relay);
    expect(await client.closed).toEqual({ code: 1008, reason: expect.stringMatching(/^No App Check token/) });
  });

  it('a token that does not verify → the service refuses it, and the client hears its words', async () => {
    const client = await Client.open(relay);
    client.send({ appCheck: 'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.bm9wZQ' });
    client.send({ setup: { model: MODEL } });
    expect(await client.closed).toEqual({ code: 1008, reason: 'Firebase App Check token is invalid.' });
  });

  it('a frame over the cap → closed 1009; the relay holds nothing of the session after', async () => {
    const client = await Client.open(relay);
    await client.setup();
    client.ws.send(randomBytes(64 * 1024 + 1));
    expect((await client.closed).code).toBe(1009);
    await until(() => relay.stats.open === 0);
  });

  it('a third session on one token → closed 1013; after one ends, a new one is taken', async () => {
    const shared = token();
    const a = await Client.open(relay);
    await a.setup(shared);
    const b = await Client.open(relay);
    await b.setup(shared);
    const c = await Client.open(relay);
    c.send({ appCheck: shared });
    expect(await c.closed).toEqual({ code: 1013, reason: expect.stringMatching(/Too many sessions/) });
    a.ws.close();
    await a.closed;
    await until(() => relay.stats.open === 1);
    const d = await Client.open(relay);
    await d.setup(shared);
    b.ws.close();
    d.ws.close();
  });

  it('more sessions from one client than its cap → HTTP 429 before any upgrade; places come back', async () => {
    const small = await startRelay({ apiKey: 'relay-key', allowedOrigins: [GAME], upstream: emulator.url, maxSessionsPerClient: 2 });
    const a = await Client.open(small);
    const b = await Client.open(small);
    await expect(Client.open(small)).rejects.toThrow('HTTP 429');
    a.ws.close();
    await until(() => small.stats.open === 1);
    const c = await Client.open(small);
    b.ws.close();
    c.ws.close();
    await small.close();
  });
});
