/** Counts open sessions per key (client address, or token digest) against a cap. */
export class SessionCounter {
  private readonly counts = new Map<string, number>();

  constructor(readonly cap: number) {}

  /** Takes a place for `key`; false (nothing taken) when it already has `cap`. */
  take(key: string): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n >= this.cap) return false;
    this.counts.set(key, n + 1);
    return true;
  }

  /** Gives back a place taken with {@link take}. */
  release(key: string): void {
    const n = this.counts.get(key) ?? 0;
    if (n <= 1) this.counts.delete(key);
    else this.counts.set(key, n - 1);
  }

  /** Open sessions for `key`. */
  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Keys with at least one session (the map never keeps zeros). */
  get size(): number {
    return this.counts.size;
  }
}
