interface Pending {
  readonly samples: Float32Array | null; // null marks an end()
  offset: number;
}

/**
 * Speech waiting on the main thread for room in a voice's queue, in order, with the ends of
 * utterances marked among it. While anything waits, a timer calls `tick` every 20 ms, so the
 * speech moves on even when nobody calls the voice's `update()`.
 */
export class PendingSpeech {
  private readonly items: Pending[] = [];
  private framesValue = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly tick: () => void) {}

  /** Frames waiting. */
  get frames(): number {
    return this.framesValue;
  }

  get empty(): boolean {
    return this.items.length === 0;
  }

  /** Queues `samples` (kept, not copied) or, with null, the end of an utterance. */
  add(samples: Float32Array | null): void {
    this.items.push({ samples, offset: 0 });
    if (samples) this.framesValue += samples.length;
    this.timer ??= setInterval(this.tick, 20);
  }

  /**
   * Moves waiting speech on, oldest first: `push` takes what fits and says how much it took,
   * `markEnd` takes an end. Stops at the first speech that did not fit whole.
   */
  drain(push: (samples: Float32Array, start: number, end: number) => number, markEnd: () => void): void {
    while (this.items.length > 0) {
      const head = this.items[0] as Pending;
      if (head.samples === null) {
        markEnd();
      } else {
        const took = push(head.samples, head.offset, head.samples.length);
        head.offset += took;
        this.framesValue -= took;
        if (head.offset < head.samples.length) return;
      }
      this.items.shift();
    }
    this.stopTimer();
  }

  /** Drops everything waiting; returns the frames dropped. */
  clear(): number {
    const dropped = this.framesValue;
    this.items.length = 0;
    this.framesValue = 0;
    this.stopTimer();
    return dropped;
  }

  /** Drops everything and stops the timer. */
  destroy(): void {
    this.clear();
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
