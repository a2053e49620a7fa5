import type * as Phaser from 'phaser';
import type { NpcDefinition } from '../dialogue/npc.js';

/** A game object the plugin can place: anything with world x/y. */
export type Placed = { x: number; y: number };

/** How {@link NpcHandle.driveMouth} moves a sprite. */
export interface MouthDriver {
  /** Frames from closed to fully open; the sprite shows the one matching `mouthOpen`. */
  frames?: (string | number)[];
  /** Scale the sprite's height between these as the mouth opens. */
  scaleY?: { closed: number; open: number };
}

/** What a mouth driver moves: a sprite's frame or its height. */
type MouthTarget = Pick<Phaser.GameObjects.Sprite, 'setFrame' | 'scaleY'> & { frame?: { name: string | number } | null };

/** An NPC the plugin knows: its definition, its game object, and its live lip-sync state. */
export class NpcHandle {
  /** Talk radius (world units). */
  radius: number;
  /** How open the mouth is now (0..1), from the audible level of the voice. */
  mouthOpen = 0;
  /** The audible level (RMS, 0..1) of the voice now. */
  level = 0;
  private readonly drivers: { target: MouthTarget; driver: MouthDriver }[] = [];

  /** @internal Use {@link NpcVoicePlugin.addNpc}. */
  constructor(
    readonly definition: NpcDefinition,
    readonly gameObject: Phaser.GameObjects.GameObject & Placed,
    radius: number,
  ) {
    this.radius = radius;
  }

  get id(): string {
    return this.definition.id;
  }

  /** Where the NPC is (its game object). */
  get position(): Placed {
    return this.gameObject;
  }

  /**
   * Moves a sprite with the voice every frame: picks a frame by openness, or scales its height.
   *
   * @example
   * ```ts
   * guard.driveMouth(mouthSprite, { frames: ['mouth-0', 'mouth-1', 'mouth-2'] });
   * ```
   */
  driveMouth(target: Phaser.GameObjects.GameObject, driver: MouthDriver): this {
    this.drivers.push({ target: target as unknown as MouthTarget, driver });
    return this;
  }

  /** @internal Shows `mouthOpen` on every driven sprite. */
  applyMouth(): void {
    for (let d = 0; d < this.drivers.length; d++) {
      const { target, driver } = this.drivers[d] as { target: MouthTarget; driver: MouthDriver };
      const frames = driver.frames;
      if (frames && frames.length > 0) {
        const frame = frames[Math.min(frames.length - 1, Math.round(this.mouthOpen * (frames.length - 1)))] as string | number;
        if (target.frame?.name !== frame && String(target.frame?.name) !== String(frame)) target.setFrame(frame);
      }
      if (driver.scaleY) target.scaleY = driver.scaleY.closed + (driver.scaleY.open - driver.scaleY.closed) * this.mouthOpen;
    }
  }

  /** @internal The NPC falls silent: mouth shut, level zero. */
  silence(): void {
    this.mouthOpen = 0;
    this.level = 0;
    this.applyMouth();
  }
}
