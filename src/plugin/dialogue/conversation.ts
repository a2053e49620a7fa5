import type { FunctionCall } from 'firebase/ai';
import { NpcVoiceError } from '../errors.js';
import { type Subscription, TypedEmitter } from '../events.js';
import type { LiveConnectionEvents } from '../live/live-connection.js';
import type { LiveError } from '../live/live-errors.js';
import { ActionRunner } from './actions.js';
import { type ConversationState, ConversationStateMachine } from './conversation-state.js';
import type {
  ConversationEvents,
  ConversationMode,
  ConversationOptions,
  LiveLink,
  SpokenChunk,
  TranscriptEntry,
  VoiceOutput,
} from './conversation-types.js';
import { type NpcDefinition, validateNpc } from './npc.js';
import { PlayerTranscript } from './player-transcript.js';
import { GREETING_CUE } from './session-params.js';
import { SubtitleTrack } from './subtitles.js';

export type { ConversationState } from './conversation-state.js';
export {
  ConversationEvent,
  type ConversationEvents,
  type ConversationMode,
  type ConversationOptions,
  type LiveLink,
  type SpokenChunk,
  type TranscriptEntry,
  type VoiceOutput,
} from './conversation-types.js';
export { GREETING_CUE, sessionParamsFor } from './session-params.js';

/** Voiced chunks in a row that make the player "speaking". */
const SPEECH_FRAMES_TO_START = 2;
const SILENCE_MS_TO_END = 600;
const THINKING_TIMEOUT_MS = 5000;

/**
 * One conversation with one NPC, as an explicit state machine:
 * `idle → connecting → listening ⇄ userSpeaking → thinking → speaking → (interrupted) → listening … → ended | error`.
 *
 * It feeds the voice from the Live connection, reveals subtitles by playback position, runs the
 * NPC's actions for function calls, keeps the history, and sends the microphone (all of it in open
 * mic, while the talk key is held in push-to-talk). The plugin calls {@link update} every frame.
 *
 * @example
 * ```ts
 * const talk = new Conversation({ npc, live, voice, mode: 'open-mic' });
 * talk.on('subtitle', ({ text }) => bubble.setText(text));
 * await talk.start();
 * // each frame: uplink.pump(now, (chunk) => talk.pushAudio(chunk)); talk.update();
 * ```
 */
export class Conversation extends TypedEmitter<ConversationEvents> {
  readonly npc: NpcDefinition;
  readonly mode: ConversationMode;
  private readonly machine = new ConversationStateMachine((state, previous) => this.emit('state', { state, previous }));
  private readonly live: LiveLink;
  private readonly voice: VoiceOutput;
  private readonly actions: ActionRunner;
  private readonly subtitles = new SubtitleTrack();
  private readonly subs: Subscription[] = [];
  private readonly historyList: TranscriptEntry[];
  private readonly greet: boolean;
  private readonly now: () => number;
  private chunkStart = 0;
  private npcText = '';
  private turnDone = false;
  private audioThisTurn = false;
  /** Speech was queued since the voice was last told its utterance ended (or was cleared). */
  private voiceOpen = false;
  private talking = false;
  private voicedRun = 0;
  private lastVoiced = 0;
  private thinkingSince = 0;
  private greeting = false;
  private starting = false; // start() waits for the connection: it, not the reconnect handler, goes on once open
  /** The player's line so far, and the lines they typed (a transcription of them coming back is not a new line). */
  private readonly player = new PlayerTranscript();

  constructor(options: ConversationOptions) {
    super();
    validateNpc(options.npc);
    this.npc = options.npc;
    this.live = options.live;
    this.voice = options.voice;
    this.mode = options.mode ?? 'open-mic';
    this.greet = options.greet ?? true;
    this.historyList = [...(options.history ?? [])];
    this.now = options.now ?? (() => performance.now());
    this.actions = new ActionRunner(options.npc.id, options.npc.actions ?? {});
  }

