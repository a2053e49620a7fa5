import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PendingSpeech } from '../../../../src/plugin/audio/playback/pending-speech.ts';

/** A queue with room for `room` frames: takes what fits, records what it took and the ends. */
function sink(room: number) {
  const taken: number[] = [];
  let free = room;
  return {
    taken,
    ends: [] as number[],
    free: (n: number) => {
      free += n;
    },
    push: (samples: Float32Array, start: number, end: number): number => {
      const n = Math.min(free, end - start);
      for (let i = start; i < start + n; i++) taken.push(samples[i] as number);
      free -= n;
      return n;
    },
  };
}

const ramp = (from: number, n: number) => Float32Array.from({ length: n }, (_, i) => from + i);

describe('PendingSpeech', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('moves speech on in order as room appears, with the ends of utterances where they were', () => {
    const tick = vi.fn();
    const pending = new PendingSpeech(tick);
    const q = sink(3);
    pending.add(ramp(0, 4));
    pending.add(null);
    pending.add(ramp(4, 2));
    expect(pending.frames).toBe(6);
    pending.drain(q.push, () => q.ends.push(q.taken.length));
    expect([q.taken, q.ends, pending.frames, pending.empty]).toEqual([[0, 1, 2], [], 3, false]);
    q.free(10);
    pending.drain(q.push, () => q.ends.push(q.taken.length));
    expect([q.taken, q.ends, pending.frames, pending.empty]).toEqual([[0, 1, 2, 3, 4, 5], [4], 0, true]);
  });

  it('ticks every 20 ms while speech waits, and stops once it has all moved on', () => {
    const tick = vi.fn();
    const pending = new PendingSpeech(tick);
    pending.add(ramp(0, 2));
    vi.advanceTimersByTime(60);
    expect(tick).toHaveBeenCalledTimes(3);
    pending.drain(sink(10).push, () => {});
    vi.advanceTimersByTime(100);
    expect(tick).toHaveBeenCalledTimes(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clear() drops what waits and says how much; destroy() leaves no timer', () => {
    const pending = new PendingSpeech(() => {});
    pending.add(ramp(0, 5));
    pending.add(null);
    expect(pending.clear()).toBe(5);
    expect([pending.frames, pending.empty, vi.getTimerCount()]).toEqual([0, true, 0]);
    pending.add(ramp(0, 5));
    expect(vi.getTimerCount()).toBe(1);
    pending.destroy();
    expect([pending.frames, vi.getTimerCount()]).toEqual([0, 0]);
  });
});
