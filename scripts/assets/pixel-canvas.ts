import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

/** An RGBA colour as `#rrggbb` (or `transparent`). */
export type Colour = string;

/** A small RGBA canvas for drawing pixel art in code, saved as PNG. */
export class PixelCanvas {
  readonly data: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array(width * height * 4);
  }

  pixel(x: number, y: number, colour: Colour): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (Math.floor(y) * this.width + Math.floor(x)) * 4;
    if (colour === 'transparent') {
      this.data.fill(0, i, i + 4);
      return;
    }
    const n = Number.parseInt(colour.slice(1), 16);
    this.data[i] = (n >> 16) & 255;
    this.data[i + 1] = (n >> 8) & 255;
    this.data[i + 2] = n & 255;
    this.data[i + 3] = 255;
  }

  rect(x: number, y: number, w: number, h: number, colour: Colour): void {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) this.pixel(xx, yy, colour);
  }

  /** Draws rows of characters, each mapped to a colour by `palette` (unknown characters are skipped). */
  sprite(x: number, y: number, rows: string[], palette: Record<string, Colour>): void {
    rows.forEach((row, dy) => {
      [...row].forEach((ch, dx) => {
        const c = palette[ch];
        if (c) this.pixel(x + dx, y + dy, c);
      });
    });
  }

  /** Copies another canvas in at (x, y), skipping transparent pixels. */
  blit(src: PixelCanvas, x: number, y: number, flipX = false): void {
    for (let sy = 0; sy < src.height; sy++) {
      for (let sx = 0; sx < src.width; sx++) {
        const i = (sy * src.width + sx) * 4;
        if ((src.data[i + 3] as number) === 0) continue;
        const dx = x + (flipX ? src.width - 1 - sx : sx);
        const j = ((y + sy) * this.width + dx) * 4;
        if (dx < 0 || dx >= this.width || y + sy < 0 || y + sy >= this.height) continue;
        this.data.set(src.data.subarray(i, i + 4), j);
      }
    }
  }

  /** Outlines every opaque region with `colour` (a 1-pixel border on transparent neighbours). */
  outline(colour: Colour): void {
    const opaque = (x: number, y: number) =>
      x >= 0 && y >= 0 && x < this.width && y < this.height && (this.data[(y * this.width + x) * 4 + 3] as number) > 0;
    const edge: [number, number][] = [];
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        if (opaque(x, y)) continue;
        if (opaque(x - 1, y) || opaque(x + 1, y) || opaque(x, y - 1) || opaque(x, y + 1)) edge.push([x, y]);
      }
    }
    for (const [x, y] of edge) this.pixel(x, y, colour);
  }

  save(path: string): void {
    const png = new PNG({ width: this.width, height: this.height });
    png.data = Buffer.from(this.data);
    writeFileSync(path, PNG.sync.write(png));
  }
}

/** A deterministic pseudo-random sequence (the art must be the same every time it is made). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
