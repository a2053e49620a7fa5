import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { APP_CHECK_HEADER, AppCheckVerifier } from './app-check.js';
import type { TurnTiming } from './model-turn.js';
import { LIVE_MODELS } from './models.js';
import { ResumptionStore } from './resumption-store.js';
import { EmulatorSession, type SessionContext } from './session.js';
import { EmulatorStats } from './stats.js';
import { TextToSpeech } from './tts/text-to-speech.js';

/** Options of {@link startEmulator} and {@link createEmulator}. */
export interface EmulatorOptions {
  /** @defaultValue '127.0.0.1' (loopback only) */
  host?: string;
  /** @defaultValue 0 (any free port) */
  port?: number;
  /** Require this API key (`?key=` or `x-goog-api-key`); any key is accepted when unset. */
  apiKey?: string;
  /**
   * Enforce App Check: a session needs an `X-Firebase-AppCheck` header with a token that verifies,
   * or its setup is refused with "Firebase App Check token is invalid." as the service does.
   * `true` generates a signing secret (read it, or mint tokens, from `appCheck` on the emulator).
   * @defaultValue false
   */
  appCheck?: boolean | { secret?: string };
  /**
   * Browser origins allowed to connect. By default: no Origin (Node clients), the server's own
   * origin, and loopback origins — so a web page elsewhere cannot drive a local emulator.
   */
  allowedOrigins?: string[];
  /**
   * Host names (the `Host` header) the emulator answers besides IP addresses and `localhost`, so
   * a page on another domain that resolves to this machine (DNS rebinding) cannot reach it.
   * @defaultValue [] (and the `host` a standalone emulator is bound to)
   */
  allowedHosts?: string[];
  /** Concurrent sessions one client address may hold; more are closed with 1011 RESOURCE_EXHAUSTED. @defaultValue 320 */
  maxSessionsPerClient?: number;
  /** Input audio rates one session may use (each needs its own resampler); one more closes it with 1007. @defaultValue 4 */
  maxAudioRates?: number;
  /** Extra model ids to accept besides the Live models in `models.ts`. */
  models?: string[];
  /** Largest client frame accepted; bigger ones close the session with 1007. @defaultValue 1 MiB */
  maxFrameBytes?: number;
  /** @defaultValue 10 000 */
  setupTimeoutMs?: number;
  /** @defaultValue 120 000 */
  idleTimeoutMs?: number;
  /** How long a connection lives before `goAway` and close (the service: ~10 min). @defaultValue 600 000 */
  connectionLifetimeMs?: number;
  /** `goAway` comes this long before the end. @defaultValue 50 000 */
  goAwayLeadMs?: number;
  /** @defaultValue { firstChunkMs: 40, chunkMs: 240, speedup: 4 } */
  timing?: Partial<TurnTiming>;
  /** eSpeak NG worker threads. @defaultValue 1 */
  ttsWorkers?: number;
  /** Where log lines go. @defaultValue silent */
  log?: (line: string) => void;
}

/** An emulator not bound to a port yet: attach it to any HTTP server's upgrade event. */
export interface Emulator {
  /** Takes over the upgrade when `req` is a Live API path; false (untouched) otherwise. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Serves `/emulator/stats`; false for other requests. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  readonly stats: EmulatorStats;
  /** The App Check verifier when enforcement is on (mints tokens for tests and clients). */
  readonly appCheck: AppCheckVerifier | null;
  /** Starts the speech workers now rather than on the first reply. */
  warm(): Promise<void>;
  close(): Promise<void>;
}

/** A running standalone emulator. */
export interface RunningEmulator {
  /** `http://host:port` — the origin clients point at (genai `baseUrl`, Firebase via the plugin's socket). */
  url: string;
  host: string;
  port: number;
  stats: EmulatorStats;
  appCheck: AppCheckVerifier | null;
  close(): Promise<void>;
}

const LIVE_PATH =
  /^\/+ws\/(?:google\.firebase\.vertexai\.v1beta\.GenerativeService\/BidiGenerateContent|google\.firebase\.vertexai\.v1beta\.LlmBidiService\/BidiGenerateContent\/locations\/[A-Za-z0-9-]+|google\.ai\.generativelanguage\.(?:v1beta|v1alpha|v1)\.GenerativeService\.BidiGenerateContent(?:Constrained)?|google\.cloud\.aiplatform\.(?:v1beta1|v1)\.LlmBidiService\/BidiGenerateContent)$/;

/** True for every URL path the Live API is reached at (both Firebase backends, both genai forms). */
export function isLivePath(url: string | undefined): boolean {
  if (!url) return false;
  const path = url.split('?')[0] as string;
  return LIVE_PATH.test(path);
}

/** True for any path under `/ws/` (the emulator answers these, even if only to refuse them). */
export function isWsPath(url: string | undefined): boolean {
  return !!url && /^\/+ws\//.test(url);
}

