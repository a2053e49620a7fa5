/** A handle returned by `on()`: close it to stop listening. */
export interface Subscription {
  close(): void;
}

type Handler<T> = (payload: T) => void;

/**
 * A small typed event emitter (Excalibur's shape): `on()` is checked against the event map and
 * returns a {@link Subscription}. A handler that throws does not stop the other handlers or the
 * code that emitted: the error is re-thrown on a fresh task, where the game's error reporting
 * sees it, so a bug in a game's subtitle handler never stalls the audio pipeline.
 *
 * @example
 * ```ts
 * const sub = conversation.on('state', ({ state }) => hud.setText(state));
 * sub.close();
 * ```
 */
export class TypedEmitter<Events extends object> {
  private readonly handlers = new Map<keyof Events, Set<Handler<never>>>();

  /** Calls `handler` every time `event` is emitted until the subscription is closed. */
  on<K extends keyof Events>(event: K, handler: (payload: Events[K]) => void): Subscription {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler as Handler<never>);
    return { close: () => this.off(event, handler) };
  }

  /** Calls `handler` the next time `event` is emitted, then forgets it. */
  once<K extends keyof Events>(event: K, handler: (payload: Events[K]) => void): Subscription {
    const sub = this.on(event, (payload) => {
      sub.close();
      handler(payload);
    });
    return sub;
  }

  /** Stops calling `handler` for `event`. */
  off<K extends keyof Events>(event: K, handler: (payload: Events[K]) => void): void {
    const set = this.handlers.get(event);
    if (!set) return;
    set.delete(handler as Handler<never>);
    if (set.size === 0) this.handlers.delete(event);
  }

  /** Number of handlers for `event`, or for all events. */
  listenerCount(event?: keyof Events): number {
    if (event !== undefined) return this.handlers.get(event)?.size ?? 0;
    let total = 0;
    for (const set of this.handlers.values()) total += set.size;
    return total;
  }

  /** Forgets every handler (part of `destroy()`). */
  removeAllListeners(): void {
    this.handlers.clear();
  }

  /** Calls the handlers of `event` with `payload`. */
  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.handlers.get(event);
    if (!set) return;
    // Iterating the live Set is safe when a handler unsubscribes (Set iteration tolerates it)
    // and copies nothing, which matters for per-frame events.
    for (const handler of set) {
      try {
        (handler as Handler<Events[K]>)(payload);
      } catch (error) {
        setTimeout(() => {
          throw error;
        }, 0);
      }
    }
  }
}
