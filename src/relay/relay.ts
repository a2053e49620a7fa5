import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { SessionCounter } from './limits.js';
import { livePath, upstreamOrigin } from './live-paths.js';
import { RelayedSession } from './relayed-session.js';

/** Options of {@link createRelay} and {@link startRelay}. */
export interface RelayOptions {
  /** The Firebase web API key of the game's project, sent upstream (a client's `?key=` is ignored). */
  apiKey: string;
  /** Browser origins allowed to connect, exactly as they send them (`https://game.example`). */
  allowedOrigins: readonly string[];
  /** Take connections that carry no Origin (non-browser clients, tests). @defaultValue false */
  allowNoOrigin?: boolean;
  /**
   * Replaces Firebase AI Logic's origin for tests and local development: a loopback origin only
   * (the emulator); any other host is refused. @defaultValue 'wss://firebasevertexai.googleapis.com'
   */
  upstream?: string;
  /** Concurrent sessions per App Check token (one app instance). @defaultValue 3 */
  maxSessionsPerToken?: number;
  /** Concurrent sessions per client address. @defaultValue 8 */
  maxSessionsPerClient?: number;
  /** Concurrent sessions in all. @defaultValue 500 */
  maxSessions?: number;
  /** Largest client frame; a bigger one closes the session with 1009. @defaultValue 1 MiB */
  maxFrameBytes?: number;
  /** No frame either way for this long closes the session. @defaultValue 120 000 */
  idleTimeoutMs?: number;
  /** The first frame (the token) must come this soon after connecting. @defaultValue 5 000 */
  tokenTimeoutMs?: number;
  /** Pause reading a side while the other side has this much unsent. @defaultValue 256 KiB */
  highWaterBytes?: number;
  /** A side with this much unsent has stopped reading: the session closes. @defaultValue 8 MiB */
  maxBufferedBytes?: number;
  /**
   * Proxies in front of the relay that append to `X-Forwarded-For` (the client address is the
   * entry this many from the right); 0 uses the socket's address. @defaultValue 0
   */
  trustProxyHops?: number;
  /** Where log lines go (they never hold tokens, keys or query strings). @defaultValue silent */
  log?: (line: string) => void;
}

/** Counters of a relay. */
export interface RelayStats {
  open: number;
  total: number;
  /** Refusals before or at the token, by reason. */
  refused: Record<string, number>;
}

/** A relay not bound to a port: attach it to any HTTP server's upgrade event. */
export interface Relay {
  /** Takes over every upgrade: relays a Live path from an allowed origin, refuses the rest. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Serves `/healthz`; false for other requests. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  readonly stats: RelayStats;
  close(): Promise<void>;
}

/** A running standalone relay. */
export interface RunningRelay {
  /** `http://host:port`: the plugin's `relayUrl`. */
  url: string;
  port: number;
  stats: RelayStats;
  close(): Promise<void>;
}

/**
 * The Live relay a game deploys so that browsers reach Firebase AI Logic under App Check: the
 * browser connects on a Live path and sends its App Check token as the first frame; the relay
 * opens the same path on Firebase AI Logic with the token in `X-Firebase-AppCheck` and the
 * project's key, and pipes frames both ways. Fixed upstream, Live paths only, allowed origins
 * only, sessions capped per token, per client and in all.
 *
 * @example
 * ```ts
 * const relay = await startRelay({ apiKey, allowedOrigins: ['https://game.example'], port: 8080, host: '0.0.0.0' });
 * ```
 */
export function createRelay(options: RelayOptions): Relay {
  if (!options.apiKey) throw new Error('The relay needs the Firebase API key of the game (apiKey).');
  const origin = upstreamOrigin(options.upstream);
  const maxFrameBytes = options.maxFrameBytes ?? 1024 * 1024;
  const perToken = new SessionCounter(options.maxSessionsPerToken ?? 3);
  const perClient = new SessionCounter(options.maxSessionsPerClient ?? 8);
  const maxSessions = options.maxSessions ?? 500;
  const allowed = new Set(options.allowedOrigins);
  const log = options.log ?? (() => {});
  const stats: RelayStats = { open: 0, total: 0, refused: {} };
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes, perMessageDeflate: false });
  const session = {
    tokenTimeoutMs: options.tokenTimeoutMs ?? 5_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 120_000,
    highWaterBytes: options.highWaterBytes ?? 256 * 1024,
    maxBufferedBytes: options.maxBufferedBytes ?? 8 * 1024 * 1024,
    maxUpstreamFrameBytes: 16 * 1024 * 1024,
  };

  const refuse = (socket: Duplex, status: string, why: string) => {
    stats.refused[why] = (stats.refused[why] ?? 0) + 1;
    log(`relay: refused (${why})`);
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  return {
    stats,
    handleUpgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      const path = livePath(req.url);
      if (!path) return refuse(socket, '404 Not Found', 'not a Live path');
      const from = req.headers.origin;
      if (from ? !allowed.has(from) : !options.allowNoOrigin) return refuse(socket, '403 Forbidden', 'origin not allowed');
      if (stats.open >= maxSessions) return refuse(socket, '503 Service Unavailable', 'relay full');
      const client = clientAddress(req, options.trustProxyHops ?? 0);
      if (!perClient.take(client)) return refuse(socket, '429 Too Many Requests', 'client at its cap');
      // ws drops a malformed upgrade without calling back: give the place back when the socket goes.
      let upgraded = false;
      socket.once('close', () => {
        if (!upgraded) perClient.release(client);
      });
      wss.handleUpgrade(req, socket, head, (ws) => {
        upgraded = true;
        stats.open++;
        stats.total++;
        const id = stats.total;
        log(`relay: session ${id} from ${client} on ${path.includes('locations') ? 'vertexAI' : 'googleAI'}`);
        new RelayedSession(ws, {
          ...session,
          upstreamUrl: `${origin}${path}?key=${encodeURIComponent(options.apiKey)}`,
          admitToken: (digest) => {
            if (perToken.take(digest)) return true;
            stats.refused['token at its cap'] = (stats.refused['token at its cap'] ?? 0) + 1;
            return false;
          },
          onEnd: (digest, code) => {
            stats.open--;
            perClient.release(client);
            if (digest) perToken.release(digest);
            log(`relay: session ${id} ended (${code})`);
          },
        });
      });
    },
    handleRequest(req, res) {
      if (req.url !== '/healthz') return false;
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
      res.end('ok\n');
      return true;
    },
    async close() {
      for (const ws of wss.clients) ws.close(1001, 'Relay shutting down.');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Starts a standalone relay on `host:port` (loopback and a free port by default). */
export async function startRelay(options: RelayOptions & { host?: string; port?: number }): Promise<RunningRelay> {
  const host = options.host ?? '127.0.0.1';
  const relay = createRelay(options);
  const server: Server = createServer((req, res) => {
    if (relay.handleRequest(req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Not found\n');
  });
  server.on('upgrade', (req, socket, head) => relay.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    stats: relay.stats,
    async close() {
      await relay.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function clientAddress(req: IncomingMessage, hops: number): string {
  if (hops > 0) {
    const header = req.headers['x-forwarded-for'];
    const list = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((s) => s.trim());
    const entry = list[list.length - hops];
    if (entry) return entry;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
