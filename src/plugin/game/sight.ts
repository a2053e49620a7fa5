import type { SightOptions } from './settings.js';

/** A rectangle of the game's canvas, in screen pixels. */
export interface ScreenArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What {@link Sight} needs from the game. */
export interface SightCamera {
  /** The canvas size, in screen pixels. */
  canvasSize(): { width: number; height: number };
  /** Where the NPC is on screen, in pixels; null when unknown. */
  npcOnScreen(): { x: number; y: number } | null;
  /** Encodes the area as a JPEG and hands over its base64 (no data: prefix). */
  snapshot(area: ScreenArea, quality: number, done: (base64Jpeg: string) => void): void;
}

/**
 * Lets an NPC see the game while a conversation runs: a JPEG of the canvas, or of a square around
 * the NPC, every 1/fps seconds, handed to `send` (the Live connection's video input) while
 * `canSend()` says the connection is open.
 *
 * @example
 * ```ts
 * const sight = new Sight({ fps: 1, region: 'npc', size: 384, quality: 0.6 }, camera, (jpeg) => live.sendVideoFrame(jpeg), () => live.state === 'open');
 * // when the conversation ends:
 * sight.destroy();
 * ```
 */
export class Sight {
  private timer: ReturnType<typeof setInterval> | null;

  constructor(
    private readonly options: Required<SightOptions>,
    private readonly camera: SightCamera,
    private readonly send: (base64Jpeg: string) => void,
    private readonly canSend: () => boolean,
  ) {
    this.timer = setInterval(() => this.capture(), 1000 / options.fps);
  }

  /** True until destroyed. */
  get running(): boolean {
    return this.timer !== null;
  }

  /** Stops capturing; a snapshot still being encoded is not sent. */
  destroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private capture(): void {
    if (!this.canSend()) return;
    const area = sightArea(this.options, this.camera.canvasSize(), this.camera.npcOnScreen());
    if (area.width <= 0 || area.height <= 0) return;
    this.camera.snapshot(area, this.options.quality, (jpeg) => {
      if (this.timer && this.canSend()) this.send(jpeg);
    });
  }
}

/** The area a frame shows: the whole canvas, or a square of `size` around the NPC, clipped to the canvas. */
export function sightArea(
  options: Pick<Required<SightOptions>, 'region' | 'size'>,
  canvas: { width: number; height: number },
  npc: { x: number; y: number } | null,
): ScreenArea {
  if (options.region !== 'npc' || !npc) return { x: 0, y: 0, width: canvas.width, height: canvas.height };
  const x = Math.max(0, Math.round(npc.x - options.size / 2));
  const y = Math.max(0, Math.round(npc.y - options.size / 2));
  return { x, y, width: Math.min(options.size, canvas.width - x), height: Math.min(options.size, canvas.height - y) };
}
