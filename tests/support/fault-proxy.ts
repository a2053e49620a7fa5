import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { type RawData, WebSocketServer } from 'ws';

/** The faults a {@link FaultProxy} applies; change them at any time with {@link FaultProxy.set}. */
export interface Faults {
  /** Wait this long before accepting a client's WebSocket upgrade (and before dialling upstream). */
  handshakeDelayMs: number;
  /** Delay every frame, both ways, by this long (order is kept). */
  frameDelayMs: number;
  /** Hold the emulator's frames to the client until this is turned off (nothing is lost). */
  holdDownstream: boolean;
  /** Bytes per second, each way, per connection (0: unlimited). */
  bandwidthBytesPerSec: number;
  /** Close a setup that carries a resumption handle with 1007, as the service does for a handle it no longer knows. */
  refuseHandles: boolean;
}

const NO_FAULTS: Faults = { handshakeDelayMs: 0, frameDelayMs: 0, holdDownstream: false, bandwidthBytesPerSec: 0, refuseHandles: false };

/** What went through the proxy towards the emulator. */
export interface ProxyCounts {
  /** Connections accepted from clients. */
  connections: number;
  /** 16 kHz samples in `realtimeInput.audio` messages forwarded to the emulator (counted as they are sent on). */
  audioSamples: number;
  /** Setups refused because they carried a handle. */
  refusedHandles: number;
}

/** One frame on its way, with when it may leave. */
interface Frame {
  data: RawData;
  isBinary: boolean;
  bytes: number;
  due: number;
}

/** Frames one way over one connection: delayed, held and rate-limited in order. */
class Pipe {
  private readonly queue: Frame[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** When the bandwidth cap lets the next byte through. */
  private freeAt = 0;

  constructor(
    private readonly proxy: FaultProxy,
    private readonly out: () => WebSocket | null,
    private readonly downstream: boolean,
    private readonly sent: (frame: Frame) => void = () => {},
  ) {}

  push(data: RawData, isBinary: boolean): void {
    const bytes = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    this.queue.push({ data, isBinary, bytes, due: Date.now() + this.proxy.faults.frameDelayMs });
    this.pump();
  }

  pump(): void {
    if (this.timer) return;
    const faults = this.proxy.faults;
    while (this.queue.length > 0) {
      if (this.downstream && faults.holdDownstream) return; // set() pumps again when released
      const ws = this.out();
      if (!ws || ws.readyState !== WebSocket.OPEN) return; // opened() pumps again
      const frame = this.queue[0] as Frame;
      const now = Date.now();
      const wait = Math.max(frame.due, this.freeAt) - now;
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.pump();
        }, wait);
        return;
      }
      this.queue.shift();
      if (faults.bandwidthBytesPerSec > 0) this.freeAt = Math.max(this.freeAt, now) + (frame.bytes / faults.bandwidthBytesPerSec) * 1000;
      ws.send(frame.data as Buffer, { binary: frame.isBinary });
      this.sent(frame);
    }
  }

  /** Sends what is queued now, ignoring delays and the cap (the sender closed: TCP delivers what it sent first). */
  drain(): void {
    const ws = this.out();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (ws && ws.readyState === WebSocket.OPEN && this.queue.length > 0) {
      const frame = this.queue.shift() as Frame;
      ws.send(frame.data as Buffer, { binary: frame.isBinary });
      this.sent(frame);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }
}

/** One client connection and its upstream to the emulator. */
class Link {
  upstream: WebSocket | null = null;
  /** Which connection through the proxy this is (1, 2, …). */
  readonly id: number;
  private readonly up: Pipe;
  private readonly down: Pipe;
  private sawSetup = false;

  constructor(
    private readonly proxy: FaultProxy,
    readonly client: WebSocket,
    target: string,
  ) {
    this.id = ++proxy.counts.connections;
    this.up = new Pipe(
      proxy,
      () => this.upstream,
      false,
      (frame) => {
        const samples = countAudio(frame.data);
        if (samples === 0) return;
        proxy.counts.audioSamples += samples;
        proxy.onAudio?.(this.id, samples);
      },
    );
    this.down = new Pipe(proxy, () => this.client, true);
    const upstream = new WebSocket(target, { perMessageDeflate: false });
    this.upstream = upstream;
    upstream.on('open', () => this.up.pump());
    upstream.on('message', (data, isBinary) => this.down.push(data, isBinary));
    upstream.on('close', (code, reason) => {
      if (this.client.readyState === WebSocket.OPEN) this.client.close(code === 1005 || code === 1006 ? 1011 : code, reason);
      this.dispose();
    });
    upstream.on('error', () => this.client.terminate());
    client.on('message', (data, isBinary) => this.fromClient(data, isBinary));
    client.on('close', () => {
      this.up.drain();
      if (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING) upstream.close();
      this.dispose();
    });
    client.on('error', () => upstream.terminate());
  }

