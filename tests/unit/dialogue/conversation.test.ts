import { describe, expect, it } from 'vitest';
import { Conversation, GREETING_CUE, sessionParamsFor } from '../../../src/plugin/dialogue/conversation.ts';
import type { NpcDefinition } from '../../../src/plugin/dialogue/npc.ts';
import { NpcVoiceError } from '../../../src/plugin/errors.ts';
import { guardNpc } from '../../support/characters.ts';
import { FakeLive, FakeVoice, LOUD, QUIET } from '../../support/fakes.ts';

const gate = { opened: 0 };
/** The guard, with actions whose calls the tests count, check and cancel. */
const npc: NpcDefinition = guardNpc({
  actions: {
    open_gate: {
      description: 'Opens the gate.',
      handler: () => {
        gate.opened++;
        return { message: 'The gate opens.' };
      },
    },
    ring_bell: {
      description: 'Rings the bell.',
      parameters: { type: 'object', properties: { times: { type: 'integer', minimum: 1 } }, required: ['times'] },
      handler: () => ({ rung: true }),
    },
    slow_thing: {
      description: 'Takes a while.',
      handler: (_args, { signal }) =>
        new Promise((resolve, reject) => {
          const t = setTimeout(() => resolve({ ok: true }), 10_000);
          signal.addEventListener('abort', () => {
            clearTimeout(t);
            reject(new Error('aborted'));
          });
        }),
    },
  },
});