  get state(): ConversationState {
    return this.machine.state;
  }

  /** Every complete line so far, oldest first (earlier conversations with this NPC included). */
  get history(): readonly TranscriptEntry[] {
    return this.historyList;
  }

  /** True while the player holds the talk key (push-to-talk). */
  get isTalking(): boolean {
    return this.talking;
  }

  /**
   * Connects and, unless `greet: false`, lets the NPC greet the player.
   * @throws the live layer's {@link LiveError} when the service refuses.
   */
  async start(): Promise<void> {
    if (!this.machine.can('connecting') || this.state !== 'idle') {
      throw new NpcVoiceError('invalid-state', `start() called on a conversation that is ${this.state}.`);
    }
    this.machine.go('connecting');
    this.listen();
    this.starting = true;
    try {
      // A connection opened ahead of time (the player was approaching) is used as it is.
      if (this.live.state !== 'open') await this.live.connect();
    } catch (error) {
      if (this.machine.state !== 'ended') this.fail(error as NpcVoiceError);
      throw error;
    } finally {
      this.starting = false;
    }
    if (this.machine.state !== 'connecting') return; // ended while connecting
    if (this.greet) {
      this.greeting = true;
      this.live.sendText(GREETING_CUE);
      this.machine.go('thinking');
      this.thinkingSince = this.now();
    } else {
      this.machine.go('listening');
    }
  }

  /**
   * Offers a 20 ms chunk of 16 kHz microphone audio (each frame, as the microphone path lets it
   * through). Open mic sends everything; push-to-talk only while the key is held.
   */
  pushAudio(chunk: SpokenChunk): void {
    if (this.machine.state === 'connecting' && this.mode === 'open-mic') {
      // The microphone opened before the socket: the connection holds it (bounded) until it is open.
      this.live.sendAudio(chunk);
      return;
    }
    if (!this.isLive()) return;
    if (this.mode === 'push-to-talk') {
      if (this.talking) this.live.sendAudio(chunk);
      return;
    }
    this.live.sendAudio(chunk);
    this.followSpeech(chunk.voiced);
  }

  /** Push-to-talk: the player pressed the talk key. Interrupts the NPC at once. */
  pressTalk(): void {
    if (this.mode !== 'push-to-talk' || this.talking || !this.isLive()) return;
    this.talking = true;
    if (this.machine.state === 'speaking') this.interruptLocally();
    this.live.activityStart();
    this.machine.tryGo('userSpeaking');
  }

  /** Push-to-talk: released; the NPC answers. */
  releaseTalk(): void {
    if (!this.talking) return;
    this.talking = false;
    if (!this.isLive()) return;
    this.live.activityEnd();
    this.machine.tryGo('thinking');
    this.thinkingSince = this.now();
  }

  /** The player typed a line (works in every mode, with or without a microphone). */
  sendText(text: string): void {
    const line = text.trim();
    if (!line) return;
    if (!this.isLive()) throw new NpcVoiceError('invalid-state', `Cannot send text while the conversation is ${this.machine.state}.`);
    if (this.machine.state === 'speaking') this.interruptLocally();
    this.live.sendText(line);
    this.player.typed(line);
    this.addHistory('player', line);
    this.emit('transcript', { speaker: 'player', text: line, final: true });
    this.machine.tryGo('thinking');
    this.thinkingSince = this.now();
  }

  /**
   * The microphone stopped (tab hidden, device lost): in open mic the service is told the audio
   * stream ended, so a turn in progress is answered instead of waiting; a held talk key is released.
   */
  pauseMicrophone(): void {
    if (!this.isLive()) return;
    if (this.mode === 'push-to-talk') this.releaseTalk();
    else this.live.audioStreamEnd();
  }

