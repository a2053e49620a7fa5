/** Options of {@link Ducker}. */
export interface DuckingOptions {
  /** Level the ducked sounds go down to. @defaultValue 0.3 */
  level?: number;
  /** Time constant going down, seconds. @defaultValue 0.08 */
  attack?: number;
  /** Time constant coming back, seconds. @defaultValue 0.35 */
  release?: number;
}

/**
 * A gain stage that ducks whatever is routed through it (music, effects) while an NPC speaks, with
 * exponential ramps both ways — never a step, which would click.
 *
 * @example
 * ```ts
 * const ducker = new Ducker(ctx, game.sound.destination);
 * music.connect(ducker.input);
 * ducker.setDucked(voice.state === 'playing'); // each frame; ramps only on change
 * ```
 */
export class Ducker {
  readonly input: GainNode;
  private ducked = false;
  private readonly level: number;
  private readonly attack: number;
  private readonly release: number;

  constructor(
    private readonly context: BaseAudioContext,
    destination: AudioNode,
    options: DuckingOptions = {},
  ) {
    this.level = options.level ?? 0.3;
    this.attack = options.attack ?? 0.08;
    this.release = options.release ?? 0.35;
    this.input = context.createGain();
    this.input.connect(destination);
  }

  get isDucked(): boolean {
    return this.ducked;
  }

  /** Ducks or releases (a ramp starts only when the state changes). */
  setDucked(ducked: boolean): void {
    if (ducked === this.ducked) return;
    this.ducked = ducked;
    const gain = this.input.gain;
    const t = this.context.currentTime;
    gain.cancelScheduledValues(t);
    gain.setValueAtTime(gain.value, t);
    gain.setTargetAtTime(ducked ? this.level : 1, t, ducked ? this.attack : this.release);
  }

  destroy(): void {
    this.input.disconnect();
  }
}
