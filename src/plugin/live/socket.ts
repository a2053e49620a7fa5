import { LiveError } from './live-errors.js';

/**
 * The seam firebase/ai's `LiveGenerativeModel` takes as its third constructor argument
 * (`WebSocketHandler`, internal, "injectable for testing"). Pinned to firebase 12.19.0; a test
 * fails if the SDK stops using it.
 */
export interface WebSocketHandler {
  connect(url: string): Promise<void>;
  send(data: string | ArrayBuffer): void;
  listen(): AsyncGenerator<unknown>;
  close(code?: number, reason?: string): Promise<void>;
}

/** The part of the WebSocket API we use (browsers' WebSocket and the `ws` package both have it). */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: never) => void): void;
  removeEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: never) => void): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** How the last connection ended. */
export interface SocketClose {
  code: number;
  reason: string;
}

export interface LiveSocketOptions {
  /**
   * Replaces the SDK's fixed origin (`wss://firebasevertexai.googleapis.com`) with this one —
   * how Firebase clients reach the emulator. `http(s)://` is turned into `ws(s)://`.
   */
  origin?: string;
  /** The WebSocket implementation; by default the global one, or the `ws` package in Node. */
  WebSocket?: WebSocketConstructor;
  /**
   * Fetches an App Check token for each connection; it is sent as the first frame,
   * `{"appCheck":"<token>"}`, which the game's relay takes off and puts in a header upstream.
   */
  appCheckToken?: () => Promise<string>;
  /** Adds to the `setup` message what the SDK has no option for (e.g. `realtimeInputConfig`). */
  patchSetup?: (setup: Record<string, unknown>) => void;
}

const OPEN = 1;
const decoder = new TextDecoder();

/**
 * Our WebSocketHandler for every backend: reaches the emulator by rewriting the origin, works in
 * browsers and in Node 20 (falls back to the `ws` package), patches the setup message, and sends
 * the realtime messages `LiveSession` has no method for (`activityStart`, `activityEnd`,
 * `audioStreamEnd`). One instance serves one connection at a time; `connect` again after a close
 * opens a fresh socket (the SDK's `resumeSession` does exactly that).
 */
export class LiveSocket implements WebSocketHandler {
  private ws: WebSocketLike | null = null;
  private queue: unknown[] = [];
  private wake: (() => void) | null = null;
  private ended = false;
  private failure: Error | null = null;
  /** @internal How the most recent connection closed (null while open or never opened). */
  lastClose: SocketClose | null = null;
  /** The reason we gave when closing this connection (null: we did not close it). */
  private closeReasonSent: string | null = null;
  /** @internal Messages sent on the current connection (the service's `lastConsumedClientMessageIndex` counts these). */
  sent = 0;

  /** @internal Made by {@link createLiveModel}'s sessions, one per connection. */
  constructor(private readonly options: LiveSocketOptions = {}) {}

  async connect(url: string): Promise<void> {
    const target = this.options.origin ? rewriteOrigin(url, this.options.origin) : url;
    const Ctor = this.options.WebSocket ?? (await defaultWebSocket());
    // Fetched before the socket opens and dropped once sent: a token is never kept past this connection.
    const appCheckToken = this.options.appCheckToken ? await this.options.appCheckToken() : null;
    this.queue = [];
    this.ended = false;
    this.failure = null;
    this.lastClose = null;
    this.closeReasonSent = null;
    this.sent = 0;
    const ws = new Ctor(target);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.addEventListener('message', ((event: { data: unknown }) => this.onMessage(event.data)) as (e: never) => void);
    ws.addEventListener('close', ((event: { code: number; reason: string }) => {
      this.lastClose = { code: event.code, reason: event.reason };
      this.ended = true;
      this.notify();
    }) as (e: never) => void);
    await new Promise<void>((resolve, reject) => {
      const opened = () => {
        cleanup();
        if (appCheckToken !== null) ws.send(JSON.stringify({ appCheck: appCheckToken }));
        resolve();
      };
      const failed = () => {
        cleanup();
        reject(new LiveError('network', `Could not connect to the Live API at ${redact(target)}.`));
      };
      const cleanup = () => {
        ws.removeEventListener('open', opened as (e: never) => void);
        ws.removeEventListener('error', failed as (e: never) => void);
        ws.removeEventListener('close', failed as (e: never) => void);
      };
      ws.addEventListener('open', opened as (e: never) => void);
      ws.addEventListener('error', failed as (e: never) => void);
      ws.addEventListener('close', failed as (e: never) => void);
    });
  }