  /** Per frame: subtitles by playback position, speaking → listening when the voice is done. */
  update(): void {
    if (this.machine.state === 'ended' || this.machine.state === 'idle') return;
    this.voice.update();
    const cue = this.subtitles.update(this.voice.consumedFrames);
    if (cue) this.emit('subtitle', cue);
    const t = this.now();
    if (this.machine.state === 'speaking' && this.turnDone && this.voice.state === 'idle' && this.voice.bufferedMs === 0) {
      this.finishNpcLine();
      this.machine.tryGo(this.live.state === 'reconnecting' ? 'connecting' : 'listening');
    } else if (this.machine.state === 'interrupted') {
      this.machine.tryGo(this.talking || t - this.lastVoiced < SILENCE_MS_TO_END ? 'userSpeaking' : 'listening');
    } else if (this.machine.state === 'thinking' && t - this.thinkingSince > THINKING_TIMEOUT_MS && this.actions.pendingCount === 0) {
      // The service did not take that as a turn (a cough, a click): back to listening.
      this.machine.tryGo('listening');
    } else if (this.machine.state === 'userSpeaking' && this.mode === 'open-mic' && t - this.lastVoiced > SILENCE_MS_TO_END) {
      this.machine.tryGo('thinking');
      this.thinkingSince = t;
    }
  }

  /** Ends the conversation: closes the session, silences the voice, aborts running actions. */
  async end(): Promise<void> {
    if (this.machine.state === 'ended') return;
    this.actions.cancelAll();
    this.voice.clear();
    this.voiceOpen = false;
    this.finishNpcLine();
    this.machine.go('ended');
    for (const sub of this.subs.splice(0)) sub.close();
    await this.live.close();
  }

  /** Ends and forgets listeners. */
  async destroy(): Promise<void> {
    await this.end();
    this.removeAllListeners();
  }

  private listen(): void {
    const on = <K extends keyof LiveConnectionEvents>(event: K, handler: (p: LiveConnectionEvents[K]) => void) =>
      this.subs.push(this.live.on(event, handler));
    on('audio', ({ samples }) => this.onAudio(samples));
    on('outputTranscript', ({ text }) => {
      this.closeFinishedLine();
      this.npcText += text;
      this.subtitles.push(text, this.audioThisTurn ? this.chunkStart : this.voice.writtenFrames);
      this.emit('transcript', { speaker: 'npc', text: this.npcText, final: false });
    });
    on('inputTranscript', ({ text, finished }) => this.onInputTranscript(text, finished));
    on('generationComplete', () => this.endVoice());
    on('turnComplete', () => this.onTurnComplete());
    on('interrupted', () => {
      if (this.machine.state === 'speaking' || this.machine.state === 'thinking') this.interruptLocally();
    });
    on('toolCall', ({ calls }) => this.onToolCalls(calls));
    on('toolCallCancellation', ({ ids }) => this.actions.cancel(ids));
    on('stateChange', ({ state, previous }) => {
      if (state === 'reconnecting' && this.isLive()) {
        // The old connection will say nothing more about its turn: what was sent still plays out.
        this.endVoice();
        this.turnDone = true;
        this.subtitles.finish();
        if (!this.npcAudible()) this.machine.tryGo('connecting');
      }
      if (state === 'open' && previous === 'reconnecting' && this.machine.state === 'connecting' && !this.starting)
        this.machine.tryGo('listening');
    });
    on('error', ({ error }) => this.onLiveError(error));
  }

  private onAudio(samples: Float32Array): void {
    if (!this.isLive()) return;
    this.closeFinishedLine();
    this.audioThisTurn = true;
    this.chunkStart = this.voice.writtenFrames;
    this.voice.enqueue(samples);
    this.voiceOpen = true;
    if (this.machine.state !== 'speaking') this.machine.tryGo('speaking');
  }

  /** A new turn began while the last line still plays: that line is complete (its audio plays on). */
  private closeFinishedLine(): void {
    if (!this.audioThisTurn || !this.turnDone) return;
    if (this.subtitles.heard) this.emit('subtitle', { text: this.subtitles.heard, final: true });
    this.finishNpcLine();
  }