/**
 * Builds an emulator without a listening socket (for the Vite plugin, or any HTTP server).
 *
 * @example
 * ```ts
 * const emulator = createEmulator();
 * httpServer.on('upgrade', (req, socket, head) => emulator.handleUpgrade(req, socket, head));
 * ```
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const maxFrameBytes = options.maxFrameBytes ?? 1024 * 1024;
  const tts = new TextToSpeech({ workers: options.ttsWorkers ?? 1 });
  const stats = new EmulatorStats();
  const appCheck = options.appCheck
    ? new AppCheckVerifier(typeof options.appCheck === 'object' ? options.appCheck.secret : undefined)
    : null;
  const ctx: SessionContext = {
    models: new Set([...LIVE_MODELS, ...(options.models ?? [])]),
    tts,
    store: new ResumptionStore(),
    stats,
    timing: { firstChunkMs: 40, chunkMs: 240, speedup: 4, ...options.timing },
    maxFrameBytes,
    setupTimeoutMs: options.setupTimeoutMs ?? 10_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 120_000,
    lifetimeMs: options.connectionLifetimeMs ?? 600_000,
    goAwayLeadMs: options.goAwayLeadMs ?? 50_000,
    maxBufferedBytes: 8 * 1024 * 1024,
    maxAudioRates: options.maxAudioRates ?? 4,
    apiKey: options.apiKey ?? null,
    appCheck,
    log: options.log ?? (() => {}),
  };
  // ws itself refuses frames past 4× our limit (1009), so a huge frame is never buffered whole;
  // between 1× and 4× the session answers 1007 with a reason.
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes * 4, perMessageDeflate: false });
  const allowed = options.allowedOrigins ? new Set(options.allowedOrigins) : null;
  const allowedHosts = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const maxPerClient = options.maxSessionsPerClient ?? 320;
  const perClient = new Map<string, number>();

  /** An IP address, `localhost` or an allowed name: not a domain an attacker's DNS can point here. */
  const hostAllowed = (req: IncomingMessage): boolean => {
    const hostname = hostnameOf(req.headers.host);
    return hostname !== null && (isSafeHostname(hostname) || allowedHosts.has(hostname));
  };

  const originAllowed = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    if (!origin) return true;
    if (allowed) return allowed.has(origin);
    try {
      const { host, hostname } = new URL(origin);
      return host === req.headers.host || isLoopbackName(hostname.replace(/^\[|\]$/g, ''));
    } catch {
      return false;
    }
  };

  const refuse = (socket: Duplex, status: string) => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  return {
    stats,
    appCheck,
    handleUpgrade(req, socket, head) {
      if (!isWsPath(req.url)) return false;
      socket.on('error', () => socket.destroy());
      if (!isLivePath(req.url)) {
        refuse(socket, '404 Not Found');
        return true;
      }
      if (!hostAllowed(req) || !originAllowed(req)) {
        refuse(socket, '403 Forbidden');
        return true;
      }
      const url = new URL(req.url ?? '/', 'http://emulator');
      const key = url.searchParams.get('key') ?? url.searchParams.get('access_token') ?? headerValue(req.headers['x-goog-api-key']);
      const appCheckToken = headerValue(req.headers[APP_CHECK_HEADER]);
      const client = req.socket.remoteAddress ?? 'unknown';
      wss.handleUpgrade(req, socket, head, (ws) => {
        const count = (perClient.get(client) ?? 0) + 1;
        perClient.set(client, count);
        ws.once('close', () => {
          const left = (perClient.get(client) ?? 1) - 1;
          if (left > 0) perClient.set(client, left);
          else perClient.delete(client);
        });
        const session = new EmulatorSession(ws, ctx, { key, appCheckToken });
        if (count > maxPerClient)
          session.close(1011, `RESOURCE_EXHAUSTED: more than ${maxPerClient} concurrent sessions from this client.`);
      });
      return true;
    },
    handleRequest(req, res) {
      if (req.url?.split('?')[0] !== '/emulator/stats') return false;
      if (!hostAllowed(req)) {
        res.writeHead(403, { 'content-type': 'text/plain' });
        res.end('Forbidden host\n');
        return true;
      }
      if (req.url.includes('reset=event-loop')) stats.resetEventLoop();
      // Pages on the origins allowed to connect may read it too: the plugin asks here whether an
      // emulator is running before it blames the socket (a game on :5173, the CLI on :8787).
      const origin = req.headers.origin;
      res.writeHead(200, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'cross-origin-resource-policy': 'same-origin',
        ...(origin && originAllowed(req) ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}),
      });
      res.end(JSON.stringify(stats));
      return true;
    },
    warm: () => tts.warm(),
    async close() {
      for (const client of wss.clients) client.close(1001, 'Emulator shutting down.');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await tts.close();
      stats.dispose();
    },
  };
}

/**
 * Starts a standalone emulator on `host:port` (loopback and a free port by default).
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ port: 8787 });
 * const ai = new GoogleGenAI({ apiKey: 'any', httpOptions: { baseUrl: emulator.url } });
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const emulator = createEmulator({ ...options, allowedHosts: [...(options.allowedHosts ?? []), host] });
  const server: Server = createServer((req, res) => {
    if (emulator.handleRequest(req, res)) return;
    res.writeHead(req.url === '/' ? 200 : 404, { 'content-type': 'text/plain' });
    res.end(req.url === '/' ? 'phaser-npc-voice Live API emulator: connect a Live client over WebSocket.\n' : 'Not found\n');
  });
  server.on('upgrade', (req, socket, head) => {
    if (!emulator.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  await emulator.warm();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    stats: emulator.stats,
    appCheck: emulator.appCheck,
    async close() {
      await emulator.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The host name of a `Host` header (`name:port`, `[v6]:port`), lower case; null when absent. */
function hostnameOf(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(header) ?? /^([^:]+)(?::\d+)?$/.exec(header);
  return m ? (m[1] as string).toLowerCase() : null;
}

function isLoopbackName(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '::1' || /^127\./.test(hostname);
}

/** IP literals and localhost names cannot be rebound by someone else's DNS. */
function isSafeHostname(hostname: string): boolean {
  return isIP(hostname) !== 0 || isLoopbackName(hostname);
}

function headerValue(v: string | string[] | undefined): string | null {
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}
