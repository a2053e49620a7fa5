import { afterEach, describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from '../../src/plugin/events.ts';

interface Events {
  ping: { n: number };
  done: undefined;
}
class Emitter extends TypedEmitter<Events> {
  fire<K extends keyof Events>(k: K, p: Events[K]) {
    this.emit(k, p);
  }
}

afterEach(() => vi.useRealTimers());

describe('TypedEmitter', () => {
  it('delivers payloads until the subscription is closed', () => {
    const e = new Emitter();
    const seen: number[] = [];
    const sub = e.on('ping', ({ n }) => seen.push(n));
    e.fire('ping', { n: 1 });
    sub.close();
    e.fire('ping', { n: 2 });
    expect(seen).toEqual([1]);
    expect(e.listenerCount()).toBe(0);
  });

  it('once() fires a single time', () => {
    const e = new Emitter();
    let count = 0;
    e.once('done', () => count++);
    e.fire('done', undefined);
    e.fire('done', undefined);
    expect(count).toBe(1);
  });

  it('a throwing handler does not stop the others or the emitter; the error resurfaces on a new task', () => {
    vi.useFakeTimers();
    const e = new Emitter();
    const seen: string[] = [];
    e.on('ping', () => {
      throw new Error('game bug');
    });
    e.on('ping', () => seen.push('second'));
    expect(() => e.fire('ping', { n: 1 })).not.toThrow();
    expect(seen).toEqual(['second']);
    expect(() => vi.runAllTimers()).toThrow('game bug');
  });

  it('removeAllListeners() forgets everything', () => {
    const e = new Emitter();
    e.on('ping', () => {});
    e.on('done', () => {});
    expect(e.listenerCount()).toBe(2);
    e.removeAllListeners();
    expect(e.listenerCount()).toBe(0);
  });
});