  private onTurnComplete(): void {
    // The service may omit generationComplete, or send audio after it: the turn's audio is complete now.
    this.endVoice();
    this.turnDone = true;
    this.subtitles.finish();
    this.greeting = false;
    if (!this.audioThisTurn && this.machine.state === 'thinking' && this.actions.pendingCount === 0) {
      this.finishNpcLine();
      this.machine.tryGo('listening');
    }
  }

  private onInputTranscript(text: string, finished: boolean): void {
    if (this.greeting && GREETING_CUE.startsWith(text.trim().slice(0, 20))) return; // our own cue echoed back
    const line = this.player.heard(text, finished);
    if (!line) return; // a typed line transcribed back: already shown and in the history
    this.emit('transcript', { speaker: 'player', ...line });
    if (line.final) this.addHistory('player', line.text);
    if (this.machine.state === 'listening') this.machine.tryGo('userSpeaking');
  }

  private onToolCalls(calls: FunctionCall[]): void {
    if (this.machine.state === 'listening' || this.machine.state === 'userSpeaking') {
      this.machine.tryGo('thinking');
      this.thinkingSince = this.now();
    }
    for (const call of calls) {
      void this.actions.run(call).then((result) => {
        if (!result) return; // cancelled: the service wants no answer
        this.emit('action', result.outcome);
        if (this.isLive()) this.live.sendToolResponses([result.response]);
      });
    }
  }

  private onLiveError(error: LiveError): void {
    this.emit('error', { error });
    if (error.code === 'reconnect-failed' || this.live.state === 'closed') this.fail(error, true);
  }

  /** The NPC was cut off: silence it now, keep what was heard as its line. */
  private interruptLocally(): void {
    this.voice.clear();
    this.voiceOpen = false;
    const heard = this.subtitles.revealed;
    this.subtitles.reset();
    this.npcText = heard;
    this.finishNpcLine();
    this.machine.tryGo('interrupted');
  }

  /**
   * Tells the voice that what it has queued is a whole utterance, once: the last of it plays even
   * under the prebuffer, and the voice falls idle after it instead of waiting for more.
   */
  private endVoice(): void {
    if (!this.voiceOpen) return;
    this.voiceOpen = false;
    this.voice.end();
  }

  private finishNpcLine(): void {
    const text = this.npcText.trim();
    if (text) {
      this.addHistory('npc', text);
      this.emit('transcript', { speaker: 'npc', text, final: true });
    }
    this.npcText = '';
    this.subtitles.reset(); // the next line's words may come before its audio: they start afresh here
    this.audioThisTurn = false;
    this.turnDone = false;
  }

  /** Shows "the player is speaking" from the chunks' voice marks (the service decides the turns). */
  private followSpeech(voiced: boolean): void {
    if (!voiced) {
      this.voicedRun = 0;
      return;
    }
    this.lastVoiced = this.now();
    if (++this.voicedRun >= SPEECH_FRAMES_TO_START && (this.machine.state === 'listening' || this.machine.state === 'thinking')) {
      this.machine.tryGo('userSpeaking');
    }
  }

  private npcAudible(): boolean {
    return this.machine.state === 'speaking' || this.voice.state === 'playing';
  }

  private isLive(): boolean {
    const state = this.machine.state;
    if (state === 'connecting') return this.live.state === 'reconnecting';
    return state !== 'idle' && state !== 'ended' && state !== 'error';
  }

  private addHistory(speaker: 'player' | 'npc', text: string): void {
    this.historyList.push({ speaker, text, at: Date.now() });
    if (this.historyList.length > 500) this.historyList.shift();
  }

  private fail(error: NpcVoiceError, alreadyReported = false): void {
    if (this.machine.state === 'error' || this.machine.state === 'ended') return;
    if (!alreadyReported) this.emit('error', { error });
    this.actions.cancelAll();
    this.voice.clear();
    this.voiceOpen = false;
    this.machine.go('error');
    void this.live.close();
  }
}
