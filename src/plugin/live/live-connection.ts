import type { FunctionResponse, LiveSession } from 'firebase/ai';
import { NpcVoiceError } from '../errors.js';
import { TypedEmitter } from '../events.js';
import { floatToPcm16Base64 } from '../wire/pcm.js';
import { realtimeAudioMessage } from '../wire/realtime-audio.js';
import { Backoff } from './backoff.js';
import { InputBacklog } from './input-backlog.js';
import type { LiveConnectionEvents, LiveConnectionOptions, LiveConnectionState, OutgoingAudio } from './live-connection-events.js';
import { errorForClose, isRefusedHandle, LiveError, toLiveError } from './live-errors.js';
import { type ServerMessage, ServerMessageReader } from './server-messages.js';
import type { LiveSocket } from './socket.js';
import { untilBack } from './until-back.js';

export type {
  LiveConnectionEvents,
  LiveConnectionOptions,
  LiveConnectionState,
  OutgoingAudio,
} from './live-connection-events.js';
export { LiveConnectionEvent } from './live-connection-events.js';

/** After the player's last word, the service needs its silence window plus a moment to answer. */
const QUIET_AFTER_SPEECH_MS = 2500;

/**
 * One Live API conversation over firebase/ai that survives the real world: typed events for
 * everything the service says, `sendAudio` from Float32 at 16 kHz, and — on `goAway` or a dropped
 * connection — a reconnect with the latest resumption handle (capped exponential backoff), holding
 * the player's audio meanwhile. Close codes become {@link LiveError}s a person can act on.
 *
 * @example
 * ```ts
 * const live = new LiveConnection({ model: createLiveModel({ backend: 'emulator' }), params: { systemInstruction } });
 * live.on('audio', ({ samples }) => voice.enqueue(samples));
 * await live.connect();
 * live.sendAudio(chunk16k);
 * ```
 */
export class LiveConnection extends TypedEmitter<LiveConnectionEvents> {
  private current: { session: LiveSession; socket: LiveSocket } | null = null;
  private stateValue: LiveConnectionState = 'idle';
  private handle: string | null;
  private closing = false;
  private goAwayTimer: ReturnType<typeof setTimeout> | null = null;
  /** The wait between reconnect attempts (close() cuts it short). */
  private readonly backoff = new Backoff();
  /** Turns server messages into events, and knows whether a model turn is under way. */
  private readonly reader = new ServerMessageReader({
    emit: (event, payload) => this.emit(event, payload),
    goAway: (timeLeftSeconds) => this.onGoAway(timeLeftSeconds),
    newHandle: (handle) => {
      this.handle = handle;
    },
  });
  /** When a goAway's switch must happen by (0: none pending). */
  private switchDeadline = 0;
  /** Date.now() of the last microphone chunk with a voice in it. */
  private lastVoicedAt = 0;
  private generation = 0;
  /** The open under way (connect() again while connecting returns it). */
  private opening: Promise<void> | null = null;
  /** Input held while the connection is away, and the audio just sent on it. */
  private readonly backlog: InputBacklog;
  private readonly opts: Required<Omit<LiveConnectionOptions, 'resumeHandle'>>;

  constructor(options: LiveConnectionOptions) {
    super();
    this.opts = {
      maxReconnectAttempts: 6,
      reconnectDelayMs: 250,
      maxReconnectDelayMs: 8000,
      holdAudioMs: 5000,
      unconfirmedAudioMs: 1000,
      ...options,
    };
    this.handle = options.resumeHandle ?? null;
    this.backlog = new InputBacklog(this.opts.holdAudioMs, this.opts.unconfirmedAudioMs);
  }

  get state(): LiveConnectionState {
    return this.stateValue;
  }

  /** The latest resumption handle: pass it as `resumeHandle` to continue this conversation later. */
  get resumptionHandle(): string | null {
    return this.handle;
  }

