import { createHash } from 'node:crypto';
import WebSocket, { type RawData } from 'ws';

/** What one relayed session needs from its relay. */
export interface RelayedSessionOptions {
  /** `ws(s)://host/path?key=…` of the upstream Live endpoint (never logged). */
  upstreamUrl: string;
  /** Client → relay close code and reason when the first frame is not a token within this long. */
  tokenTimeoutMs: number;
  /** No frame either way for this long closes both sides. */
  idleTimeoutMs: number;
  /** Stop reading a side while the other has this much unsent (backpressure). */
  highWaterBytes: number;
  /** Close the session when a side cannot take this much: it has stopped reading. */
  maxBufferedBytes: number;
  /** Largest frame taken from upstream. */
  maxUpstreamFrameBytes: number;
  /** Takes a place for this token (a digest of it); false when the token has its cap. */
  admitToken(digest: string): boolean;
  /** Called once when the session has ended, with the token digest if one was admitted. */
  onEnd(digest: string | null, code: number): void;
}

/** Relay close codes: 1008 for a refused token, 1013 for caps and stalls, 1011 when upstream fails. */
export const RelayClose = { Normal: 1000, Policy: 1008, Internal: 1011, TryAgainLater: 1013 } as const;

const TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const MAX_TOKEN_FRAME = 8192;
/** Client frames held while the upstream handshake runs (the setup message, early audio). */
const MAX_EARLY_BYTES = 2 * 1024 * 1024;

/**
 * One browser ⇄ Live API session through the relay. The browser's first frame is
 * `{"appCheck":"<token>"}`; the relay then opens the upstream socket with the token in the
 * `X-Firebase-AppCheck` header and pipes every later frame both ways as it came (text or binary,
 * never decoded), pausing the reading side while the other side's send buffer is over its mark.
 */
export class RelayedSession {
  private upstream: WebSocket | null = null;
  private early: { data: RawData; binary: boolean }[] = [];
  private earlyBytes = 0;
  private digest: string | null = null;
  private ended = false;
  private lastActivity = Date.now();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly toUpstreamSent: (error?: Error) => void;
  private readonly toClientSent: (error?: Error) => void;

  constructor(
    private readonly client: WebSocket,
    private readonly opts: RelayedSessionOptions,
  ) {
    // One callback per direction, made once: resumes the reader when the writer has drained.
    this.toUpstreamSent = () => this.drained(this.client, this.upstream);
    this.toClientSent = () => this.drained(this.upstream, this.client);
    client.on('message', (data, binary) => this.fromClient(data, binary));
    client.on('close', (code) => this.end(code, ''));
    client.on('error', () => this.end(RelayClose.Internal, 'Client socket error.'));
    this.later(opts.tokenTimeoutMs, () => {
      if (!this.digest) this.end(RelayClose.Policy, 'No App Check token: send {"appCheck": "<token>"} as the first frame.');
    });
    this.watchIdle();
  }

  private fromClient(data: RawData, binary: boolean): void {
    if (this.ended) return;
    this.lastActivity = Date.now();
    if (!this.digest) {
      this.takeToken(data);
      return;
    }
    const upstream = this.upstream;
    if (upstream && upstream.readyState === WebSocket.OPEN) {
      this.forward(data, binary, upstream, this.client, this.toUpstreamSent);
      return;
    }
    this.earlyBytes += byteLength(data);
    if (this.earlyBytes > MAX_EARLY_BYTES) {
      this.end(RelayClose.TryAgainLater, 'Too much sent before the Live API answered.');
      return;
    }
    this.early.push({ data, binary });
  }

