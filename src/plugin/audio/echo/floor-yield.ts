/** What {@link FloorYield} needs of the NPC's voice (a {@link StreamingVoiceSource} has it). */
export interface PausableVoice {
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  /** Speech queued and not yet played, ms. */
  readonly bufferedMs: number;
}

/** Options of {@link FloorYield}. */
export interface FloorYieldOptions {
  /**
   * Play on when the service has not confirmed the barge-in (no `interrupted`, so the voice was
   * not cleared) and the microphone has been quiet this long. @defaultValue 700
   */
  resumeAfterQuietMs?: number;
}

/**
 * Local barge-in: pauses the NPC's voice the moment the echo guard gives the player the floor,
 * instead of waiting for the service to hear them and say `interrupted`.
 *
 * Besides the round trip, this frees the player's own voice: while she plays, the browser's echo
 * canceller suppresses the microphone (double talk) and the service hears the player late and
 * faint; once she pauses, the player comes through at full level. Nothing is lost on a false
 * alarm: the voice's queue waits, and plays on from the same sample once the microphone has been
 * quiet for {@link FloorYieldOptions.resumeAfterQuietMs} without the service clearing it.
 *
 * @example
 * ```ts
 * const yieldFloor = new FloorYield(voice);
 * // every frame, after the guard has seen the new microphone audio:
 * yieldFloor.update(guard.playerHasFloor, micLevel > 0.002, performance.now(), guard.falseAlarms);
 * ```
 */
export class FloorYield {
  /** Times the voice was paused for the player. */
  yields = 0;
  /** …of which the service confirmed (it cleared the voice). */
  confirmed = 0;
  /** …and of which it did not, so she played on. */
  resumed = 0;
  private readonly resumeAfterQuietMs: number;
  private pausedByUs = false;
  private hadFloor = false;
  private lastLoudAt = 0;
  private falseAlarms = 0;

  constructor(
    private readonly voice: PausableVoice,
    options: FloorYieldOptions = {},
  ) {
    this.resumeAfterQuietMs = options.resumeAfterQuietMs ?? 700;
  }

  /** True while the voice is paused waiting on the player. */
  get yielding(): boolean {
    return this.pausedByUs;
  }

  /**
   * Call once per frame with whether the guard gives the player the floor now, whether the
   * microphone hears sound now, a clock in ms, and the guard's count of false alarms (a probe that
   * found her echo: she plays on at once).
   */
  update(playerHasFloor: boolean, micLoud: boolean, nowMs: number, falseAlarms = 0): void {
    if (micLoud) this.lastLoudAt = nowMs;
    const dismissed = falseAlarms !== this.falseAlarms;
    this.falseAlarms = falseAlarms;
    const granted = playerHasFloor && !this.hadFloor;
    this.hadFloor = playerHasFloor;
    if (this.pausedByUs && !this.voice.paused) {
      // Cleared (the service heard the player and said `interrupted`) — or resumed by someone else.
      this.pausedByUs = false;
      this.confirmed++;
    }
    // Only a voice with something left to say pauses: one that has finished must not hold back her reply.
    if (granted && !this.pausedByUs && !this.voice.paused && this.voice.bufferedMs > 0) {
      this.voice.pause();
      this.pausedByUs = true;
      this.yields++;
      this.lastLoudAt = nowMs;
      return;
    }
    if (this.pausedByUs && !playerHasFloor && (dismissed || nowMs - this.lastLoudAt >= this.resumeAfterQuietMs)) {
      this.voice.resume();
      this.pausedByUs = false;
      this.resumed++;
    }
  }
}
