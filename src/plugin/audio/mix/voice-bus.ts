import { placeVoice, resolveSpatial, type SpatialOptions, type SpatialPlacement } from './spatial.js';

/** Options of {@link VoiceBus}. */
export interface VoiceBusOptions {
  /** Voice volume (before distance). @defaultValue 1 */
  volume?: number;
  /** Distance and pan; `false` keeps the voice centred and at full volume. */
  spatial?: SpatialOptions | false;
  /** Smoothing of pan and distance changes, seconds (no zipper noise as things move). @defaultValue 0.05 */
  smoothing?: number;
}

/**
 * An NPC's voice chain inside the game's mixer: input → volume → distance gain → stereo pan →
 * destination (Phaser's `sound.destination`, so master volume and mute apply). Moves are
 * smoothed with `setTargetAtTime`, never stepped.
 *
 * @example
 * ```ts
 * const bus = new VoiceBus(ctx, game.sound.destination);
 * voice.connect(bus.input);
 * bus.setOffset(npc.x - player.x, npc.y - player.y); // each frame
 * ```
 */
export class VoiceBus {
  readonly input: GainNode;
  private readonly distance: GainNode;
  private readonly panner: StereoPannerNode;
  private readonly spatial: Readonly<Required<SpatialOptions>> | null;
  /** Reused every frame: setOffset allocates nothing. */
  private readonly placement: SpatialPlacement = { pan: 0, gain: 1 };
  private readonly smoothing: number;
  private lastPan = Number.NaN;
  private lastGain = Number.NaN;
  private destroyed = false;

  constructor(
    private readonly context: BaseAudioContext,
    destination: AudioNode,
    options: VoiceBusOptions = {},
  ) {
    this.input = context.createGain();
    this.input.gain.value = options.volume ?? 1;
    this.distance = context.createGain();
    this.panner = context.createStereoPanner();
    this.input.connect(this.distance).connect(this.panner).connect(destination);
    this.spatial = options.spatial === false ? null : resolveSpatial(options.spatial);
    this.smoothing = options.smoothing ?? 0.05;
  }

  /** The end of the chain: what the listener hears of this voice (the echo reference taps it). */
  get output(): AudioNode {
    return this.panner;
  }

  /** Voice volume, 0..1. */
  setVolume(volume: number): void {
    this.input.gain.setTargetAtTime(Math.max(0, volume), this.context.currentTime, this.smoothing);
  }

  /** Where the NPC is relative to the listener (world units). */
  setOffset(dx: number, dy: number): void {
    if (this.destroyed || this.spatial === null) return;
    const place = placeVoice(dx, dy, this.spatial, this.placement);
    // Skip inaudible changes: this runs every frame and automation events are not free.
    if (Math.abs(place.pan - this.lastPan) > 0.005) {
      this.panner.pan.setTargetAtTime(place.pan, this.context.currentTime, this.smoothing);
      this.lastPan = place.pan;
    }
    if (Math.abs(place.gain - this.lastGain) > 0.002) {
      this.distance.gain.setTargetAtTime(place.gain, this.context.currentTime, this.smoothing);
      this.lastGain = place.gain;
    }
  }

  /** Disconnects the chain. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.input.disconnect();
    this.distance.disconnect();
    this.panner.disconnect();
  }
}
