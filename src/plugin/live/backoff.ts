/** One wait at a time between reconnect attempts, which {@link Backoff.wake} ends early (the connection is closing). */
export class Backoff {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private wakeUp: (() => void) | null = null;

  /** Resolves after `ms`, or at once when {@link wake} is called meanwhile. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = () => {
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        this.wakeUp = null;
        resolve();
      };
      this.timer = setTimeout(this.wakeUp, ms);
    });
  }

  /** Ends the wait under way, if any. */
  wake(): void {
    this.wakeUp?.();
  }
}
