import { NpcVoiceError } from '../errors.js';

/** Where a conversation is. */
export type ConversationState =
  | 'idle'
  | 'connecting'
  | 'listening'
  | 'userSpeaking'
  | 'thinking'
  | 'speaking'
  | 'interrupted'
  | 'ended'
  | 'error';

/**
 * Every legal move. Anything else is refused with an `invalid-state` error, so a bug shows up
 * where it happens instead of as a conversation stuck in a strange state.
 */
const TRANSITIONS: Readonly<Record<ConversationState, readonly ConversationState[]>> = {
  idle: ['connecting', 'ended', 'error'],
  connecting: ['listening', 'thinking', 'ended', 'error'],
  listening: ['userSpeaking', 'thinking', 'speaking', 'connecting', 'ended', 'error'],
  userSpeaking: ['listening', 'thinking', 'speaking', 'interrupted', 'connecting', 'ended', 'error'],
  thinking: ['listening', 'userSpeaking', 'speaking', 'connecting', 'ended', 'error'],
  speaking: ['listening', 'interrupted', 'thinking', 'connecting', 'ended', 'error'],
  interrupted: ['userSpeaking', 'listening', 'thinking', 'speaking', 'connecting', 'ended', 'error'],
  ended: [],
  error: ['ended'],
};

/** True when a conversation may move from `from` to `to`. */
function canTransition(from: ConversationState, to: ConversationState): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * The conversation's state, moved only along {@link TRANSITIONS}: anything else throws an
 * `invalid-state` error, so a bug shows where it happens instead of leaving a conversation stuck.
 */
export class ConversationStateMachine {
  private current: ConversationState = 'idle';

  constructor(private readonly onChange: (state: ConversationState, previous: ConversationState) => void) {}

  get state(): ConversationState {
    return this.current;
  }

  /** True when the machine may move to `to` now. */
  can(to: ConversationState): boolean {
    return canTransition(this.current, to);
  }

  /** Moves to `to`, or throws `invalid-state`. */
  go(to: ConversationState): void {
    if (!this.can(to)) throw new NpcVoiceError('invalid-state', `A conversation cannot go from ${this.current} to ${to}.`);
    const previous = this.current;
    this.current = to;
    this.onChange(to, previous);
  }

  /** Moves to `to` when legal and not already there; otherwise does nothing. */
  tryGo(to: ConversationState): boolean {
    if (to === this.current || !this.can(to)) return false;
    this.go(to);
    return true;
  }
}

/** Every state, for tests and tools. */
export const CONVERSATION_STATES = Object.keys(TRANSITIONS) as ConversationState[];

export { canTransition };
