import type { RawData, WebSocket } from 'ws';
import { Resampler } from '../plugin/audio/dsp/resampler.js';
import { pcm16Base64ToFloat } from '../plugin/wire/pcm.js';
import { WireFormatError } from '../plugin/wire/wire-format-error.js';
import { admit, fingerprintOf } from './admission.js';
import { Brain } from './brain.js';
import { imageSize } from './image-size.js';
import { ModelTurn } from './model-turn.js';
import { type ClientMessage, CloseCode, closeReason, ProtocolError, parseClientMessage, type Setup } from './protocol.js';
import type { SessionContext, SessionCredentials } from './session-context.js';
import { espeakArgs } from './tts/voices.js';
import { EnergyVad, type VadEvent } from './vad.js';

export type { SessionContext, SessionCredentials } from './session-context.js';

const MIN_SPEECH_SECONDS = 0.12;
const MAX_TEXT = 8_000;

/**
 * One Live API connection. Parses every client message strictly (anything malformed closes this
 * session with 1007 and a reason; nothing thrown escapes to the server), runs voice activity
 * detection on the audio, asks the {@link Brain} what to say or call, and streams the answer.
 */
export class EmulatorSession {
  private setup: Setup | null = null;
  private brain: Brain | null = null;
  private voiceArgs: string[] = [];
  private vad: EnergyVad | null = null;
  private resamplers = new Map<number, Resampler>();
  private turn: ModelTurn | null = null;
  /** A user turn that ended while the model spoke with NO_INTERRUPTION: answered next. */
  private queued: (() => void) | null = null;
  private inActivity = false;
  private activityVoiced = 0;
  private promptAudioSeconds = 0;
  private promptText = '';
  private clientMessages = 0;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private userTurnEndedAt = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly ctx: SessionContext,
    private readonly credentials: SessionCredentials,
  ) {
    ctx.stats.sessionOpened();
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('close', (code) => this.onClosed(code));
    ws.on('error', (error) => ctx.log(`socket error: ${error.message}`));
    this.later(ctx.setupTimeoutMs, () => {
      if (!this.setup) this.close(CloseCode.InvalidArgument, `No setup message within ${ctx.setupTimeoutMs / 1000} s of connecting.`);
    });
    this.touch();
  }

  /** Closes with a code and a reason (idempotent). */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.shutdown();
    this.ctx.stats.closedWith(code);
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, closeReason(reason));
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    try {
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
      if (size > this.ctx.maxFrameBytes) {
        throw new ProtocolError(CloseCode.InvalidArgument, `Frame of ${size} bytes exceeds the limit of ${this.ctx.maxFrameBytes} bytes.`);
      }
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      void isBinary; // text and binary frames are both JSON (Unity sends binary)
      this.touch();
      // Counted before it is handled: a handle saved while handling it (or later) includes it.
      this.clientMessages++;
      this.handle(parseClientMessage(text));
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (error instanceof ProtocolError) this.close(error.code, error.message);
    else if (error instanceof WireFormatError) this.close(CloseCode.InvalidArgument, error.message);
    else {
      this.ctx.log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      this.close(CloseCode.Internal, `Internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private handle(msg: ClientMessage): void {
    if (!this.setup) {
      if (msg.kind !== 'setup') throw new ProtocolError(CloseCode.InvalidArgument, `The first message must be setup, not ${msg.kind}.`);
      this.begin(msg.setup);
      return;
    }
    switch (msg.kind) {
      case 'setup':
        throw new ProtocolError(CloseCode.InvalidArgument, 'setup may only be sent once per session.');
      case 'audio':
        this.onAudio(msg.base64, msg.rate);
        return;
      case 'video':
        this.onVideo(msg.mimeType, msg.base64);
        return;
      case 'text':
        this.onText(msg.text);
        return;
      case 'clientContent':
        this.promptText = (this.promptText + msg.text).slice(-MAX_TEXT);
        if (msg.turnComplete) this.onText(msg.text, true);
        return;
      case 'activityStart':
        this.requireManual('activityStart');
        if (!this.inActivity) {
          this.inActivity = true;
          this.activityVoiced = 0;
          this.userStartedSpeaking();
        }
        return;
      case 'activityEnd':
        this.requireManual('activityEnd');
        if (this.inActivity) {
          this.inActivity = false;
          this.userTurnEndedAt = performance.now();
          if (this.activityVoiced >= MIN_SPEECH_SECONDS) this.userFinishedSpeaking();
        }
        return;
      case 'audioStreamEnd':
        if (this.setup.activityDetection.disabled) {
          throw new ProtocolError(CloseCode.InvalidArgument, 'audioStreamEnd is only valid with automatic activity detection on.');
        }
        this.ctx.stats.audioStreamEnds++;
        this.vad?.flush((event) => this.onVad(event));
        return;
      case 'toolResponse':
        this.onToolResponse(msg.responses);
        return;
    }
  }

  private begin(setup: Setup): void {
    const { voice, restored } = admit(setup, this.credentials, this.ctx);
    this.setup = setup;
    this.ctx.stats.recordOptions(setup);
    this.brain = new Brain(setup.systemInstruction, setup.functions, restored);
    this.voiceArgs = espeakArgs(voice, setup.languageCode);
    if (!setup.activityDetection.disabled) this.vad = new EnergyVad(setup.activityDetection);
    this.send({ setupComplete: {} });
    this.updateResumption();
    this.prefetch();
    const lead = Math.min(this.ctx.goAwayLeadMs, this.ctx.lifetimeMs);
    this.later(this.ctx.lifetimeMs - lead, () => this.send({ goAway: { timeLeft: `${Math.round(lead / 1000)}s` } }));
    this.later(this.ctx.lifetimeMs, () =>
      this.close(CloseCode.Normal, 'Connection lifetime reached: reconnect with the last resumption handle.'),
    );
  }

  private onAudio(base64: string, rate: number): void {
    let samples = pcm16Base64ToFloat(base64);
    if (rate !== 16000) {
      let r = this.resamplers.get(rate);
      if (!r) {
        if (this.resamplers.size >= this.ctx.maxAudioRates) {
          throw new ProtocolError(
            CloseCode.InvalidArgument,
            `Too many audio input rates in one session: at most ${this.ctx.maxAudioRates} besides 16000 Hz (${rate} Hz after ${[...this.resamplers.keys()].join(', ')}).`,
          );
        }
        r = new Resampler(rate, 16000);
        this.resamplers.set(rate, r);
      }
      samples = r.process(samples);
    }
    const seconds = samples.length / 16000;
    this.ctx.stats.audioSeconds += seconds;
    if (this.vad) {
      if (this.vad.isSpeaking) this.promptAudioSeconds += seconds;
      this.vad.push(samples, (event) => this.onVad(event));
    } else if (this.inActivity) {
      this.promptAudioSeconds += seconds;
      let sum = 0;
      for (let i = 0; i < samples.length; i++) sum += (samples[i] as number) ** 2;
      if (10 * Math.log10(sum / Math.max(1, samples.length) + 1e-12) > EnergyVad.MIN_SPEECH_DB) this.activityVoiced += seconds;
    }
  }

  private onVad(event: VadEvent): void {
    if (event.type === 'speechStart') {
      this.userStartedSpeaking();
    } else {
      this.userTurnEndedAt = performance.now();
      if (event.speech >= MIN_SPEECH_SECONDS) this.userFinishedSpeaking();
    }
  }

  private userStartedSpeaking(): void {
    this.ctx.stats.speechTurns++;
    if (this.turn && this.setup?.activityHandling === 'START_OF_ACTIVITY_INTERRUPTS') {
      this.ctx.stats.interruptions++;
      this.turn.interrupt();
    }
    this.prefetch();
  }

  /** A speech turn ended: answer with the character's next line (no transcript: nothing was recognised). */
  private userFinishedSpeaking(): void {
    this.respond(() => {
      const turn = this.startTurn();
      this.say(turn, (this.brain as Brain).nextLine());
    });
  }

  private onText(text: string, fromClientContent = false): void {
    const trimmed = text.slice(0, MAX_TEXT);
    if (!fromClientContent) this.promptText = (this.promptText + trimmed).slice(-MAX_TEXT);
    this.ctx.stats.textTurns++;
    if (this.turn) {
      this.ctx.stats.interruptions++;
      this.turn.interrupt();
    }
    if (this.setup?.inputTranscription && trimmed) this.send({ serverContent: { inputTranscription: { text: trimmed, finished: true } } });
    this.userTurnEndedAt = performance.now();
    const brain = this.brain as Brain;
    const turn = this.startTurn();
    const plan = brain.planCall(trimmed);
    if (plan) {
      this.ctx.stats.toolCalls++;
      turn.callFunctions([{ id: `function-call-${Math.floor(Math.random() * 1e16)}`, name: plan.name, args: plan.args }]);
    } else {
      this.say(turn, brain.nextLine());
    }
  }

  private onToolResponse(responses: { id: string; name: string; response: Record<string, unknown> }[]): void {
    const turn = this.turn;
    const answered = responses.filter((r) => turn?.resolveCall(r.id));
    this.ctx.stats.unknownToolResponses += responses.length - answered.length;
    if (!turn || answered.length === 0 || turn.pendingCalls.size > 0) return;
    const brain = this.brain as Brain;
    this.say(turn, answered.map((r) => brain.lineForResult(r.name, r.response)).join(' '));
  }

  private onVideo(mimeType: string, base64: string): void {
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.length === 0 || bytes.toString('base64').replace(/=+$/, '') !== base64.replace(/=+$/, '')) {
      throw new ProtocolError(CloseCode.InvalidArgument, 'realtimeInput.video data is not valid base64.');
    }
    const magic: Record<string, (b: Buffer) => boolean> = {
      'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8,
      'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
      'image/webp': (b) => b.toString('ascii', 0, 4) === 'RIFF' && b.toString('ascii', 8, 12) === 'WEBP',
    };
    if (!magic[mimeType]?.(bytes))
      throw new ProtocolError(CloseCode.InvalidArgument, `realtimeInput.video data is not a ${mimeType} image.`);
    const size = imageSize(mimeType, bytes);
    this.ctx.stats.recordVideoFrame({ mimeType, bytes: bytes.length, width: size?.width ?? null, height: size?.height ?? null });
  }

  /** Runs `answer` now, or after the current turn when the model must not be interrupted. */
  private respond(answer: () => void): void {
    if (this.turn && !this.turn.isFinished) {
      this.queued = answer;
      return;
    }
    answer();
  }

  private startTurn(): ModelTurn {
    const turn = new ModelTurn(
      {
        send: (m) => this.send(m),
        ended: (t, how) => {
          if (this.turn === t) this.turn = null;
          if (t.firstAudioAt !== null && this.userTurnEndedAt > 0) this.ctx.stats.recordFirstAudio(t.firstAudioAt - this.userTurnEndedAt);
          this.promptAudioSeconds = 0;
          this.promptText = '';
          if (how === 'complete') this.updateResumption();
          this.prefetch();
          const next = this.queued;
          this.queued = null;
          if (next && !this.closed) next();
        },
      },
      this.ctx.timing,
      { promptAudioSeconds: this.promptAudioSeconds, promptText: this.promptText },
    );
    this.turn = turn;
    return turn;
  }

  private say(turn: ModelTurn, line: string): void {
    const setup = this.setup as Setup;
    if (setup.responseModality === 'TEXT') {
      turn.speak(line, null, { transcription: false });
      return;
    }
    this.ctx.tts.synthesize(line, this.voiceArgs).then(
      (speech) => {
        if (!this.closed && !turn.isFinished) turn.speak(line, speech, { transcription: setup.outputTranscription });
      },
      (error: unknown) =>
        this.close(CloseCode.Internal, `Speech synthesis failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /** Synthesises the next line ahead of time (the brain knows it), so replies start at once. */
  private prefetch(): void {
    if (!this.brain || this.setup?.responseModality === 'TEXT') return;
    this.ctx.tts.synthesize(this.brain.peekLine(), this.voiceArgs).catch(() => {});
  }

  private updateResumption(): void {
    const r = this.setup?.resumption;
    if (!r || !this.brain || !this.setup) return;
    const newHandle = this.ctx.store.save({ brain: this.brain.snapshot(), fingerprint: fingerprintOf(this.setup) });
    this.send({
      sessionResumptionUpdate: {
        newHandle,
        resumable: true,
        ...(r.transparent ? { lastConsumedClientMessageIndex: String(this.clientMessages - 1) } : {}),
      },
    });
  }

  private requireManual(what: string): void {
    if (!this.setup?.activityDetection.disabled) {
      throw new ProtocolError(CloseCode.InvalidArgument, `${what} is only valid when automaticActivityDetection is disabled.`);
    }
  }

  private send(message: object): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.ctx.maxBufferedBytes) {
      this.close(CloseCode.Internal, 'Client is not reading its messages: too much queued.');
      return;
    }
    // Binary frames of UTF-8 JSON: what the service sends, and what every client accepts.
    this.ws.send(Buffer.from(JSON.stringify(message)), { binary: true });
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(
      () => this.close(CloseCode.Internal, `Deadline expired: no client message for ${this.ctx.idleTimeoutMs / 1000} s.`),
      this.ctx.idleTimeoutMs,
    );
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(timer);
  }

  private onClosed(code: number): void {
    if (!this.closed) {
      this.closed = true;
      this.ctx.stats.closedWith(code);
    }
    this.shutdown();
    this.ctx.stats.sessionClosed();
  }

  private shutdown(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.turn?.dispose();
    this.turn = null;
    this.queued = null;
  }
}
