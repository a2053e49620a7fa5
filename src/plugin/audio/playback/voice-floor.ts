/** The NPC's voice as {@link VoiceFloor} drives it (a {@link StreamingVoiceSource} has all of it). */
export interface ControllableVoice {
  enqueue(samples: Float32Array): void;
  end(): void;
  clear(): void;
  update(): void;
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  /** Speech queued and not yet played, ms. */
  readonly bufferedMs: number;
  readonly writtenFrames: number;
  readonly consumedFrames: number;
  readonly state: 'idle' | 'buffering' | 'playing';
}

/** Options of {@link VoiceFloor}. */
export interface VoiceFloorOptions {
  /**
   * Play on after a pause for the player when the service has not cut the NPC off (no
   * `interrupted`) and the player has been quiet this long. @defaultValue 700
   */
  resumeAfterQuietMs?: number;
}

/** What the floor needs to know of the echo guard each frame. */
export interface FloorHolder {
  /** True while the player has the floor over the NPC. */
  readonly playerHasFloor: boolean;
}

/**
 * The one owner of the NPC's voice: it alone pauses, resumes and clears it. The conversation feeds
 * and cuts it (it is the conversation's voice output: `clear()` is the cut), the microphone path
 * asks it to yield.
 *
 * Local barge-in: the moment the echo guard gives the player the floor, the voice pauses
 * ({@link yieldToPlayer}) instead of waiting for the service to hear the player and say
 * `interrupted`. Besides the round trip this frees the player's voice: while the NPC plays, the
 * browser's echo canceller suppresses the microphone. Nothing is lost on a false alarm: the queue
 * waits, and plays on from the same sample when the guard finds it was the NPC's own echo
 * ({@link dismiss}) or once the player has been quiet for
 * {@link VoiceFloorOptions.resumeAfterQuietMs} without the service cutting the NPC off.
 *
 * @example
 * ```ts
 * const floor = new VoiceFloor(voice);
 * const conversation = new Conversation({ npc, live, voice: floor });
 * // the microphone path, per chunk and per frame:
 * if (guard.playerHasFloor && !hadFloor) floor.yieldToPlayer(now);
 * if (chunk.voiced) floor.heard(now);
 * floor.followPlayer(now, guard);
 * ```
 */
export class VoiceFloor {
  /** Times the voice paused for the player. */
  yields = 0;
  /** …of which the service confirmed (it cut the NPC off). */
  confirmed = 0;
  /** …and of which it did not, so the NPC played on. */
  resumed = 0;
  /** …of which the guard found at once were the NPC's own echo ({@link dismiss}). */
  dismissed = 0;
  private readonly resumeAfterQuietMs: number;
  private yielded = false;
  private lastHeardAt = 0;

  constructor(
    private readonly voice: ControllableVoice,
    options: VoiceFloorOptions = {},
  ) {
    this.resumeAfterQuietMs = options.resumeAfterQuietMs ?? 700;
  }

  /** True while the voice is paused waiting on the player. */
  get yielding(): boolean {
    return this.yielded;
  }

  // ——— the microphone path ———

  /**
   * The player took the floor: pause the NPC, if it has something left to say (a voice that has
   * finished its line must not hold back its reply). Returns whether it paused.
   */
  yieldToPlayer(nowMs: number): boolean {
    if (this.yielded || this.voice.paused || this.voice.bufferedMs <= 0) return false;
    this.voice.pause();
    this.yielded = true;
    this.yields++;
    this.lastHeardAt = nowMs;
    return true;
  }

  /** The player's voice was heard now. */
  heard(nowMs: number): void {
    this.lastHeardAt = nowMs;
  }

  /** The guard found that the sound was the NPC's own echo: play on at once. */
  dismiss(): void {
    if (!this.yielded) return;
    this.dismissed++;
    this.playOn();
  }

  /** Per frame: play on once the player is quiet long enough and no longer holds the floor. */
  followPlayer(nowMs: number, floor: FloorHolder): void {
    if (this.yielded && !floor.playerHasFloor && nowMs - this.lastHeardAt >= this.resumeAfterQuietMs) this.playOn();
  }

  // ——— the conversation's voice output ———

  /** Cuts the NPC off (the service said `interrupted`, the player pressed talk or typed): its queue is dropped. */
  clear(): void {
    if (this.yielded) {
      this.yielded = false;
      this.confirmed++;
    }
    this.voice.clear();
  }

  enqueue(samples: Float32Array): void {
    this.voice.enqueue(samples);
  }

  end(): void {
    this.voice.end();
  }

  update(): void {
    this.voice.update();
  }

  get writtenFrames(): number {
    return this.voice.writtenFrames;
  }

  get consumedFrames(): number {
    return this.voice.consumedFrames;
  }

  get bufferedMs(): number {
    return this.voice.bufferedMs;
  }

  get state(): 'idle' | 'buffering' | 'playing' {
    return this.voice.state;
  }

  private playOn(): void {
    this.yielded = false;
    this.resumed++;
    this.voice.resume();
  }
}
