import type { FunctionCall, LiveServerContent } from 'firebase/ai';
import { pcm16Base64ToFloat } from '../wire/pcm.js';
import type { LiveConnectionEvents } from './live-connection-events.js';
import { LiveError } from './live-errors.js';

interface ServerContentExtras {
  generationComplete?: boolean;
}

/** The server messages firebase/ai's LiveSession hands over, as the wire has them. */
export type ServerMessage =
  | ({ type: 'serverContent' } & LiveServerContent & ServerContentExtras)
  | { type: 'toolCall'; functionCalls?: FunctionCall[] }
  | { type: 'toolCallCancellation'; ids?: string[]; functionIds?: string[] }
  | { type: 'goingAwayNotice'; timeLeft?: number }
  | { type: 'sessionResumptionUpdate'; newHandle?: string; resumable?: boolean };

/** Where a {@link ServerMessageReader} sends what it reads. */
export interface ServerMessageSink {
  emit<K extends keyof LiveConnectionEvents>(event: K, payload: LiveConnectionEvents[K]): void;
  /** The service will close the connection in this many seconds. */
  goAway(timeLeftSeconds: number): void;
  /** A handle to resume this session with. */
  newHandle(handle: string): void;
}

/**
 * Turns the Live API's server messages into {@link LiveConnectionEvents}: speech decoded to
 * floats, transcripts, tool calls, interruptions, turn ends, goAway and resumption handles; and
 * knows whether a model turn is under way (between its first content and turnComplete).
 */
export class ServerMessageReader {
  /** Between the model's first content (or a reply asked for) and its turnComplete. */
  modelTurnActive = false;

  constructor(private readonly sink: ServerMessageSink) {}

  read(message: ServerMessage): void {
    switch (message.type) {
      case 'serverContent':
        this.content(message);
        return;
      case 'toolCall':
        this.modelTurnActive = true;
        this.sink.emit('toolCall', { calls: message.functionCalls ?? [] });
        return;
      case 'toolCallCancellation': {
        // The wire says `ids`; firebase's type says `functionIds`.
        const ids = message.ids ?? message.functionIds ?? [];
        this.sink.emit('toolCallCancellation', { ids });
        return;
      }
      case 'goingAwayNotice':
        this.sink.goAway(message.timeLeft ?? 0);
        return;
      case 'sessionResumptionUpdate':
        if (message.resumable && message.newHandle) this.sink.newHandle(message.newHandle);
        this.sink.emit('resumable', { handle: message.newHandle ?? null, resumable: message.resumable ?? false });
        return;
    }
  }

  private content(content: LiveServerContent & ServerContentExtras): void {
    if (content.modelTurn || content.outputTranscription) this.modelTurnActive = true;
    if (content.interrupted) this.sink.emit('interrupted', {});
    for (const part of content.modelTurn?.parts ?? []) {
      const data = part.inlineData;
      if (data?.mimeType.startsWith('audio/pcm') && data.data) {
        try {
          this.sink.emit('audio', { samples: pcm16Base64ToFloat(data.data) });
        } catch (error) {
          this.sink.emit('error', {
            error: new LiveError('invalid-response', `The Live API sent audio that could not be decoded: ${(error as Error).message}`),
          });
        }
      }
    }
    if (content.inputTranscription?.text) {
      const finished = (content.inputTranscription as { finished?: boolean }).finished ?? false;
      this.sink.emit('inputTranscript', { text: content.inputTranscription.text, finished });
    }
    if (content.outputTranscription?.text) this.sink.emit('outputTranscript', { text: content.outputTranscription.text });
    if (content.generationComplete) this.sink.emit('generationComplete', {});
    if (content.turnComplete) {
      this.modelTurnActive = false;
      this.sink.emit('turnComplete', {});
    }
  }
}
