/** Something with a position. */
export interface Positioned {
  readonly x: number;
  readonly y: number;
}

/** What changed for one NPC this frame. */
export type ProximityEvent = { type: 'approach' | 'enter' | 'leave' | 'depart'; id: string };

/**
 * Who is near the listener, with hysteresis so standing on the edge does not flicker:
 * `approach` inside `earlyFactor × radius` (time to connect ahead), `enter` inside `radius`,
 * `leave` outside `leaveFactor × radius`, `depart` outside the early zone again.
 */
export class ProximityTracker {
  private readonly inside = new Set<string>();
  private readonly near = new Set<string>();

  constructor(
    private readonly leaveFactor = 1.2,
    private readonly earlyFactor = 1.8,
  ) {}

  /** Compares every NPC with the listener; calls `emit` for each change. Allocation-free when nothing changes. */
  update(
    listener: Positioned,
    npcs: Iterable<{ id: string; position: Positioned; radius: number }>,
    emit: (e: ProximityEvent) => void,
  ): void {
    for (const npc of npcs) {
      const d = Math.hypot(npc.position.x - listener.x, npc.position.y - listener.y);
      const { id, radius } = npc;
      if (!this.near.has(id) && d <= radius * this.earlyFactor) {
        this.near.add(id);
        emit({ type: 'approach', id });
      }
      if (!this.inside.has(id) && d <= radius) {
        this.inside.add(id);
        emit({ type: 'enter', id });
      } else if (this.inside.has(id) && d > radius * this.leaveFactor) {
        this.inside.delete(id);
        emit({ type: 'leave', id });
      }
      if (this.near.has(id) && d > radius * this.earlyFactor * this.leaveFactor) {
        this.near.delete(id);
        emit({ type: 'depart', id });
      }
    }
  }

  /** True while the listener is within `id`'s radius. */
  isInside(id: string): boolean {
    return this.inside.has(id);
  }

  forget(id: string): void {
    this.inside.delete(id);
    this.near.delete(id);
  }

  clear(): void {
    this.inside.clear();
    this.near.clear();
  }
}
