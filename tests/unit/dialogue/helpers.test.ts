import { describe, expect, it } from 'vitest';
import { spatialize } from '../../../src/plugin/audio/mix/spatial.ts';
import { LipSync } from '../../../src/plugin/dialogue/lip-sync.ts';
import { ConversationMemory } from '../../../src/plugin/dialogue/memory.ts';
import { ProximityTracker } from '../../../src/plugin/dialogue/proximity.ts';
import { SilentVoice } from '../../../src/plugin/dialogue/silent-voice.ts';
import { SubtitleTrack } from '../../../src/plugin/dialogue/subtitles.ts';

describe('spatialize', () => {
  it('is full volume and centred up close', () => {
    expect(spatialize(0, 50)).toEqual({ pan: 0, gain: 1 });
  });
  it('fades with distance (inverse model) and stops fading at maxDistance', () => {
    expect(spatialize(0, 240).gain).toBeCloseTo(0.5, 5);
    expect(spatialize(0, 5000).gain).toBeCloseTo(spatialize(0, 900).gain, 10);
  });
  it('pans toward the side the NPC is on, never past panAmount', () => {
    expect(spatialize(-200, 0).pan).toBeCloseTo(-0.4, 5);
    expect(spatialize(10_000, 0).pan).toBeCloseTo(0.8, 5);
  });
  it('honours its options', () => {
    expect(spatialize(300, 0, { refDistance: 300, panWidth: 300, panAmount: 1 })).toEqual({ pan: 1, gain: 1 });
  });
});

describe('ProximityTracker', () => {
  const npc = { id: 'guard', position: { x: 0, y: 0 }, radius: 100 };
  const walk = (tracker: ProximityTracker, xs: number[]) => {
    const seen: string[] = [];
    for (const x of xs) tracker.update({ x, y: 0 }, [npc], (e) => seen.push(e.type));
    return seen;
  };
  it('approaches, enters, leaves and departs with hysteresis', () => {
    expect(walk(new ProximityTracker(), [400, 170, 90, 110, 125, 300])).toEqual(['approach', 'enter', 'leave', 'depart']);
  });
  it('does not flicker on the edge', () => {
    expect(walk(new ProximityTracker(), [95, 105, 95, 105, 95])).toEqual(['approach', 'enter']);
  });
});

describe('LipSync', () => {
  it('opens fast on sound, closes on silence, and stays shut under the gate', () => {
    const lip = new LipSync();
    expect(lip.update(0.005, 16)).toBe(0);
    for (let i = 0; i < 5; i++) lip.update(0.2, 16);
    expect(lip.mouthOpen).toBeGreaterThan(0.9);
    for (let i = 0; i < 40; i++) lip.update(0, 16);
    expect(lip.mouthOpen).toBe(0);
  });
  it('opens wider for louder speech', () => {
    const quiet = new LipSync();
    const loud = new LipSync();
    for (let i = 0; i < 30; i++) {
      quiet.update(0.04, 16);
      loud.update(0.15, 16);
    }
    expect(loud.mouthOpen).toBeGreaterThan(quiet.mouthOpen);
  });
});

describe('SilentVoice', () => {
  it('plays by the clock so subtitles and turns work without audio', () => {
    let now = 0;
    const voice = new SilentVoice(24000, () => now);
    voice.enqueue(new Float32Array(24000));
    expect(voice.state).toBe('playing');
    now = 500;
    voice.update();
    expect(voice.consumedFrames).toBe(12000);
    now = 1500;
    voice.update();
    expect(voice.state).toBe('idle');
    expect(voice.bufferedMs).toBe(0);
  });
});

describe('SubtitleTrack', () => {
  it('shows pieces once playback reaches them and becomes final when the turn is done', () => {
    const t = new SubtitleTrack();
    t.push('Hello ', 0);
    t.push('there.', 1000);
    expect(t.update(0)).toEqual({ text: 'Hello ', final: false });
    expect(t.update(500)).toBeNull();
    t.finish();
    expect(t.update(1000)).toEqual({ text: 'Hello there.', final: true });
    expect(t.update(2000)).toBeNull();
  });
});

describe('ConversationMemory', () => {
  it('remembers history and a handle, which expires after two hours', () => {
    const m = new ConversationMemory();
    m.remember('guard', [{ speaker: 'npc', text: 'Halt!', at: 1 }], 'h1', 0);
    expect(m.get('guard', 60_000)).toMatchObject({ handle: 'h1', history: [{ text: 'Halt!' }] });
    expect(m.get('guard', 2 * 60 * 60 * 1000).handle).toBeNull();
  });
  it('remembering the same handle again does not make it fresh: it still expires two hours after it was issued', () => {
    const m = new ConversationMemory();
    m.remember('guard', [], 'h1', 0);
    m.remember('guard', [], 'h1', 90 * 60 * 1000); // a conversation that never got a new handle
    expect(m.get('guard', 2 * 60 * 60 * 1000).handle).toBeNull();
    m.remember('guard', [], 'h2', 90 * 60 * 1000);
    expect(m.get('guard', 2 * 60 * 60 * 1000).handle).toBe('h2');
  });
  it('saves to JSON and loads back, skipping malformed entries', () => {
    const m = new ConversationMemory();
    m.remember('guard', [{ speaker: 'player', text: 'Hi', at: 1 }], null, 5);
    const copy = new ConversationMemory();
    copy.load(JSON.parse(JSON.stringify(m)));
    copy.load({ bad: { history: 'nope' }, worse: null });
    expect(copy.get('guard').history).toEqual([{ speaker: 'player', text: 'Hi', at: 1 }]);
    expect(copy.get('bad').history).toEqual([]);
  });
});
