import type * as Phaser from 'phaser';
import type { NpcHandle } from './npc-handle.js';
import type { ScreenArea, SightCamera } from './sight.js';

type SnapshotRenderer = Phaser.Renderer.Canvas.CanvasRenderer | Phaser.Renderer.WebGL.WebGLRenderer;

/**
 * The game's view for sight, from Phaser's renderer and the scene's main camera: the canvas size,
 * where the NPC is on screen, and JPEG snapshots. Null when the renderer cannot take snapshots.
 */
export function sightCamera(game: Phaser.Game, scene: Phaser.Scene | null, npc: NpcHandle): SightCamera | null {
  const renderer = game.renderer as SnapshotRenderer | undefined;
  if (!renderer?.snapshotArea) return null;
  return {
    canvasSize: () => ({ width: renderer.width, height: renderer.height }),
    npcOnScreen: () => {
      const camera = scene?.cameras?.main;
      if (!camera) return null;
      return { x: (npc.gameObject.x - camera.worldView.x) * camera.zoom, y: (npc.gameObject.y - camera.worldView.y) * camera.zoom };
    },
    snapshot: (area: ScreenArea, quality: number, done: (jpeg: string) => void) =>
      renderer.snapshotArea(
        area.x,
        area.y,
        area.width,
        area.height,
        (image) => {
          const src = (image as HTMLImageElement).src;
          const comma = src?.indexOf(',') ?? -1;
          if (comma > 0) done(src.slice(comma + 1));
        },
        'image/jpeg',
        quality,
      ),
  };
}
