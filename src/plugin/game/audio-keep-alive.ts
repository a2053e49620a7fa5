/** The part of Phaser's sound manager that suspends audio on blur. */
export interface BlurPausing {
  pauseOnBlur: boolean;
}

/** The events a keep-alive listens to for a user gesture (a `document`). */
export interface GestureTarget {
  addEventListener(type: string, listener: () => void, capture: boolean): void;
  removeEventListener(type: string, listener: () => void, capture: boolean): void;
}

const GESTURES = ['pointerdown', 'keydown', 'touchend'] as const;

/**
 * Keeps the game's AudioContext running while a conversation does. Phaser suspends the whole
 * context on blur, and a browser's autoplay policy may keep it suspended: either would freeze a
 * conversation silently. While held, Phaser's `pauseOnBlur` is off, a suspended context is resumed
 * at once, and again on the next click, key or touch if the browser wants a gesture. Speech that
 * arrives meanwhile stays queued. {@link release} puts everything back.
 *
 * @example
 * ```ts
 * const keepAlive = new AudioKeepAlive(game.sound, context, document);
 * keepAlive.hold();    // a conversation starts
 * keepAlive.release(); // it ends
 * ```
 */
export class AudioKeepAlive {
  private savedPauseOnBlur: boolean | null = null;
  private holding = false;
  private gestureListening = false;
  private readonly onStateChange = (): void => this.resume();
  private readonly onGesture = (): void => {
    this.stopGestures();
    if (this.holding) this.context?.resume().catch(() => {});
  };

  constructor(
    private readonly sound: BlurPausing | null,
    private readonly context: AudioContext | null,
    private readonly gestures: GestureTarget | null = typeof document === 'undefined' ? null : document,
  ) {}

  /** Whether gesture listeners are waiting to resume the context. */
  get waitingForGesture(): boolean {
    return this.gestureListening;
  }

  /**
   * Keeps the context running until {@link release}; `keepThroughBlur` also stops Phaser from
   * suspending it on blur (the `onBlur: 'continue'` setting).
   */
  hold(keepThroughBlur: boolean): void {
    if (this.holding) return;
    this.holding = true;
    if (keepThroughBlur && this.sound) {
      this.savedPauseOnBlur = this.sound.pauseOnBlur;
      this.sound.pauseOnBlur = false;
    }
    if (!keepThroughBlur) return;
    this.context?.addEventListener('statechange', this.onStateChange);
    this.resume();
  }

  /** Gives Phaser back its blur setting and stops resuming the context. */
  release(): void {
    if (!this.holding) return;
    this.holding = false;
    if (this.sound && this.savedPauseOnBlur !== null) this.sound.pauseOnBlur = this.savedPauseOnBlur;
    this.savedPauseOnBlur = null;
    this.context?.removeEventListener('statechange', this.onStateChange);
    this.stopGestures();
  }

  /** Same as {@link release}. */
  destroy(): void {
    this.release();
  }

  private resume(): void {
    const context = this.context;
    if (context?.state !== 'suspended' || !this.holding) return;
    context.resume().catch(() => {});
    // Without a user activation the browser keeps it suspended: the next gesture will do.
    if (this.gestureListening || !this.gestures) return;
    this.gestureListening = true;
    for (const type of GESTURES) this.gestures.addEventListener(type, this.onGesture, true);
  }

  private stopGestures(): void {
    if (!this.gestureListening || !this.gestures) return;
    this.gestureListening = false;
    for (const type of GESTURES) this.gestures.removeEventListener(type, this.onGesture, true);
  }
}
