import { describe, expect, it } from 'vitest';
import { TypedEmitter } from '../../../src/plugin/events.ts';
import { ActiveConversation } from '../../../src/plugin/game/active-conversation.ts';
import type { BusPart, ConversationAudio, MicPart, VoicePart } from '../../../src/plugin/game/conversation-audio.ts';
import { NpcHandle } from '../../../src/plugin/game/npc-handle.ts';
import { NpcVoiceEmitter, type NpcVoiceEvents } from '../../../src/plugin/game/npc-voice-events.ts';
import { type NpcVoiceConfig, resolveSettings } from '../../../src/plugin/game/settings.ts';
import { FakeLive } from '../../support/fakes.ts';

/** FakeLive with the two members an active conversation adds to a Live link. */
class Live extends FakeLive {
  readonly frames: string[] = [];
  sendVideoFrame(base64Jpeg: string): void {
    this.frames.push(base64Jpeg);
  }
}

/** The NPC's voice: the test sets its level and counts destroy(). */
class FakeVoicePart implements VoicePart {
  paused = false;
  bufferedMs = 0;
  writtenFrames = 0;
  consumedFrames = 0;
  state: 'idle' | 'buffering' | 'playing' = 'idle';
  level = 0;
  underruns = 0;
  playedFrames = 0;
  readonly transport = 'message' as const;
  destroyed = 0;
  enqueue(samples: Float32Array): void {
    this.writtenFrames += samples.length;
  }
  end(): void {}
  clear(): void {}
  update(): void {}
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  destroy(): void {
    this.destroyed++;
  }
}

class FakeBus implements BusPart {
  readonly output = { name: 'bus output' } as unknown as AudioNode;
  destroyed = 0;
  setOffset(): void {}
  destroy(): void {
    this.destroyed++;
  }
}

type MicEvents = { ended: { readonly reason: 'stopped' | 'track-ended' } };

class MicEmitter extends TypedEmitter<MicEvents> {
  fire(reason: 'stopped' | 'track-ended'): void {
    this.emit('ended', { reason });
  }
}

/** A microphone that has recorded nothing; with a reference only when asked for one. */
class FakeMic implements MicPart {
  readonly ended = new MicEmitter();
  readonly lostSamples = 0;
  readonly settings: MediaTrackSettings = { echoCancellation: true };
  isRecording = true;
  destroyed = 0;
  references: AudioNode[] = [];
  readonly hasRaw = false;
  constructor(readonly hasReference: boolean) {}
  readPair(): boolean {
    return false;
  }
  available(): number {
    return 0;
  }
  read(): number {
    return 0;
  }
  connectReference(node: AudioNode): void {
    this.references.push(node);
  }
  connectOutput(): void {}
  skipUnread(): number {
    return 0;
  }
  destroy(): void {
    this.destroyed++;
    this.isRecording = false;
  }
  on(event: 'ended', handler: (e: MicEvents['ended']) => void) {
    return this.ended.on(event, handler);
  }
}

/** The game's sound, made of fakes; records what was made and asked. */
class FakeAudio implements ConversationAudio {
  readonly voice = new FakeVoicePart();
  readonly bus = new FakeBus();
  mic: FakeMic | null = null;
  micRequests: boolean[] = [];
  failVoice: Error | null = null;
  /** When set, openMicrophone waits for the test to call it. */
  holdMic = false;
  releaseMic: (() => void) | null = null;
  /** Whether the microphone gives a reference when asked for one. */
  canRecordReference = true;

  async createVoice(): Promise<{ voice: VoicePart; bus: BusPart }> {
    if (this.failVoice) throw this.failVoice;
    return { voice: this.voice, bus: this.bus };
  }

  gameOutput(): AudioNode {
    return {} as AudioNode;
  }

  openMicrophone(_choice: unknown, reference: boolean): Promise<MicPart> {
    this.micRequests.push(reference);
    const mic = new FakeMic(reference && this.canRecordReference);
    this.mic = mic;
    if (!this.holdMic) return Promise.resolve(mic);
    return new Promise((resolve) => {
      this.releaseMic = () => resolve(mic);
    });
  }
}

type GameObject = ConstructorParameters<typeof NpcHandle>[1];

function npcHandle(): NpcHandle {
  const sprite = { x: 100, y: 50 } as unknown as GameObject;
  return new NpcHandle({ id: 'guard', name: 'Guard', persona: 'You are the gate guard.' }, sprite, 96);
}

