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

/**
 * Pan (−1..1) and gain (0..1) for a voice at offset (dx, dy) from the listener: Web Audio's
 * inverse distance model (`ref / (ref + rolloff·(d − ref))`, clamped to [ref, max]), and a pan
 * that follows the horizontal offset.
 */
export function spatialize(dx: number, dy: number, options: SpatialOptions = {}): { pan: number; gain: number } {
  const o = { ...DEFAULTS, ...options };
  const d = Math.min(Math.max(Math.hypot(dx, dy), o.refDistance), o.maxDistance);
  const gain = o.refDistance / (o.refDistance + o.rolloff * (d - o.refDistance));
  const pan = Math.max(-1, Math.min(1, dx / o.panWidth)) * o.panAmount;
  return { pan, gain };
}