function setup(options: Partial<ConstructorParameters<typeof Conversation>[0]> = {}) {
  let now = 0;
  const live = new FakeLive();
  const voice = new FakeVoice();
  const talk = new Conversation({ npc, live, voice, now: () => now, ...options });
  const states: string[] = [];
  talk.on('state', ({ state }) => states.push(state));
  return { live, voice, talk, states, tick: (ms: number) => (now += ms) };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('Conversation', () => {
  it('connects, greets, speaks, and returns to listening when the voice has played out', async () => {
    const { live, voice, talk, states } = setup();
    await talk.start();
    expect(live.sent[0]).toEqual({ kind: 'text', value: GREETING_CUE });
    expect(talk.state).toBe('thinking');
    live.fire('audio', { samples: new Float32Array(2400) });
    expect(talk.state).toBe('speaking');
    live.fire('outputTranscript', { text: 'Halt!' });
    live.fire('generationComplete', {});
    expect(voice.ended).toBe(1);
    live.fire('turnComplete', {});
    talk.update();
    expect(talk.state).toBe('speaking'); // still audible
    voice.play();
    talk.update();
    expect(talk.state).toBe('listening');
    expect(states).toEqual(['connecting', 'thinking', 'speaking', 'listening']);
    expect(talk.history.map((h) => `${h.speaker}: ${h.text}`)).toEqual(['npc: Halt!']);
  });

  it('a turn without generationComplete still ends the voice, so its last words play and the NPC listens again', async () => {
    /** A voice that keeps its last 100 ms (under its prebuffer) until told the utterance ended, as StreamingVoiceSource does. */
    class PrebufferedVoice extends FakeVoice {
      override play(): void {
        const tail = this.ended > 0 ? 0 : 2400;
        this.consumedFrames = Math.max(this.consumedFrames, this.writtenFrames - tail);
        this.state = this.consumedFrames === this.writtenFrames ? 'idle' : 'buffering';
      }
    }
    const voice = new PrebufferedVoice();
    const { live, talk } = setup({ voice, greet: false });
    await talk.start();
    live.fire('audio', { samples: new Float32Array(9600) });
    live.fire('outputTranscript', { text: 'The gate stays shut.' });
    live.fire('turnComplete', {}); // no generationComplete first
    voice.play();
    talk.update();
    expect(voice.ended).toBe(1);
    expect(talk.state).toBe('listening');
    expect(talk.history.at(-1)?.text).toBe('The gate stays shut.');
  });

  /**
   * A voice that holds back the last 100 ms of whatever came after its last end() (its
   * prebuffer), as StreamingVoiceSource does: speech never ended stays queued for ever.
   */
  class MarkedVoice extends FakeVoice {
    lastEnd = 0;
    override end(): void {
      super.end();
      this.lastEnd = this.writtenFrames;
    }
    override play(): void {
      const held = this.lastEnd === this.writtenFrames ? 0 : Math.min(2400, this.writtenFrames - this.lastEnd);
      this.consumedFrames = Math.max(this.consumedFrames, this.writtenFrames - held);
      this.state = this.consumedFrames === this.writtenFrames ? 'idle' : 'buffering';
    }
  }

  it('a turn whose speech arrives while the last one still plays is ended too: both lines play out and she listens', async () => {
    const voice = new MarkedVoice();
    const { live, talk } = setup({ voice, greet: false });
    const subs: { text: string; final: boolean }[] = [];
    talk.on('subtitle', (s) => subs.push(s));
    await talk.start();
    // The second turn comes before the first has played (a reply queued at the service), its
    // words before its audio.
    live.fire('audio', { samples: new Float32Array(9600) });
    live.fire('outputTranscript', { text: 'First line.' });
    live.fire('generationComplete', {});
    live.fire('turnComplete', {});
    live.fire('outputTranscript', { text: 'Second line.' });
    live.fire('audio', { samples: new Float32Array(9600) });
    live.fire('generationComplete', {});
    live.fire('turnComplete', {});
    voice.play();
    talk.update();
    expect(voice.ended).toBe(2);
    expect(voice.bufferedMs).toBe(0);
    expect(talk.state).toBe('listening');
    expect(talk.history.map((h) => h.text)).toEqual(['First line.', 'Second line.']);
    expect(subs.filter((s) => s.final).map((s) => s.text)).toEqual(['First line.', 'Second line.']);
  });

  it('speech after generationComplete, or cut short by a reconnect, is ended too', async () => {
    const voice = new MarkedVoice();
    const { live, talk } = setup({ voice, greet: false });
    await talk.start();
    live.fire('audio', { samples: new Float32Array(9600) });
    live.fire('generationComplete', {});
    live.fire('audio', { samples: new Float32Array(4800) }); // after it
    live.fire('turnComplete', {});
    voice.play();
    talk.update();
    expect(voice.ended).toBe(2);
    expect(talk.state).toBe('listening');
    live.fire('audio', { samples: new Float32Array(9600) });
    live.setState('reconnecting'); // the old connection says nothing more about its turn
    voice.play();
    talk.update();
    expect(voice.ended).toBe(3);
    expect(voice.bufferedMs).toBe(0);
    expect(talk.state).toBe('connecting');
  });

  it('reveals subtitles as the voice plays, not when the text arrives', async () => {
    const { live, voice, talk } = setup({ greet: false });
    const subs: { text: string; final: boolean }[] = [];
    talk.on('subtitle', (s) => subs.push(s));
    await talk.start();
    live.fire('audio', { samples: new Float32Array(4800) }); // frames 0..4800
    live.fire('outputTranscript', { text: 'The gate ' });
    live.fire('audio', { samples: new Float32Array(4800) }); // frames 4800..9600
    live.fire('outputTranscript', { text: 'is shut.' });
    live.fire('turnComplete', {});
    talk.update();
    expect(subs).toEqual([{ text: 'The gate ', final: false }]); // anchored at frame 0: already reached
    voice.play(4000);
    talk.update();
    expect(subs).toHaveLength(1); // "is shut." waits for frame 4800
    voice.play(1000);
    talk.update();
    expect(subs.at(-1)).toEqual({ text: 'The gate is shut.', final: true });
  });

  it('an interruption silences the voice at once and keeps only what was heard', async () => {
    const { live, voice, talk } = setup({ greet: false });
    const npcLines: string[] = [];
    talk.on('transcript', (t) => t.speaker === 'npc' && t.final && npcLines.push(t.text));
    await talk.start();
    live.fire('audio', { samples: new Float32Array(4800) });
    live.fire('outputTranscript', { text: 'Listen ' });
    live.fire('audio', { samples: new Float32Array(4800) });
    live.fire('outputTranscript', { text: 'carefully.' });
    voice.play(100);
    talk.update();
    live.fire('interrupted', {});
    expect(voice.cleared).toBe(1);
    expect(talk.state).toBe('interrupted');
    expect(npcLines).toEqual(['Listen']);
    talk.update();
    expect(['userSpeaking', 'listening']).toContain(talk.state);
  });

  it('runs an action for a tool call and answers with its result', async () => {
    const { live, talk } = setup({ greet: false });
    const actions: unknown[] = [];
    talk.on('action', (a) => actions.push(a));
    await talk.start();
    live.fire('toolCall', { calls: [{ id: 'c1', name: 'open_gate', args: {} }] });
    await flush();
    expect(gate.opened).toBe(1);
    expect(live.sent.at(-1)).toEqual({
      kind: 'toolResponse',
      value: [{ id: 'c1', name: 'open_gate', response: { message: 'The gate opens.' } }],
    });
    expect(actions).toEqual([{ name: 'open_gate', callId: 'c1', args: {}, response: { message: 'The gate opens.' }, ok: true }]);
  });

  it('answers a call that breaks the schema with an error, without running the handler', async () => {
    const { live, talk } = setup({ greet: false });
    await talk.start();
    live.fire('toolCall', { calls: [{ id: 'c2', name: 'ring_bell', args: { times: 0 } }] });
    live.fire('toolCall', { calls: [{ id: 'c3', name: 'no_such_action', args: {} }] });
    await flush();
    const responses = live.sent
      .filter((s) => s.kind === 'toolResponse')
      .map((s) => (s.value as { response: { error?: string } }[])[0]?.response.error);
    expect(responses[0]).toMatch(/Invalid arguments for ring_bell/);
    expect(responses[1]).toMatch(/Unknown action "no_such_action"/);
  });

  it('a cancelled call is aborted and gets no answer', async () => {
    const { live, talk } = setup({ greet: false });
    await talk.start();
    live.fire('toolCall', { calls: [{ id: 'slow', name: 'slow_thing', args: {} }] });
    await flush();
    live.fire('toolCallCancellation', { ids: ['slow'] });
    await flush();
    expect(live.kinds()).not.toContain('toolResponse');
  });

  it('push-to-talk sends audio only while the key is held, with activityStart/End around it', async () => {
    const { live, talk } = setup({ greet: false, mode: 'push-to-talk' });
    await talk.start();
    talk.pushAudio(LOUD);
    talk.pressTalk();
    talk.pushAudio(LOUD);
    talk.pushAudio(LOUD);
    talk.releaseTalk();
    talk.pushAudio(LOUD);
    expect(live.kinds()).toEqual(['activityStart', 'audio', 'audio', 'activityEnd']);
    expect(talk.state).toBe('thinking');
  });

  it('pressing talk while the NPC speaks interrupts it locally at once', async () => {
    const { live, voice, talk } = setup({ greet: false, mode: 'push-to-talk' });
    await talk.start();
    live.fire('audio', { samples: new Float32Array(4800) });
    talk.pressTalk();
    expect(voice.cleared).toBe(1);
    expect(talk.state).toBe('userSpeaking');
  });

  it('open mic: voiced chunks show the player speaking; silence afterwards means thinking', async () => {
    const { talk, tick } = setup({ greet: false });
    await talk.start();
    for (let i = 0; i < 20; i++) talk.pushAudio(QUIET);
    talk.pushAudio(LOUD);
    talk.pushAudio(LOUD);
    expect(talk.state).toBe('userSpeaking');
    tick(700);
    talk.update();
    expect(talk.state).toBe('thinking');
    tick(6000);
    talk.update();
    expect(talk.state).toBe('listening'); // the service never answered: not stuck thinking
  });

  it('typed text is a player line and a turn', async () => {
    const { live, talk } = setup({ greet: false });
    const lines: unknown[] = [];
    talk.on('transcript', (t) => lines.push(t));
    await talk.start();
    talk.sendText('  Open up!  ');
    expect(live.sent.at(-1)).toEqual({ kind: 'text', value: 'Open up!' });
    expect(lines).toEqual([{ speaker: 'player', text: 'Open up!', final: true }]);
    expect(talk.state).toBe('thinking');
  });

  it('a typed line transcribed back by the service is not shown twice', async () => {
    const { live, talk } = setup({ greet: false });
    const lines: string[] = [];
    talk.on('transcript', (t) => t.speaker === 'player' && lines.push(t.text));
    await talk.start();
    talk.sendText('Could I have some bread?');
    live.fire('inputTranscript', { text: 'Could I have ', finished: false });
    live.fire('inputTranscript', { text: 'some bread?', finished: true });
    expect(lines).toEqual(['Could I have some bread?']);
    expect(talk.history.filter((h) => h.speaker === 'player')).toHaveLength(1);
  });

  it('the service’s input transcription becomes the player’s line', async () => {
    const { live, talk } = setup({ greet: false });
    await talk.start();
    live.fire('inputTranscript', { text: 'Hello ', finished: false });
    live.fire('inputTranscript', { text: 'there', finished: true });
    expect(talk.history.at(-1)).toMatchObject({ speaker: 'player', text: 'Hello there' });
  });

  it('a failed connection is an error state and a typed error', async () => {
    const { live, talk } = setup();
    const errors: unknown[] = [];
    talk.on('error', ({ error }) => errors.push(error.code));
    live.failConnect = new NpcVoiceError('model-not-found', 'no such model');
    await expect(talk.start()).rejects.toThrow('no such model');
    expect(talk.state).toBe('error');
    expect(errors).toEqual(['model-not-found']);
  });

  it('shows reconnecting as connecting, and listening again once back', async () => {
    const { live, talk } = setup({ greet: false });
    await talk.start();
    live.setState('reconnecting');
    expect(talk.state).toBe('connecting');
    talk.pushAudio(LOUD); // still offered to the connection, which holds it
    expect(live.kinds()).toContain('audio');
    live.setState('open');
    expect(talk.state).toBe('listening');
  });

  it('refuses to start twice or to take text after it ended', async () => {
    const { talk, live, voice } = setup({ greet: false });
    await talk.start();
    await expect(talk.start()).rejects.toMatchObject({ code: 'invalid-state' });
    await talk.end();
    expect(live.state).toBe('closed');
    expect(voice.cleared).toBe(1);
    expect(() => talk.sendText('hello?')).toThrow(NpcVoiceError);
  });

  it('destroy() releases every listener it put on the connection', async () => {
    const { talk, live } = setup({ greet: false });
    await talk.start();
    expect(live.listenerCount()).toBeGreaterThan(5);
    await talk.destroy();
    expect(live.listenerCount()).toBe(0);
    expect(talk.listenerCount()).toBe(0);
  });
});

describe('sessionParamsFor', () => {
  it('turns an NPC into a setup: instruction, voice, language and functions', () => {
    const p = sessionParamsFor({ ...npc, language: 'de-DE' });
    expect(p.voiceName).toBe('Kore');
    expect(p.languageCode).toBe('de-DE');
    expect(p.systemInstruction).toContain('# Character: Edda');
    expect(p.functionDeclarations?.map((f) => f.name)).toEqual(['open_gate', 'ring_bell', 'slow_thing']);
    expect(p.realtimeInputConfig).toBeUndefined();
  });

  it('push-to-talk disables automatic activity detection; no barge-in asks for NO_INTERRUPTION', () => {
    expect(sessionParamsFor(npc, { mode: 'push-to-talk' }).realtimeInputConfig).toEqual({ automaticActivityDetection: { disabled: true } });
    expect(sessionParamsFor(npc, { bargeIn: false }).realtimeInputConfig).toEqual({ activityHandling: 'NO_INTERRUPTION' });
  });

  it('rejects an unknown voice with a typed error', () => {
    expect(() => sessionParamsFor({ ...npc, voice: 'Robbie' })).toThrow(/not one of the 30 prebuilt voices/);
  });
});
