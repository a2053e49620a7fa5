import { describe, expect, it } from 'vitest';
import {
  CONVERSATION_STATES,
  type ConversationState,
  ConversationStateMachine,
  canTransition,
} from '../../../src/plugin/dialogue/conversation-state.ts';
import { NpcVoiceError } from '../../../src/plugin/errors.ts';

/** Drives a fresh machine to `state` along legal moves. */
function machineIn(state: ConversationState): ConversationStateMachine {
  const m = new ConversationStateMachine(() => {});
  const path: Record<ConversationState, ConversationState[]> = {
    idle: [],
    connecting: ['connecting'],
    listening: ['connecting', 'listening'],
    userSpeaking: ['connecting', 'listening', 'userSpeaking'],
    thinking: ['connecting', 'thinking'],
    speaking: ['connecting', 'listening', 'speaking'],
    interrupted: ['connecting', 'listening', 'speaking', 'interrupted'],
    ended: ['ended'],
    error: ['error'],
  };
  for (const s of path[state]) m.go(s);
  expect(m.state).toBe(state);
  return m;
}

describe('conversation state machine', () => {
  it('follows the happy path idle → connecting → listening → userSpeaking → thinking → speaking → listening → ended', () => {
    const seen: string[] = [];
    const m = new ConversationStateMachine((s, p) => seen.push(`${p}→${s}`));
    for (const s of ['connecting', 'listening', 'userSpeaking', 'thinking', 'speaking', 'listening', 'ended'] as const) m.go(s);
    expect(seen).toEqual([
      'idle→connecting',
      'connecting→listening',
      'listening→userSpeaking',
      'userSpeaking→thinking',
      'thinking→speaking',
      'speaking→listening',
      'listening→ended',
    ]);
  });

  const illegal = CONVERSATION_STATES.flatMap((from) =>
    CONVERSATION_STATES.filter((to) => !canTransition(from, to)).map((to) => [from, to] as const),
  );

  it('has a sizeable list of illegal moves to check', () => {
    expect(illegal.length).toBeGreaterThan(30);
  });

  it.each(illegal)('refuses %s → %s with an invalid-state error, and stays put', (from, to) => {
    const m = machineIn(from);
    let error: unknown;
    try {
      m.go(to);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NpcVoiceError);
    expect((error as NpcVoiceError).code).toBe('invalid-state');
    expect(m.state).toBe(from);
    expect(m.tryGo(to)).toBe(false);
  });

  it('ended is final; error can only end', () => {
    expect(CONVERSATION_STATES.filter((s) => canTransition('ended', s))).toEqual([]);
    expect(CONVERSATION_STATES.filter((s) => canTransition('error', s))).toEqual(['ended']);
  });

  it('every live state can end, fail, and (but idle) reconnect', () => {
    for (const s of CONVERSATION_STATES.filter((s) => s !== 'ended' && s !== 'error')) {
      expect(canTransition(s, 'ended'), s).toBe(true);
      expect(canTransition(s, 'error'), s).toBe(true);
    }
  });
});
