/** How an NPC's voice carries across the game world (in world units, e.g. pixels). */
export interface SpatialOptions {
  /**
   * Distance at which the voice is at full volume.
   * @defaultValue 120
   */
  refDistance?: number;
  /**
   * Beyond this the voice gets no quieter.
   * @defaultValue 900
   */
  maxDistance?: number;
  /**
   * How fast the voice fades past `refDistance` (inverse-distance model).
   * @defaultValue 1
   */
  rolloff?: number;
  /**
   * Horizontal offset at which the voice is fully on one side.
   * @defaultValue 400
   */
  panWidth?: number;
  /**
   * How much of a full pan to apply (0 = centred, 1 = hard left/right at `panWidth`).
   * @defaultValue 0.8
   */
  panAmount?: number;
}

const DEFAULTS: Required<SpatialOptions> = { refDistance: 120, maxDistance: 900, rolloff: 1, panWidth: 400, panAmount: 0.8 };

/** Where a voice sits for the listener: pan (−1..1) and distance gain (0..1). */
export interface SpatialPlacement {
  pan: number;
  gain: number;
}

/** The options with every default filled in (resolve once, then place every frame). */
export function resolveSpatial(options: SpatialOptions = {}): Readonly<Required<SpatialOptions>> {
  return { ...DEFAULTS, ...options };
}

/**
 * Writes into `out` the pan and gain of a voice at offset (dx, dy) from the listener, allocating
 * nothing (it runs every frame): Web Audio's inverse distance model
 * (`ref / (ref + rolloff·(d − ref))`, d clamped to [ref, max]) and a pan that follows the horizontal offset.
 */
export function placeVoice(dx: number, dy: number, o: Readonly<Required<SpatialOptions>>, out: SpatialPlacement): SpatialPlacement {
  const d = Math.min(Math.max(Math.sqrt(dx * dx + dy * dy), o.refDistance), o.maxDistance);
  out.gain = o.refDistance / (o.refDistance + o.rolloff * (d - o.refDistance));
  out.pan = Math.max(-1, Math.min(1, dx / o.panWidth)) * o.panAmount;
  return out;
}

/** Pan (−1..1) and gain (0..1) for a voice at offset (dx, dy) from the listener (see {@link placeVoice}). */
export function spatialize(dx: number, dy: number, options: SpatialOptions = {}): SpatialPlacement {
  return placeVoice(dx, dy, resolveSpatial(options), { pan: 0, gain: 1 });
}
