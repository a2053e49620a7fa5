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
  private shape: Required<DuckingOptions>;

  constructor(
    private readonly context: BaseAudioContext,
    destination: AudioNode,
    options: DuckingOptions = {},
  ) {
    this.shape = withDefaults(options);
    this.input = context.createGain();
    this.input.connect(destination);
  }

  get isDucked(): boolean {
    return this.ducked;
  }

  /** Changes the depth and ramps (options left out go back to their defaults); a ducked stage ramps to the new depth. */
  configure(options: DuckingOptions): void {
    this.shape = withDefaults(options);
    if (this.ducked) this.ramp(true);
  }

  /** Ducks or releases (a ramp starts only when the state changes). */
  setDucked(ducked: boolean): void {
    if (ducked === this.ducked) return;
    this.ducked = ducked;
    this.ramp(ducked);
  }

  private ramp(ducked: boolean): void {
    const gain = this.input.gain;
    const t = this.context.currentTime;
    gain.cancelScheduledValues(t);
    gain.setValueAtTime(gain.value, t);
    const { level, attack, release } = this.shape;
    gain.setTargetAtTime(ducked ? level : 1, t, ducked ? attack : release);
  }

  destroy(): void {
    this.input.disconnect();
  }
}

function withDefaults(options: DuckingOptions): Required<DuckingOptions> {
  return { level: options.level ?? 0.3, attack: options.attack ?? 0.08, release: options.release ?? 0.35 };
}