/** Every event the emitter fires, by name, in order. */
function record(events: NpcVoiceEmitter) {
  const log: { name: keyof NpcVoiceEvents; payload: unknown }[] = [];
  for (const name of ['state', 'transcript', 'subtitle', 'action', 'error', 'mouth', 'echo', 'connection', 'audioDropped'] as const) {
    events.on(name, (payload) => log.push({ name, payload }));
  }
  return {
    log,
    of<K extends keyof NpcVoiceEvents>(name: K): NpcVoiceEvents[K][] {
      return log.filter((e) => e.name === name).map((e) => e.payload as NpcVoiceEvents[K]);
    },
  };
}

async function make(config: NpcVoiceConfig = {}, audio: FakeAudio | null = new FakeAudio()) {
  const npc = npcHandle();
  const live = new Live();
  const events = new NpcVoiceEmitter();
  const seen = record(events);
  const active = await ActiveConversation.create({
    npc,
    settings: resolveSettings(config),
    live,
    history: [],
    events,
    audio,
    camera: null,
  });
  return { npc, live, events, seen, active, audio };
}

describe('ActiveConversation', () => {
  it('connects on start and passes the conversation state on with the NPC', async () => {
    const { npc, live, seen, active } = await make();
    await active.start();
    expect(live.state).toBe('open');
    const states = seen.of('state');
    expect(states.map((s) => s.state)).toEqual(['connecting', 'thinking']); // greets by default
    expect(states.every((s) => s.npc === npc)).toBe(true);
    expect(seen.of('connection')).toEqual([{ npc, state: 'open' }]);
    await active.end();
  });

  it('passes dropped player audio on to the game with the NPC, in milliseconds, with the reason', async () => {
    const { npc, live, seen, active } = await make();
    await active.start();
    live.fire('audioDropped', { samples: 8000, reason: 'held while reconnecting' });
    expect(seen.of('audioDropped')).toEqual([{ npc, ms: 500, reason: 'held while reconnecting' }]);
    await active.end();
    live.fire('audioDropped', { samples: 320, reason: 'after the end' });
    expect(seen.of('audioDropped')).toHaveLength(1);
  });

  it("passes the NPC's transcript on with the NPC", async () => {
    const { npc, live, seen, active } = await make();
    await active.start();
    live.fire('outputTranscript', { text: 'Halt!' });
    expect(seen.of('transcript')).toEqual([{ npc, speaker: 'npc', text: 'Halt!', final: false }]);
    await active.end();
  });

  it('releases the voice, the bus and the microphone exactly once when it ends', async () => {
    const { active, audio } = await make();
    await active.start();
    await active.end();
    await active.end();
    expect(audio?.voice.destroyed).toBe(1);
    expect(audio?.bus.destroyed).toBe(1);
    expect(audio?.mic?.destroyed).toBe(1);
    expect(active.ended).toBe(true);
    expect(active.hasMicrophone).toBe(false);
    expect(active.uplink).toBeNull();
  });

  it('closes the Live connection and forgets its listeners when it ends', async () => {
    const { live, active } = await make();
    await active.start();
    live.on('goAway', () => {}); // a listener someone else added to the connection it owns
    expect(live.listenerCount('stateChange')).toBeGreaterThan(0);
    await active.end();
    expect(live.state).toBe('closed');
    expect(live.listenerCount()).toBe(0);
  });

  it('shuts the NPC up when it ends', async () => {
    const { npc, active, audio } = await make();
    await active.start();
    if (audio) audio.voice.level = 0.3;
    active.update(1000, 50, null);
    expect(npc.mouthOpen).toBeGreaterThan(0);
    await active.end();
    expect(npc.mouthOpen).toBe(0);
    expect(npc.level).toBe(0);
  });

  it('destroys at once a microphone that opens after the conversation ended', async () => {
    const audio = new FakeAudio();
    audio.holdMic = true;
    const { active } = await make({}, audio);
    const starting = active.start();
    await active.end();
    audio.releaseMic?.();
    await starting;
    expect(audio.mic?.destroyed).toBe(1);
    expect(active.uplink).toBeNull();
    expect(active.hasMicrophone).toBe(false);
  });

  it('reports a voice that cannot be made, and the conversation still runs subtitled', async () => {
    const audio = new FakeAudio();
    audio.failVoice = new Error('no worklet');
    const { npc, live, seen, active } = await make({}, audio);
    const errors = seen.of('error');
    expect(errors.length).toBe(1);
    expect(errors[0]?.npc).toBe(npc);
    expect(errors[0]?.error.message).toBe('no worklet');
    await active.start();
    expect(active.conversation.state).toBe('thinking');
    expect(live.kinds()).toContain('text'); // the greeting cue went
    expect(active.voiceStats).toBeNull();
    expect(active.npcAudible).toBe(false);
    await active.end();
    expect(audio.voice.destroyed).toBe(0);
  });

  it('reports a game without Web Audio as unsupported', async () => {
    const { npc, seen, active } = await make({}, null);
    expect(seen.of('error').map((e) => [e.npc, e.error.code])).toEqual([[npc, 'unsupported']]);
    await active.start();
    expect(active.conversation.state).toBe('thinking');
    expect(active.hasMicrophone).toBe(false);
    await active.end();
  });

  it("guards the uplink against the NPC's echo when the microphone records a reference", async () => {
    const { active, audio } = await make();
    await active.start();
    expect(audio?.micRequests).toEqual([true]);
    expect(audio?.mic?.references).toEqual([audio?.bus.output]);
    const status = active.echoStatus;
    expect(status).not.toBeNull();
    expect(status?.mode).toBe('auto');
    expect(status?.echoCancellation).toBe(true);
    expect(active.uplink?.floor).not.toBeNull(); // barge-in: the guard may pause the NPC
    await active.end();
  });

  it('has no echo guard with echo off', async () => {
    const { active, audio } = await make({ echo: 'off' });
    await active.start();
    expect(audio?.micRequests).toEqual([false]);
    expect(active.uplink).not.toBeNull();
    expect(active.echoStatus).toBeNull();
    expect(audio?.mic?.references).toEqual([]);
    await active.end();
  });

  it('has no echo guard when the microphone cannot record a reference', async () => {
    const audio = new FakeAudio();
    audio.canRecordReference = false;
    const { active } = await make({}, audio);
    await active.start();
    expect(active.uplink).not.toBeNull();
    expect(active.echoStatus).toBeNull();
    await active.end();
  });

  it('lets the guard pause the NPC only with barge-in on', async () => {
    const { active } = await make({ bargeIn: false });
    await active.start();
    expect(active.echoStatus).not.toBeNull();
    expect(active.uplink?.floor).toBeNull();
    await active.end();
  });

  it('reports a disconnected microphone as no-microphone', async () => {
    const { npc, seen, active, audio } = await make();
    await active.start();
    audio?.mic?.ended.fire('track-ended');
    expect(seen.of('error').map((e) => [e.npc, e.error.code])).toEqual([[npc, 'no-microphone']]);
    await active.end();
  });

  it('reports nothing when the microphone is stopped on purpose', async () => {
    const { seen, active, audio } = await make();
    await active.start();
    audio?.mic?.ended.fire('stopped');
    expect(seen.of('error')).toEqual([]);
    await active.end();
  });

  it("moves the NPC's level and mouth with the voice", async () => {
    const { npc, active, audio } = await make();
    await active.start();
    if (audio) audio.voice.level = 0.2; // the lip-sync's full level
    active.update(1000, 16, null);
    expect(npc.level).toBe(0.2);
    // Opening towards 1 at 30/s for 16 ms.
    expect(npc.mouthOpen).toBeCloseTo(1 - Math.exp(-0.48), 6);
    await active.end();
  });

  it('fires one reused mouth payload each time the mouth moves', async () => {
    const { npc, seen, active, audio } = await make();
    await active.start();
    if (audio) audio.voice.level = 0.2;
    active.update(1000, 16, null);
    const first = seen.of('mouth')[0];
    expect(first).toEqual({ npc, open: npc.mouthOpen });
    active.update(1016, 16, null);
    const mouths = seen.of('mouth');
    expect(mouths.length).toBe(2);
    expect(mouths[1]).toBe(first);
    expect(first?.open).toBe(npc.mouthOpen);
    if (audio) audio.voice.level = 0;
    for (let t = 1032; t < 3000; t += 16) active.update(t, 16, null);
    expect(npc.mouthOpen).toBe(0);
    expect(first?.open).toBe(0);
    expect(new Set(seen.of('mouth')).size).toBe(1);
    await active.end();
  });

  it('fires no mouth event while the mouth stays shut', async () => {
    const { seen, active } = await make();
    await active.start();
    for (let t = 0; t < 500; t += 16) active.update(t, 16, null);
    expect(seen.of('mouth')).toEqual([]);
    await active.end();
  });

  it('opens no microphone with microphone: false', async () => {
    const { active, audio } = await make({ microphone: false });
    await active.start();
    expect(audio?.micRequests).toEqual([]);
    expect(active.uplink).toBeNull();
    expect(active.hasMicrophone).toBe(false);
    await active.end();
  });
});
