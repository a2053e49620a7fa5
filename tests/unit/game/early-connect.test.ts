import { describe, expect, it } from 'vitest';
import { EarlyConnect } from '../../../src/plugin/game/early-connect.ts';
import type { LiveConnection } from '../../../src/plugin/live/live-connection.ts';

/** The part of a Live connection EarlyConnect uses, counting calls. */
class FakeConnection {
  state: 'idle' | 'connecting' | 'open' | 'closed' = 'idle';
  connects = 0;
  destroys = 0;
  constructor(private readonly fail = false) {}
  async connect(): Promise<void> {
    this.connects++;
    this.state = 'connecting';
    if (this.fail) {
      this.state = 'closed';
      throw new Error('refused');
    }
    this.state = 'open';
  }
  async destroy(): Promise<void> {
    this.destroys++;
    this.state = 'closed';
  }
}

function asLive(fake: FakeConnection): LiveConnection {
  return fake as unknown as LiveConnection;
}

/** Lets pending promise callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('EarlyConnect', () => {
  it('opens one connection per NPC however often it is asked', () => {
    const early = new EarlyConnect();
    const made: FakeConnection[] = [];
    const create = (): LiveConnection => {
      const c = new FakeConnection();
      made.push(c);
      return asLive(c);
    };
    early.prepare('guard', create);
    early.prepare('guard', create);
    early.prepare('smith', create);
    expect(made.length).toBe(2);
    expect(made.map((c) => c.connects)).toEqual([1, 1]);
    expect(early.has('guard')).toBe(true);
    expect(early.has('smith')).toBe(true);
  });

  it('hands a prepared connection over once', async () => {
    const early = new EarlyConnect();
    const c = new FakeConnection();
    early.prepare('guard', () => asLive(c));
    await settle();
    expect(early.take('guard')).toBe(asLive(c));
    expect(early.take('guard')).toBeNull();
    expect(early.has('guard')).toBe(false);
    expect(c.destroys).toBe(0);
  });

  it('returns null for an NPC with nothing prepared', () => {
    expect(new EarlyConnect().take('nobody')).toBeNull();
  });

  it('does not hand over a connection that has closed', () => {
    const early = new EarlyConnect();
    const c = new FakeConnection();
    early.prepare('guard', () => asLive(c));
    c.state = 'closed';
    expect(early.take('guard')).toBeNull();
    expect(early.has('guard')).toBe(false);
  });

  it('forgets a connection that failed to connect, so the next approach tries again', async () => {
    const early = new EarlyConnect();
    early.prepare('guard', () => asLive(new FakeConnection(true)));
    await settle();
    expect(early.has('guard')).toBe(false);
    const second = new FakeConnection();
    early.prepare('guard', () => asLive(second));
    expect(second.connects).toBe(1);
    expect(early.has('guard')).toBe(true);
  });

  it('drops and closes the connection of one NPC', async () => {
    const early = new EarlyConnect();
    const guard = new FakeConnection();
    const smith = new FakeConnection();
    early.prepare('guard', () => asLive(guard));
    early.prepare('smith', () => asLive(smith));
    await early.drop('guard');
    expect(guard.destroys).toBe(1);
    expect(smith.destroys).toBe(0);
    expect(early.has('guard')).toBe(false);
    expect(early.has('smith')).toBe(true);
  });

  it('closes every prepared connection when destroyed', async () => {
    const early = new EarlyConnect();
    const all = [new FakeConnection(), new FakeConnection(), new FakeConnection()];
    for (const [i, c] of all.entries()) early.prepare(`npc${i}`, () => asLive(c));
    await early.destroy();
    expect(all.map((c) => c.destroys)).toEqual([1, 1, 1]);
    expect(all.some((_, i) => early.has(`npc${i}`))).toBe(false);
  });

  it('does not close a connection it has handed over', async () => {
    const early = new EarlyConnect();
    const c = new FakeConnection();
    early.prepare('guard', () => asLive(c));
    early.take('guard');
    await early.drop('guard');
    await early.destroy();
    expect(c.destroys).toBe(0);
  });
});