  /** Drops the TCP connection to the client with no close frame (a network failure: the client sees 1006). */
  drop(): void {
    this.client.terminate();
    this.upstream?.terminate();
  }

  /** Closes the client's side with `code` (as the service would) and the upstream normally. */
  closeWith(code: number, reason: string): void {
    this.client.close(code, reason);
    this.upstream?.close();
  }

  pumpDown(): void {
    this.down.pump();
  }

  private fromClient(data: RawData, isBinary: boolean): void {
    const counts = this.proxy.counts;
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    if (!this.sawSetup) {
      this.sawSetup = true;
      const setup = (safeParse(text) as { setup?: { sessionResumption?: { handle?: string } } } | null)?.setup;
      if (this.proxy.faults.refuseHandles && setup?.sessionResumption?.handle) {
        counts.refusedHandles++;
        this.closeWith(1007, 'Session resumption handle is invalid or expired.');
        return;
      }
    }
    this.up.push(data, isBinary);
  }

  private dispose(): void {
    this.up.dispose();
    this.down.dispose();
    this.proxy.forget(this);
  }
}

/** The samples in a `realtimeInput.audio` message (0 for any other message). */
function countAudio(data: RawData): number {
  const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
  if (!text.startsWith('{"realtimeInput":{"audio"')) return 0;
  const data64 = (safeParse(text) as { realtimeInput?: { audio?: { data?: string } } } | null)?.realtimeInput?.audio?.data ?? '';
  return Buffer.byteLength(data64, 'base64') / 2;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * A WebSocket proxy on loopback between any Live client and the emulator that misbehaves on
 * purpose, like a real network and service: a slow handshake, held or slow frames, a capped
 * bandwidth, a dropped TCP connection, a close with a service code, a refused resumption handle.
 *
 * @example
 * ```ts
 * const proxy = await FaultProxy.start(emulator.url);
 * proxy.set({ handshakeDelayMs: 800 });
 * const model = createLiveModel({ backend: 'emulator', emulatorUrl: proxy.url });
 * proxy.dropAll(); // mid-turn
 * await proxy.close();
 * ```
 */
export class FaultProxy {
  faults: Faults = { ...NO_FAULTS };
  readonly counts: ProxyCounts = { connections: 0, audioSamples: 0, refusedHandles: 0 };
  /** Called as each audio message is forwarded to the emulator, with the connection it came on. */
  onAudio: ((connection: number, samples: number) => void) | null = null;
  private readonly links = new Set<Link>();
  private readonly pending = new Set<ReturnType<typeof setTimeout>>();
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

  private constructor(
    private readonly server: Server,
    private readonly target: string,
    readonly url: string,
  ) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  /** Listens on 127.0.0.1 (a free port) and forwards to `emulatorUrl` (`http://host:port`). */
  static async start(emulatorUrl: string): Promise<FaultProxy> {
    const server = createServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return new FaultProxy(server, emulatorUrl.replace(/^http/, 'ws'), `http://127.0.0.1:${port}`);
  }

  /** Changes some faults (the rest stay as they are); held frames go on when `holdDownstream` turns off. */
  set(faults: Partial<Faults>): void {
    this.faults = { ...this.faults, ...faults };
    for (const link of this.links) link.pumpDown();
  }

  /** No faults at all. */
  reset(): void {
    this.set({ ...NO_FAULTS });
  }

  /** Client connections open through the proxy now. */
  get open(): number {
    return this.links.size;
  }

  /** Drops every connection's TCP socket with no close frame. */
  dropAll(): void {
    for (const link of [...this.links]) link.drop();
  }

  /** Closes every connection with `code` and `reason` (1000, 1007, 1008, 1011, …). */
  closeAll(code: number, reason = ''): void {
    for (const link of [...this.links]) link.closeWith(code, reason);
  }

  /** @internal A link is gone. */
  forget(link: Link): void {
    this.links.delete(link);
  }

  async close(): Promise<void> {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    this.dropAll();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const accept = () => {
      if (socket.destroyed) return;
      this.wss.handleUpgrade(req, socket, head, (client) => {
        this.links.add(new Link(this, client, `${this.target}${req.url ?? '/'}`));
      });
    };
    const delay = this.faults.handshakeDelayMs;
    if (delay <= 0) {
      accept();
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      accept();
    }, delay);
    this.pending.add(timer);
  }
}
