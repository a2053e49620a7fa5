import type { LiveConnection } from '../live/live-connection.js';

/**
 * Connections opened ahead of time, one per NPC the listener is approaching, so the first reply
 * does not wait for the handshake. A connection is handed over once (to the conversation that
 * starts) or closed when the listener walks away.
 *
 * @example
 * ```ts
 * early.prepare('guard', () => new LiveConnection({ model, params }));
 * const live = early.take('guard') ?? new LiveConnection({ model, params });
 * ```
 */
export class EarlyConnect {
  private readonly prepared = new Map<string, LiveConnection>();

  /** Opens a connection for `id` unless one is already open or opening. */
  prepare(id: string, create: () => LiveConnection): void {
    if (this.prepared.has(id)) return;
    const live = create();
    this.prepared.set(id, live);
    live.connect().catch(() => {
      // The conversation will connect again and report what went wrong.
      if (this.prepared.get(id) === live) this.prepared.delete(id);
    });
  }

  /** The connection prepared for `id`, handed over (the caller owns it now); null if none is usable. */
  take(id: string): LiveConnection | null {
    const live = this.prepared.get(id);
    this.prepared.delete(id);
    return live && live.state !== 'closed' ? live : null;
  }

  /** Whether a connection is prepared for `id`. */
  has(id: string): boolean {
    return this.prepared.has(id);
  }

  /** Closes the connection prepared for `id`, if any. */
  async drop(id: string): Promise<void> {
    const live = this.prepared.get(id);
    this.prepared.delete(id);
    await live?.destroy();
  }

  /** Closes every prepared connection. */
  async destroy(): Promise<void> {
    const all = [...this.prepared.values()];
    this.prepared.clear();
    await Promise.all(all.map((live) => live.destroy()));
  }
}
