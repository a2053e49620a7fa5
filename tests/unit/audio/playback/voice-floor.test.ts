import { describe, expect, it } from 'vitest';
import { type ControllableVoice, VoiceFloor } from '../../../../src/plugin/audio/playback/voice-floor.ts';

/** A voice that records what the floor asks of it. */
class FakeVoice implements ControllableVoice {
  paused = false;
  bufferedMs = 2000;
  writtenFrames = 48000;
  consumedFrames = 12000;
  state: 'idle' | 'buffering' | 'playing' = 'playing';
  readonly log: string[] = [];
  readonly enqueued: Float32Array[] = [];
  enqueue(samples: Float32Array): void {
    this.enqueued.push(samples);
    this.log.push('enqueue');
  }
  end(): void {
    this.log.push('end');
  }
  clear(): void {
    this.paused = false;
    this.bufferedMs = 0;
    this.log.push('clear');
  }
  update(): void {
    this.log.push('update');
  }
  pause(): void {
    this.paused = true;
    this.log.push('pause');
  }
  resume(): void {
    this.paused = false;
    this.log.push('resume');
  }
}

const PLAYER_HAS_FLOOR = { playerHasFloor: true };
const NPC_HAS_FLOOR = { playerHasFloor: false };

/** Calls followPlayer every 20 ms from `from` to `to` (exclusive) with the guard's verdict. */
function follow(floor: VoiceFloor, from: number, to: number, guard = NPC_HAS_FLOOR): void {
  for (let t = from; t < to; t += 20) floor.followPlayer(t, guard);
}

describe('VoiceFloor', () => {
  it('pauses the NPC when the player takes the floor while speech is queued', () => {
    const voice = new FakeVoice();
    const floor = new VoiceFloor(voice);
    expect(floor.yieldToPlayer(100)).toBe(true);
    expect(voice.log).toEqual(['pause']);
    expect(floor.yielding).toBe(true);
    expect(floor.yields).toBe(1);
  });

  it('does not pause a voice that has finished its line', () => {
    const voice = new FakeVoice();
    voice.bufferedMs = 0;
    const floor = new VoiceFloor(voice);
    expect(floor.yieldToPlayer(100)).toBe(false);
    expect(voice.log).toEqual([]);
    expect(floor.yields).toBe(0);
  });

  it('does not pause a voice that is already paused', () => {
    const voice = new FakeVoice();
    voice.paused = true;
    const floor = new VoiceFloor(voice);
    expect(floor.yieldToPlayer(100)).toBe(false);
    expect(voice.log).toEqual([]);
    expect(floor.yielding).toBe(false);
  });

  it('yields once while already yielding', () => {
    const voice = new FakeVoice();
    const floor = new VoiceFloor(voice);
    floor.yieldToPlayer(100);
    voice.paused = false; // even if something else let it play, a second yield is not counted
    expect(floor.yieldToPlayer(120)).toBe(false);
    expect(floor.yields).toBe(1);
    expect(voice.log).toEqual(['pause']);
  });

  it('counts the service cutting the NPC off after a yield as confirmed, and clears the voice', () => {
    const voice = new FakeVoice();
    const floor = new VoiceFloor(voice);
    floor.yieldToPlayer(100);
    floor.clear(); // `interrupted`
    expect(voice.log).toEqual(['pause', 'clear']);
    expect(floor).toMatchObject({ yields: 1, confirmed: 1, resumed: 0, yielding: false });
  });

  it('clears without counting a confirmation when it had not yielded', () => {
    const voice = new FakeVoice();
    const floor = new VoiceFloor(voice);
    floor.clear();
    expect(voice.log).toEqual(['clear']);
    expect(floor.confirmed).toBe(0);
  });

  it('plays on at once after a false alarm and counts it resumed', () => {
    const voice = new FakeVoice();
    const floor = new VoiceFloor(voice);
    floor.yieldToPlayer(100);
    floor.dismiss();
    expect(voice.log).toEqual(['pause', 'resume']);
    expect(floor).toMatchObject({ yields: 1, confirmed: 0, resumed: 1, dismissed: 1, yielding: false });
  });

  it('ignores a dismissal when it had not yielded', () => {
    const voice = new FakeVoice();
    const floor = new VoiceFloor(voice);
    floor.dismiss();
    expect(voice.log).toEqual([]);
    expect(floor.resumed).toBe(0);
  });

  it('plays on once the player has been quiet for resumeAfterQuietMs', () => {
    const voice = new FakeVoice();
    const floor = new VoiceFloor(voice, { resumeAfterQuietMs: 500 });
    floor.yieldToPlayer(1000);
    floor.heard(1100);
    follow(floor, 1100, 1600); // last call at 1580: quiet 480 ms
    expect(voice.log).toEqual(['pause']);
    floor.followPlayer(1600, NPC_HAS_FLOOR);
    expect(voice.log).toEqual(['pause', 'resume']);
    expect(floor.resumed).toBe(1);
  });

  it('waits 700 ms of quiet by default', () => {
    const voice = new FakeVoice();
    const floor = new VoiceFloor(voice);
    floor.yieldToPlayer(0);
    floor.followPlayer(699, NPC_HAS_FLOOR);
    expect(voice.paused).toBe(true);
    floor.followPlayer(700, NPC_HAS_FLOOR);
    expect(voice.paused).toBe(false);
  });

  it('does not play on while the guard still gives the player the floor', () => {
    const voice = new FakeVoice();
    const floor = new VoiceFloor(voice);
    floor.yieldToPlayer(0);
    follow(floor, 0, 3000, PLAYER_HAS_FLOOR);
    expect(voice.log).toEqual(['pause']);
    floor.followPlayer(3000, NPC_HAS_FLOOR);
    expect(voice.log).toEqual(['pause', 'resume']);
  });

  it('keeps the NPC paused while the player is heard, even after the guard lets go of the floor', () => {
    const voice = new FakeVoice();
    const floor = new VoiceFloor(voice);
    floor.yieldToPlayer(0);
    for (let t = 0; t < 3000; t += 20) {
      floor.heard(t);
      floor.followPlayer(t, NPC_HAS_FLOOR);
    }
    expect(voice.log).toEqual(['pause']);
    expect(floor.yielding).toBe(true);
  });

  it('does not resume a voice it did not pause', () => {
    const voice = new FakeVoice();
    voice.paused = true;
    const floor = new VoiceFloor(voice);
    follow(floor, 0, 3000);
    expect(voice.log).toEqual([]);
  });

  it('passes speech, its end and the frame update through to the voice', () => {
    const voice = new FakeVoice();
    const floor = new VoiceFloor(voice);
    const samples = new Float32Array([0.1, 0.2]);
    floor.enqueue(samples);
    floor.update();
    floor.end();
    expect(voice.log).toEqual(['enqueue', 'update', 'end']);
    expect(voice.enqueued[0]).toBe(samples);
  });

  it("reports the voice's frames, queue and state", () => {
    const voice = new FakeVoice();
    const floor = new VoiceFloor(voice);
    expect(floor.writtenFrames).toBe(48000);
    expect(floor.consumedFrames).toBe(12000);
    expect(floor.bufferedMs).toBe(2000);
    expect(floor.state).toBe('playing');
    voice.state = 'buffering';
    voice.bufferedMs = 40;
    expect(floor.state).toBe('buffering');
    expect(floor.bufferedMs).toBe(40);
  });
});
