// Oakvale, laid out in tiles: a walled village with a north gate, a pond, two houses, a market
// stall and a square, and a meadow with a standing stone beyond the wall.

export const TILE_NAMES = [
  'grass',
  'grassFlowers',
  'grassTall',
  'path',
  'waterA',
  'waterB',
  'wallTop',
  'wallFace',
  'fence',
  'houseWall',
  'houseWindow',
  'houseDoor',
  'roof',
  'roofEdge',
  'planks',
  'bush',
  'cobbles',
] as const; // the order of tiles.png (scripts/assets/art.ts)
export type TileName = (typeof TILE_NAMES)[number];
export const tileIndex = (name: TileName): number => TILE_NAMES.indexOf(name);

/** Tiles nobody walks through. */
export const SOLID: readonly TileName[] = [
  'waterA',
  'waterB',
  'wallTop',
  'wallFace',
  'fence',
  'houseWall',
  'houseWindow',
  'houseDoor',
  'roof',
  'roofEdge',
  'bush',
];

export const WIDTH = 40;
export const HEIGHT = 30;

export interface Placement {
  x: number;
  y: number;
}

export interface VillageLayout {
  tiles: number[][];
  trees: Placement[];
  gate: Placement & { width: number };
  stall: Placement;
  shrine: Placement;
  spawn: Placement;
  npcs: Record<'guard' | 'merchant' | 'sage', Placement>;
}

/** Builds the map (tile coordinates; objects are placed at tile centres by the scene). */
export function buildVillage(): VillageLayout {
  const t: TileName[][] = Array.from({ length: HEIGHT }, () => Array.from({ length: WIDTH }, () => 'grass' as TileName));
  const fill = (x0: number, y0: number, x1: number, y1: number, name: TileName) => {
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) if (t[y]?.[x] !== undefined) (t[y] as TileName[])[x] = name;
  };
  // Scattered flowers and tall grass (deterministic).
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let y = 0; y < HEIGHT; y++)
    for (let x = 0; x < WIDTH; x++) {
      const r = rand();
      if (r < 0.06) (t[y] as TileName[])[x] = 'grassFlowers';
      else if (r < 0.1) (t[y] as TileName[])[x] = 'grassTall';
    }

  // Border of bushes around the whole map.
  fill(0, 0, WIDTH - 1, 0, 'bush');
  fill(0, HEIGHT - 1, WIDTH - 1, HEIGHT - 1, 'bush');
  fill(0, 0, 0, HEIGHT - 1, 'bush');
  fill(WIDTH - 1, 0, WIDTH - 1, HEIGHT - 1, 'bush');

  // The village wall with the north gate (three tiles wide).
  const gate = { x: 18, y: 8, width: 3 };
  fill(1, 7, WIDTH - 2, 7, 'wallTop');
  fill(1, 8, WIDTH - 2, 8, 'wallFace');
  fill(1, 7, 1, HEIGHT - 2, 'wallTop');
  fill(WIDTH - 2, 7, WIDTH - 2, HEIGHT - 2, 'wallTop');
  fill(gate.x, 7, gate.x + gate.width - 1, 8, 'path');

  // Paths: gate → square → south end; a branch to the sage and one to the market.
  fill(18, 1, 20, 27, 'path');
  fill(6, 20, 17, 21, 'path');
  fill(21, 16, 29, 17, 'path');
  // The square.
  fill(14, 13, 25, 17, 'cobbles');

  // Houses: roof (two rows), eave, wall with door and windows.
  const house = (x: number, y: number, w: number, door: number) => {
    fill(x, y, x + w - 1, y + 1, 'roof');
    fill(x, y + 2, x + w - 1, y + 2, 'roofEdge');
    fill(x, y + 3, x + w - 1, y + 4, 'houseWall');
    (t[y + 4] as TileName[])[x + door] = 'houseDoor';
    (t[y + 3] as TileName[])[x + 1] = 'houseWindow';
    (t[y + 3] as TileName[])[x + w - 2] = 'houseWindow';
    fill(x + door, y + 5, x + door, y + 6, 'path');
  };
  house(4, 10, 7, 3);
  house(29, 10, 7, 3);

  // The pond, with a plank jetty.
  fill(3, 19, 9, 24, 'waterA');
  fill(4, 25, 8, 25, 'waterA');
  fill(10, 22, 11, 22, 'planks');

  // Fence along the south, with a gap for the path.
  fill(2, 27, 17, 27, 'fence');
  fill(21, 27, WIDTH - 3, 27, 'fence');

  // Meadow beyond the wall: a path to the stone, some bushes.
  for (const [x, y] of [
    [6, 3],
    [7, 3],
    [31, 2],
    [32, 2],
    [33, 4],
  ] as const)
    (t[y] as TileName[])[x] = 'bush';

  return {
    tiles: t.map((row) => row.map(tileIndex)),
    trees: [
      { x: 3, y: 3 },
      { x: 12, y: 2 },
      { x: 27, y: 3 },
      { x: 36, y: 4 },
      { x: 13, y: 10 },
      { x: 25, y: 10 },
      { x: 37, y: 17 },
      { x: 12, y: 19 },
      { x: 34, y: 24 },
      { x: 25, y: 22 },
      { x: 3, y: 15 },
    ],
    gate,
    stall: { x: 28, y: 14 },
    shrine: { x: 19, y: 3 },
    spawn: { x: 19, y: 25 },
    npcs: { guard: { x: 16, y: 10 }, merchant: { x: 28, y: 13 }, sage: { x: 11, y: 21 } },
  };
}

/** Solid tile indices. */
export function solidIndices(): number[] {
  return SOLID.map(tileIndex);
}