  /** The first frame: `{"appCheck":"<JWT>"}` and nothing else; anything other closes the session. */
  private takeToken(data: RawData): void {
    const token = tokenOf(data);
    if (!token) {
      this.end(RelayClose.Policy, 'App Check token missing or malformed: send {"appCheck": "<token>"} as the first frame.');
      return;
    }
    const digest = createHash('sha256').update(token).digest('base64url');
    if (!this.opts.admitToken(digest)) {
      this.end(RelayClose.TryAgainLater, 'Too many sessions for this app instance: close one first.');
      return;
    }
    this.digest = digest;
    const upstream = new WebSocket(this.opts.upstreamUrl, {
      headers: { 'X-Firebase-AppCheck': token },
      perMessageDeflate: false,
      maxPayload: this.opts.maxUpstreamFrameBytes,
      handshakeTimeout: 15_000,
    });
    this.upstream = upstream;
    upstream.on('open', () => {
      for (const { data: frame, binary } of this.early) this.forward(frame, binary, upstream, this.client, this.toUpstreamSent);
      this.early = [];
      this.earlyBytes = 0;
    });
    upstream.on('message', (frame, binary) => {
      if (this.ended) return;
      this.lastActivity = Date.now();
      this.forward(frame, binary, this.client, upstream, this.toClientSent);
    });
    upstream.on('unexpected-response', (_req, res) => {
      this.end(RelayClose.Internal, `The Live API refused the connection (HTTP ${res.statusCode}).`);
    });
    upstream.on('close', (code, reason) => this.end(code, reason.toString()));
    // Error messages can carry the upstream URL and its key: say only that it failed.
    upstream.on('error', () => this.end(RelayClose.Internal, 'Could not reach the Live API.'));
  }

  private forward(data: RawData, binary: boolean, to: WebSocket, from: WebSocket, sent: (error?: Error) => void): void {
    to.send(data as Buffer, { binary }, sent);
    const buffered = to.bufferedAmount;
    if (buffered > this.opts.maxBufferedBytes) {
      this.end(RelayClose.TryAgainLater, 'A side of the relay stopped reading.');
    } else if (buffered > this.opts.highWaterBytes && !from.isPaused) {
      from.pause();
    }
  }

  private drained(reader: WebSocket | null, writer: WebSocket | null): void {
    if (reader?.isPaused && writer && writer.bufferedAmount <= this.opts.highWaterBytes / 2) reader.resume();
  }

  private watchIdle(): void {
    const check = () => {
      const quiet = Date.now() - this.lastActivity;
      if (quiet >= this.opts.idleTimeoutMs) this.end(RelayClose.Internal, 'Relay idle timeout.');
      else this.later(this.opts.idleTimeoutMs - quiet, check);
    };
    this.later(this.opts.idleTimeoutMs, check);
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  /** Ends both sides once, passing the first close code and reason on to the other side. */
  private end(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.early = [];
    const sendable = sendableCode(code);
    closeSocket(this.client, sendable, reason);
    if (this.upstream) closeSocket(this.upstream, sendable === RelayClose.Policy ? RelayClose.Normal : sendable, '');
    this.opts.onEnd(this.digest, code);
  }
}

function tokenOf(data: RawData): string | null {
  if (byteLength(data) > MAX_TOKEN_FRAME) return null;
  try {
    const frame: unknown = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8'));
    if (typeof frame !== 'object' || frame === null || Object.keys(frame).length !== 1) return null;
    const token = (frame as { appCheck?: unknown }).appCheck;
    return typeof token === 'string' && TOKEN.test(token) ? token : null;
  } catch {
    return null;
  }
}

function byteLength(data: RawData): number {
  return Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
}

/** 1005 / 1006 / 1015 describe a close but cannot be sent; pass on their meaning instead. */
function sendableCode(code: number): number {
  if (code === 1005) return RelayClose.Normal;
  if (code === 1006 || code === 1015) return RelayClose.Internal;
  if ((code >= 1000 && code <= 1014 && code !== 1004) || (code >= 3000 && code <= 4999)) return code;
  return RelayClose.Internal;
}

function closeSocket(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === WebSocket.OPEN) ws.close(code, reason);
  else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
}