  send(data: string | ArrayBuffer): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) throw new LiveError('session-closed', 'The Live connection is not open.');
    let text = typeof data === 'string' ? data : decoder.decode(data);
    if (this.sent === 0 && this.options.patchSetup && text.startsWith('{"setup"')) {
      const message = JSON.parse(text) as { setup: Record<string, unknown> };
      this.options.patchSetup(message.setup);
      text = JSON.stringify(message);
    }
    ws.send(text);
    this.sent++;
  }

  /** @internal Sends a client message the SDK has no method for. */
  sendJson(message: object): void {
    this.send(JSON.stringify(message));
  }

  /** True while the socket is open. */
  get isOpen(): boolean {
    return this.ws?.readyState === OPEN;
  }

  /**
   * @internal Whether the last connection ended other than by our own close answered in kind: the
   * service's close frame carries a reason of its own, or the connection failed (no clean close).
   */
  get endedByPeer(): boolean {
    const close = this.lastClose;
    if (!close) return false;
    if (close.code !== 1000 && close.code !== 1005) return true;
    return close.reason !== '' && close.reason !== this.closeReasonSent;
  }

  async *listen(): AsyncGenerator<unknown> {
    while (true) {
      if (this.failure) throw this.failure;
      const next = this.queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  close(code?: number, reason?: string): Promise<void> {
    const ws = this.ws;
    if (!ws || this.ended) return Promise.resolve();
    this.closeReasonSent = reason ?? '';
    return new Promise((resolve) => {
      ws.addEventListener('close', (() => resolve()) as (e: never) => void);
      try {
        ws.close(code, reason);
      } catch {
        resolve();
      }
    });
  }

  private onMessage(data: unknown): void {
    let text: string;
    if (typeof data === 'string') text = data;
    else if (data instanceof ArrayBuffer) text = decoder.decode(data);
    else if (ArrayBuffer.isView(data)) text = decoder.decode(data);
    else {
      this.failure = new LiveError('invalid-response', `The Live API sent a frame of an unexpected type (${typeof data}).`);
      this.notify();
      return;
    }
    try {
      this.queue.push(JSON.parse(text));
    } catch {
      this.failure = new LiveError('invalid-response', `The Live API sent a message that is not JSON: ${text.slice(0, 80)}`);
    }
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/** `wss://firebasevertexai.googleapis.com/ws/…?key=…` → `ws://127.0.0.1:5173/ws/…?key=…`. */
export function rewriteOrigin(url: string, origin: string): string {
  const from = new URL(url);
  const to = new URL(origin);
  to.protocol = to.protocol === 'https:' || to.protocol === 'wss:' ? 'wss:' : 'ws:';
  const base = to.pathname.replace(/\/+$/, '');
  return `${to.protocol}//${to.host}${base}${from.pathname}${from.search}`;
}

function redact(url: string): string {
  return url.replace(/([?&](?:key|access_token)=)[^&]+/, '$1…');
}

let nodeWebSocket: Promise<WebSocketConstructor> | null = null;

/** The global WebSocket, or (Node 20 has none) the `ws` package, loaded only when needed. */
async function defaultWebSocket(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global) return global;
  const name = 'ws'; // not a literal import: browser bundles must not pull the Node package in
  nodeWebSocket ??= import(/* @vite-ignore */ name).then(
    (mod: { WebSocket?: WebSocketConstructor; default?: WebSocketConstructor }) => {
      const Ctor = mod.WebSocket ?? mod.default;
      if (!Ctor) throw new Error('the ws package has no WebSocket export');
      return Ctor;
    },
    () => {
      throw new LiveError('unsupported', 'No WebSocket here: use a browser, Node 22+, or install the "ws" package (Node 20).');
    },
  );
  return nodeWebSocket;
}