  /**
   * Opens the session; while an open or a reconnect is under way (a connection prepared ahead of
   * time), waits for that one; when already open, resolves at once. A resumption handle the service refuses is
   * given up (a `resumable` event with `handle: null`) and a new session is opened instead.
   * Resolves with the state `closed` when {@link close} is called meanwhile.
   * @throws {@link LiveError} with the service's reason when it refuses (bad key, unknown model, …).
   */
  connect(): Promise<void> {
    if (this.stateValue === 'connecting' && this.opening) return this.opening;
    if (this.stateValue === 'open') return Promise.resolve();
    if (this.stateValue === 'reconnecting') return untilBack(this);
    if (this.stateValue !== 'idle') return Promise.reject(new NpcVoiceError('invalid-state', `connect() called while ${this.stateValue}.`));
    this.setState('connecting');
    this.opening = this.firstOpen().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private async firstOpen(): Promise<void> {
    try {
      if (!(await this.openOrForgetHandle())) return; // closed meanwhile
    } catch (error) {
      if (this.closing) return; // closed on purpose while the service was refusing
      const live = toLiveError(error);
      this.setState('closed');
      throw live;
    }
    this.setState('open');
    this.flushHeld();
  }

  /** Opens with the handle; if the service refuses the handle, once more as a new session. */
  private async openOrForgetHandle(): Promise<boolean> {
    try {
      return await this.open(this.handle);
    } catch (error) {
      const live = toLiveError(error);
      if (!this.handle || !isRefusedHandle(live) || this.closing) throw live;
      this.forgetHandle();
      return await this.open(null);
    }
  }

  /** A handle the service no longer knows (it restarted, two hours passed, the persona changed). */
  private forgetHandle(): void {
    this.handle = null;
    this.emit('resumable', { handle: null, resumable: false });
  }

  /**
   * Sends 16 kHz mono audio (held while reconnecting). Pass a chunk with `voiced` (a `MicChunk`)
   * and a `goAway` switch waits for the player to be quiet; plain samples count as quiet.
   */
  sendAudio(audio: Float32Array | OutgoingAudio): void {
    const samples = audio instanceof Float32Array ? audio : audio.samples;
    if (!(audio instanceof Float32Array) && audio.voiced) this.lastVoicedAt = Date.now();
    this.sendSamples(samples);
  }

  private sendSamples(samples: Float32Array): void {
    if (this.stateValue === 'reconnecting' || this.stateValue === 'connecting') {
      this.hold(samples);
      return;
    }
    if (this.stateValue !== 'open' || !this.current) {
      if (samples.length > 0) this.emit('audioDropped', { samples: samples.length, reason: `the connection is ${this.stateValue}` });
      return;
    }
    if (!this.current.socket.isOpen) {
      // The socket closed under us and the receive loop has not noticed yet: the reconnect that
      // follows sends it (or close() reports it dropped).
      this.hold(samples);
      return;
    }
    this.current.socket.send(realtimeAudioMessage(floatToPcm16Base64(samples)));
    this.backlog.noteSent(samples.length, Date.now());
  }

  /**
   * Sends a typed line as a complete user turn (it interrupts the model, as speech would); while
   * connecting or reconnecting it is held and sent once the connection is back.
   */
  sendText(text: string): void {
    if (this.stateValue === 'connecting' || this.stateValue === 'reconnecting' || (this.current && !this.current.socket.isOpen)) {
      this.backlog.holdMessage({ text });
      return;
    }
    this.requireOpen('sendText');
    this.reader.modelTurnActive = true; // a reply is coming: not a moment to switch connections
    this.current?.session.send(text, true).catch((e: unknown) => this.report(toLiveError(e)));
  }

  /** Answers function calls (held while reconnecting, sent once the connection is back). */
  sendToolResponses(responses: FunctionResponse[]): void {
    if (this.stateValue === 'connecting' || this.stateValue === 'reconnecting' || (this.current && !this.current.socket.isOpen)) {
      this.backlog.holdMessage({ responses });
      return;
    }
    if (this.stateValue !== 'open' || !this.current) return; // a closed session has nobody to answer
    this.current.session.sendFunctionResponses(responses).catch((e: unknown) => this.report(toLiveError(e)));
  }

  /** Push-to-talk: the player starts speaking (needs automatic activity detection disabled). */
  activityStart(): void {
    this.requireOpen('activityStart');
    this.current?.socket.sendJson({ realtimeInput: { activityStart: {} } });
  }

  /** Push-to-talk: the player stopped speaking; the model answers now. */
  activityEnd(): void {
    this.requireOpen('activityEnd');
    this.reader.modelTurnActive = true;
    this.current?.socket.sendJson({ realtimeInput: { activityEnd: {} } });
  }

  /** Open mic: the microphone stopped (muted, tab hidden); flushes the pending turn. */
  audioStreamEnd(): void {
    if (this.stateValue !== 'open') return;
    this.current?.socket.sendJson({ realtimeInput: { audioStreamEnd: true } });
  }

  /** Sends one JPEG frame (base64) as realtime video input. */
  sendVideoFrame(base64Jpeg: string): void {
    if (this.stateValue !== 'open' || !this.current) return;
    this.current.session.sendVideoRealtime({ mimeType: 'image/jpeg', data: base64Jpeg }).catch(() => {});
  }

  /** Closes for good (no reconnect). Idempotent. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.clearGoAway();
    this.backoff.wake();
    const current = this.current;
    this.current = null;
    const held = this.backlog.discard();
    if (held > 0) this.emit('audioDropped', { samples: held, reason: 'held while reconnecting; the connection closed before it was back' });
    this.setState('closed');
    if (!current) return;
    // Ended by the service or the network before (or while) we closed: what was sent last may be lost.
    const endedUnderUs = !current.socket.isOpen;
    await current.session.close().catch(() => {});
    if (endedUnderUs || current.socket.endedByPeer) this.reportUnconfirmed();
  }

  /** Same as {@link close}, and forgets listeners. */
  async destroy(): Promise<void> {
    await this.close();
    this.removeAllListeners();
  }

  /** Opens a session; false (and the session closed) when {@link close} was called meanwhile. */
  private async open(handle: string | null): Promise<boolean> {
    const opened = await this.opts.model.open({ ...this.opts.params, sessionResumption: handle ? { handle } : {} });
    if (this.closing) {
      await opened.session.close().catch(() => {});
      return false;
    }
    const generation = ++this.generation;
    this.current = opened;
    this.backlog.forgetSent();
    void this.receive(opened, generation);
    return true;
  }

  private async receive(opened: { session: LiveSession; socket: LiveSocket }, generation: number): Promise<void> {
    let failure: LiveError | null = null;
    try {
      for await (const message of opened.session.receive()) {
        if (generation !== this.generation) return; // replaced by a newer connection
        this.reader.read(message as ServerMessage);
      }
    } catch (error) {
      failure = toLiveError(error);
    }
    if (generation !== this.generation || this.closing) return;
    this.reportUnconfirmed();
    const close = opened.socket.lastClose;
    const closeError = close ? errorForClose(close.code, close.reason) : null;
    const fatal = closeError && ['invalid-request', 'invalid-api-key', 'model-not-found', 'quota-exceeded'].includes(closeError.code);
    if (fatal && closeError) {
      const closed = this.close(); // the state is `closed` before anyone hears why
      this.report(closeError);
      await closed;
      return;
    }
    // Worth retrying (network, internal error, lifetime reached): say what happened, then resume.
    if (closeError ?? failure) this.report((closeError ?? failure) as LiveError);
    void this.reconnect(closeError ?? failure);
  }

  /**
   * The service will close soon: move to a fresh connection (same conversation, through the
   * resumption handle) at the next quiet moment — nobody speaking, no reply under way — and at the
   * latest just before the deadline. Audio captured during the switch is held and sent after it.
   */
  private onGoAway(timeLeftSeconds: number): void {
    this.emit('goAway', { timeLeftSeconds });
    if (this.switchDeadline !== 0) return;
    this.switchDeadline = Date.now() + Math.max(0, timeLeftSeconds * 1000 - 500);
    const check = () => {
      this.goAwayTimer = null;
      if (this.closing || this.stateValue !== 'open') return;
      if (this.isQuiet() || Date.now() >= this.switchDeadline) {
        void this.reconnect(null);
        return;
      }
      this.goAwayTimer = setTimeout(check, 100);
    };
    check();
  }

  /** No model turn under way and the player silent long enough for the service to have answered. */
  private isQuiet(): boolean {
    return !this.reader.modelTurnActive && Date.now() - this.lastVoicedAt > QUIET_AFTER_SPEECH_MS;
  }

  private async reconnect(cause: LiveError | null): Promise<void> {
    if (this.closing || this.stateValue === 'reconnecting') return;
    this.clearGoAway();
    this.switchDeadline = 0;
    this.reader.modelTurnActive = false;
    const old = this.current;
    this.current = null;
    this.generation++; // the old receive loop ignores whatever still arrives
    this.setState('reconnecting');
    if (old) void old.session.close().catch(() => {});
    let last: LiveError | null = cause;
    for (let attempt = 0; attempt < this.opts.maxReconnectAttempts && !this.closing; attempt++) {
      if (attempt > 0) await this.backoff.wait(Math.min(this.opts.maxReconnectDelayMs, this.opts.reconnectDelayMs * 2 ** (attempt - 1)));
      if (this.closing) return;
      try {
        if (!(await this.open(this.handle))) return; // closed meanwhile
        this.setState('open');
        this.flushHeld();
        return;
      } catch (error) {
        last = toLiveError(error);
        // A refused resume is most likely a handle the service no longer knows (it restarted, or
        // two hours passed): continue as a new session rather than not at all.
        if (this.handle && isRefusedHandle(last)) {
          this.forgetHandle();
          attempt--;
        } else if (['invalid-api-key', 'model-not-found', 'quota-exceeded'].includes(last.code)) {
          break;
        }
      }
    }
    if (this.closing) return;
    const error = new LiveError(
      'reconnect-failed',
      `Lost the Live API connection and could not reconnect after ${this.opts.maxReconnectAttempts} attempts${last ? `: ${last.message}` : '.'}`,
      { cause: last },
    );
    this.report(error);
    await this.close();
  }

  private hold(samples: Float32Array): void {
    const dropped = this.backlog.holdAudio(samples);
    if (dropped > 0)
      this.emit('audioDropped', { samples: dropped, reason: `more than ${this.opts.holdAudioMs} ms captured while reconnecting` });
  }

  private flushHeld(): void {
    const { messages, audio } = this.backlog.take();
    for (const m of messages) {
      if ('text' in m) this.sendText(m.text);
      else this.sendToolResponses(m.responses);
    }
    for (const chunk of audio) this.sendSamples(chunk);
  }

  /** The connection failed under us: what was sent on it just before may never have arrived. */
  private reportUnconfirmed(): void {
    const samples = this.backlog.takeUnconfirmed(Date.now());
    if (samples > 0)
      this.emit('audioDropped', { samples, reason: 'sent just before the connection failed; the service may not have heard it' });
  }

  private requireOpen(what: string): void {
    if (this.stateValue !== 'open')
      throw new NpcVoiceError('invalid-state', `${what}() needs an open connection (it is ${this.stateValue}).`);
  }

  private report(error: LiveError): void {
    this.emit('error', { error });
  }

  private setState(state: LiveConnectionState): void {
    if (state === this.stateValue) return;
    const previous = this.stateValue;
    this.stateValue = state;
    this.emit('stateChange', { state, previous });
  }

  private clearGoAway(): void {
    if (this.goAwayTimer) clearTimeout(this.goAwayTimer);
    this.goAwayTimer = null;
  }
}
