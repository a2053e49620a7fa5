// The demo village's pixel art, drawn in code (16 px tiles, 16×24 characters). Deterministic: the
// same PNGs every run. Palette after "Sweetie 16"-style ramps, chosen here.
import { type Colour, PixelCanvas, seeded } from './pixel-canvas.ts';

export const C = {
  ink: '#181425',
  white: '#ffffff',
  grass: '#3e8948',
  grassLight: '#63c74d',
  grassDark: '#265c42',
  dirt: '#c28569',
  dirtLight: '#e4a672',
  dirtDark: '#a05b53',
  water: '#0099db',
  waterDark: '#124e89',
  waterLight: '#2ce8f5',
  stone: '#5a6988',
  stoneLight: '#8b9bb4',
  stoneDark: '#3a4466',
  wood: '#b86f50',
  woodDark: '#733e39',
  plaster: '#ead4aa',
  roof: '#a22633',
  roofLight: '#e43b44',
  roofDark: '#3e2731',
  gold: '#feae34',
  yellow: '#fee761',
  skin: '#e8b796',
  skinShade: '#c28569',
  red: '#e43b44',
  blue: '#0099db',
  purple: '#68386c',
  green: '#63c74d',
  grey: '#c0cbdc',
} as const;

export const TILE = 16;

/** Tile indices in tiles.png, in order. */
export const TILES = [
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
] as const;
export type TileName = (typeof TILES)[number];

function speckle(c: PixelCanvas, ox: number, seed: number, colours: Colour[], count: number): void {
  const r = seeded(seed);
  for (let i = 0; i < count; i++)
    c.pixel(ox + Math.floor(r() * TILE), Math.floor(r() * TILE), colours[Math.floor(r() * colours.length)] as Colour);
}

function grass(c: PixelCanvas, ox: number, seed: number): void {
  c.rect(ox, 0, TILE, TILE, C.grass);
  speckle(c, ox, seed, [C.grassLight, C.grassDark], 22);
}

const painters: Record<TileName, (c: PixelCanvas, ox: number) => void> = {
  grass: (c, ox) => grass(c, ox, 1),
  grassFlowers: (c, ox) => {
    grass(c, ox, 2);
    for (const [x, y, col] of [
      [3, 4, C.gold],
      [11, 3, C.white],
      [7, 10, C.red],
      [13, 12, C.gold],
      [2, 13, C.white],
    ] as const) {
      c.pixel(ox + x, y, col);
      c.pixel(ox + x - 1, y, C.grassLight);
      c.pixel(ox + x, y + 1, C.grassDark);
    }
  },
  grassTall: (c, ox) => {
    grass(c, ox, 3);
    for (const x of [2, 6, 10, 13]) {
      c.rect(ox + x, 6, 1, 5, C.grassLight);
      c.rect(ox + x + 1, 8, 1, 3, C.grassDark);
    }
  },
  path: (c, ox) => {
    c.rect(ox, 0, TILE, TILE, C.dirt);
    speckle(c, ox, 4, [C.dirtDark, C.dirtLight, C.dirtLight], 18);
  },
  waterA: (c, ox) => water(c, ox, 0),
  waterB: (c, ox) => water(c, ox, 3),
  wallTop: (c, ox) => {
    c.rect(ox, 0, TILE, TILE, C.stoneLight);
    c.rect(ox, 0, TILE, 1, C.grey);
    for (const y of [5, 11]) c.rect(ox, y, TILE, 1, C.stone);
    c.rect(ox + 7, 0, 1, 5, C.stone);
    c.rect(ox + 3, 6, 1, 5, C.stone);
    c.rect(ox + 12, 6, 1, 5, C.stone);
    c.rect(ox + 8, 12, 1, 4, C.stone);
  },
  wallFace: (c, ox) => {
    c.rect(ox, 0, TILE, TILE, C.stone);
    for (const y of [3, 7, 11, 15]) c.rect(ox, y, TILE, 1, C.stoneDark);
    for (const [x, y] of [
      [5, 0],
      [12, 0],
      [2, 4],
      [9, 4],
      [6, 8],
      [13, 8],
      [3, 12],
      [10, 12],
    ] as const)
      c.rect(ox + x, y, 1, 3, C.stoneDark);
    speckle(c, ox, 5, [C.stoneLight], 8);
  },
  fence: (c, ox) => {
    grass(c, ox, 6);
    c.rect(ox, 6, TILE, 2, C.wood);
    c.rect(ox, 11, TILE, 2, C.wood);
    c.rect(ox, 8, TILE, 1, C.woodDark);
    c.rect(ox, 13, TILE, 1, C.woodDark);
    for (const x of [2, 12]) {
      c.rect(ox + x, 3, 3, 12, C.wood);
      c.rect(ox + x + 2, 3, 1, 12, C.woodDark);
      c.rect(ox + x, 3, 3, 1, C.dirtLight);
    }
  },
  houseWall: (c, ox) => {
    c.rect(ox, 0, TILE, TILE, C.plaster);
    c.rect(ox, 0, 2, TILE, C.woodDark);
    c.rect(ox, 14, TILE, 2, C.woodDark);
    c.rect(ox + 2, 0, 1, TILE, C.dirtLight);
  },
  houseWindow: (c, ox) => {
    painters.houseWall(c, ox);
    c.rect(ox + 4, 3, 9, 8, C.woodDark);
    c.rect(ox + 5, 4, 7, 6, C.waterDark);
    c.rect(ox + 8, 4, 1, 6, C.woodDark);
    c.rect(ox + 5, 7, 7, 1, C.woodDark);
    c.pixel(ox + 6, 5, C.waterLight);
    c.pixel(ox + 10, 5, C.waterLight);
    c.rect(ox + 4, 11, 9, 1, C.wood);
  },
  houseDoor: (c, ox) => {
    painters.houseWall(c, ox);
    c.rect(ox + 4, 2, 9, 14, C.woodDark);
    c.rect(ox + 5, 3, 7, 13, C.wood);
    c.rect(ox + 8, 3, 1, 13, C.woodDark);
    c.pixel(ox + 10, 9, C.gold);
  },
  roof: (c, ox) => {
    c.rect(ox, 0, TILE, TILE, C.roof);
    for (let y = 0; y < TILE; y += 4) {
      c.rect(ox, y + 3, TILE, 1, C.roofDark);
      const shift = (y / 4) % 2 === 0 ? 0 : 4;
      for (let x = shift; x < TILE; x += 8) c.rect(ox + x, y, 1, 3, C.roofDark);
      c.rect(ox, y, TILE, 1, C.roofLight);
    }
  },
  roofEdge: (c, ox) => {
    painters.roof(c, ox);
    c.rect(ox, 12, TILE, 4, C.roofDark);
    c.rect(ox, 12, TILE, 1, C.roofLight);
  },
  planks: (c, ox) => {
    c.rect(ox, 0, TILE, TILE, C.wood);
    for (const y of [3, 7, 11, 15]) c.rect(ox, y, TILE, 1, C.woodDark);
    c.pixel(ox + 4, 1, C.woodDark);
    c.pixel(ox + 11, 5, C.woodDark);
    c.pixel(ox + 6, 9, C.woodDark);
    c.pixel(ox + 13, 13, C.woodDark);
  },
  bush: (c, ox) => {
    grass(c, ox, 7);
    const b = new PixelCanvas(TILE, TILE);
    b.sprite(
      1,
      2,
      [
        '    aaaaa     ',
        '  aabbbbbaa   ',
        ' abbbcbbbbba  ',
        ' abcbbbbcbba  ',
        'aabbbbbbbbbaa ',
        'abbbcbbbbcbba ',
        'abbbbbbbbbbba ',
        ' aabbbcbbbbaa ',
        '  aaabbbbaaa  ',
        '    aaaaaa    ',
      ],
      { a: C.grassDark, b: C.grass, c: C.grassLight },
    );
    b.outline(C.ink);
    c.blit(b, ox, 0);
  },
  cobbles: (c, ox) => {
    c.rect(ox, 0, TILE, TILE, C.stone);
    const r = seeded(8);
    for (let y = 0; y < TILE; y += 4)
      for (let x = (y / 4) % 2 ? 0 : 2; x < TILE; x += 5) {
        c.rect(ox + x, y, 4, 3, r() < 0.5 ? C.stoneLight : C.grey);
        c.pixel(ox + x + 3, y + 2, C.stoneDark);
      }
  },
};

function water(c: PixelCanvas, ox: number, shift: number): void {
  c.rect(ox, 0, TILE, TILE, C.water);
  for (const [x, y] of [
    [2, 3],
    [9, 6],
    [4, 11],
    [12, 13],
  ] as const) {
    c.rect(ox + ((x + shift) % TILE), y, 3, 1, C.waterDark);
    c.pixel(ox + ((x + shift + 1) % TILE), y - 1, C.waterLight);
  }
}

/** All tiles in one strip. */
export function tileset(): PixelCanvas {
  const c = new PixelCanvas(TILE * TILES.length, TILE);
  for (const [i, name] of TILES.entries()) painters[name](c, i * TILE);
  return c;
}

// ——— characters ———

export interface Look {
  skin: Colour;
  hair: Colour;
  shirt: Colour;
  shirtDark: Colour;
  pants: Colour;
  shoes: Colour;
  /** Extra drawing on top (hat, helmet, beard, apron…). */
  extra?: (c: PixelCanvas, ox: number, dir: Direction) => void;
  robe?: boolean;
}

export type Direction = 'down' | 'left' | 'right' | 'up';
export type Mouth = 'closed' | 'half' | 'open';

/** One 16×24 character frame. */
export function person(look: Look, dir: Direction, step: 0 | 1 | 2, mouth: Mouth = 'closed'): PixelCanvas {
  const c = new PixelCanvas(16, 24);
  const legSwing = step === 0 ? 0 : step === 1 ? 1 : -1;
  // legs
  if (!look.robe) {
    c.rect(5, 17 + Math.max(0, legSwing), 2, 5 - Math.max(0, legSwing), look.pants);
    c.rect(9, 17 + Math.max(0, -legSwing), 2, 5 - Math.max(0, -legSwing), look.pants);
    c.rect(5, 22, 2, 1, look.shoes);
    c.rect(9, 22, 2, 1, look.shoes);
  } else {
    c.rect(4, 16, 8, 6, look.shirt);
    c.rect(4, 21, 8, 1, look.shirtDark);
    c.rect(5 + legSwing, 22, 2, 1, look.shoes);
    c.rect(9 - legSwing, 22, 2, 1, look.shoes);
  }
  // body
  c.rect(4, 10, 8, 7, look.shirt);
  c.rect(4, 16, 8, 1, look.shirtDark);
  c.rect(dir === 'left' ? 4 : 11, 10, 1, 7, look.shirtDark);
  // arms
  const armSwing = dir === 'down' || dir === 'up' ? legSwing : 0;
  c.rect(3, 11 + armSwing, 1, 5, look.shirt);
  c.rect(12, 11 - armSwing, 1, 5, look.shirt);
  c.pixel(3, 16 + armSwing, look.skin);
  c.pixel(12, 16 - armSwing, look.skin);
  // head
  c.rect(4, 2, 8, 8, look.skin);
  c.rect(4, 9, 8, 1, '#c28569');
  // hair
  c.rect(4, 1, 8, 3, look.hair);
  if (dir === 'up') c.rect(4, 1, 8, 7, look.hair);
  if (dir === 'left') c.rect(9, 1, 3, 6, look.hair);
  if (dir === 'right') c.rect(4, 1, 3, 6, look.hair);
  if (dir === 'down') {
    c.pixel(4, 4, look.hair);
    c.pixel(11, 4, look.hair);
  }
  // face
  const eyes: Record<Direction, number[]> = { down: [6, 9], left: [5], right: [10], up: [] };
  for (const x of eyes[dir]) c.rect(x, 5, 1, 2, C.ink);
  if (dir !== 'up') {
    const mx = dir === 'down' ? 7 : dir === 'left' ? 5 : 9;
    if (mouth === 'closed') c.rect(mx, 8, 2, 1, '#a05b53');
    if (mouth === 'half') {
      c.rect(mx, 7, 2, 2, C.ink);
      c.pixel(mx, 8, C.red);
    }
    if (mouth === 'open') {
      c.rect(mx - (dir === 'down' ? 0 : 0), 7, 2, 3, C.ink);
      c.rect(mx, 8, 2, 1, C.red);
    }
  }
  look.extra?.(c, 0, dir);
  c.outline(C.ink);
  return c;
}

export const LOOKS = {
  player: {
    skin: C.skin,
    hair: '#733e39',
    shirt: '#0099db',
    shirtDark: '#124e89',
    pants: '#3a4466',
    shoes: C.ink,
    extra: (c: PixelCanvas, _ox: number, dir: Direction) => {
      // a green traveller's scarf
      if (dir !== 'up') c.rect(4, 10, 8, 1, C.green);
      if (dir === 'up') c.rect(4, 10, 8, 2, C.green);
    },
  },
  guard: {
    skin: C.skin,
    hair: '#3e2731',
    shirt: C.stoneLight,
    shirtDark: C.stone,
    pants: C.stoneDark,
    shoes: C.ink,
    extra: (c: PixelCanvas) => {
      // helmet with a red plume, tabard, spear
      c.rect(4, 0, 8, 3, C.grey);
      c.rect(4, 2, 8, 1, C.stone);
      c.rect(7, -1, 2, 2, C.red);
      c.rect(6, 10, 4, 6, C.red);
      c.rect(7, 11, 2, 1, C.gold);
      c.rect(14, 2, 1, 21, C.woodDark);
      c.rect(13, 0, 3, 3, C.grey);
      c.pixel(14, -1, C.grey);
    },
  },
  merchant: {
    skin: '#c28569',
    hair: '#ead4aa',
    shirt: '#68386c',
    shirtDark: '#3e2731',
    pants: '#733e39',
    shoes: C.ink,
    extra: (c: PixelCanvas) => {
      // wide straw hat and an apron with a coin purse
      c.rect(2, 1, 12, 1, C.gold);
      c.rect(5, -1, 6, 2, C.gold);
      c.rect(5, 0, 6, 1, C.yellow);
      c.rect(5, 12, 6, 5, C.plaster);
      c.rect(9, 14, 2, 2, C.gold);
    },
  },
  sage: {
    skin: C.skin,
    hair: C.grey,
    shirt: '#124e89',
    shirtDark: '#3a4466',
    pants: '#124e89',
    shoes: C.ink,
    robe: true,
    extra: (c: PixelCanvas, _ox: number, dir: Direction) => {
      // hood, long white beard, staff with a glowing stone
      c.rect(3, 0, 10, 3, '#3a4466');
      c.rect(3, 2, 1, 8, '#3a4466');
      c.rect(12, 2, 1, 8, '#3a4466');
      if (dir !== 'up') {
        c.rect(5, 9, 6, 4, C.white);
        c.rect(6, 13, 4, 2, C.white);
      }
      c.rect(1, 4, 1, 19, C.woodDark);
      c.rect(0, 2, 3, 3, C.waterLight);
      c.pixel(1, 3, C.white);
    },
  },
} satisfies Record<string, Look>;

/** The player: 4 directions × 3 walk frames, in rows down, left, right, up. */
export function playerSheet(): PixelCanvas {
  const c = new PixelCanvas(16 * 3, 24 * 4);
  (['down', 'left', 'right', 'up'] as const).forEach((dir, row) => {
    for (const step of [0, 1, 2] as const) c.blit(person(LOOKS.player, dir, step), step * 16, row * 24);
  });
  return c;
}

/** An NPC: mouth closed, half open, open (facing the viewer). */
export function npcSheet(look: Look): PixelCanvas {
  const c = new PixelCanvas(16 * 3, 24);
  for (const [i, mouth] of (['closed', 'half', 'open'] as const).entries()) c.blit(person(look, 'down', 0, mouth), i * 16, 0);
  return c;
}

// ——— props ———

export function tree(): PixelCanvas {
  const c = new PixelCanvas(32, 40);
  c.rect(13, 26, 6, 13, C.woodDark);
  c.rect(14, 26, 2, 13, C.wood);
  c.rect(11, 37, 10, 2, C.woodDark);
  const r = seeded(11);
  const blob = (cx: number, cy: number, rad: number, col: Colour) => {
    for (let y = -rad; y <= rad; y++) for (let x = -rad; x <= rad; x++) if (x * x + y * y <= rad * rad) c.pixel(cx + x, cy + y, col);
  };
  blob(16, 16, 13, C.grassDark);
  blob(13, 13, 10, C.grass);
  blob(19, 17, 8, C.grass);
  blob(12, 10, 5, C.grassLight);
  for (let i = 0; i < 30; i++) c.pixel(5 + Math.floor(r() * 22), 5 + Math.floor(r() * 20), r() < 0.5 ? C.grassLight : C.grassDark);
  c.outline(C.ink);
  return c;
}

/** The village gate, closed (frame 0) and open (frame 1), 48×24 each. */
export function gate(): PixelCanvas {
  const c = new PixelCanvas(96, 24);
  const door = (ox: number, w: number) => {
    c.rect(ox, 2, w, 22, C.wood);
    for (let x = ox + 3; x < ox + w; x += 4) c.rect(x, 2, 1, 22, C.woodDark);
    c.rect(ox, 6, w, 2, C.stoneDark);
    c.rect(ox, 17, w, 2, C.stoneDark);
  };
  // closed: two doors meeting in the middle
  door(2, 22);
  door(24, 22);
  c.rect(23, 2, 2, 22, C.ink);
  c.rect(21, 11, 6, 3, C.gold);
  // open: doors folded against the posts
  door(50, 5);
  door(89, 5);
  for (const ox of [0, 46, 48, 94]) c.rect(ox, 0, 2, 24, C.stoneDark);
  const out = new PixelCanvas(96, 24);
  out.blit(c, 0, 0);
  out.outline(C.ink);
  return out;
}

export function stall(): PixelCanvas {
  const c = new PixelCanvas(48, 36);
  for (let x = 0; x < 48; x += 8) {
    c.rect(x, 0, 4, 10, C.red);
    c.rect(x + 4, 0, 4, 10, C.white);
  }
  for (let x = 0; x < 48; x += 4) c.rect(x, 10, 4, 2, x % 8 === 0 ? C.red : C.white);
  c.rect(2, 12, 2, 24, C.woodDark);
  c.rect(44, 12, 2, 24, C.woodDark);
  c.rect(0, 24, 48, 12, C.wood);
  c.rect(0, 24, 48, 2, C.dirtLight);
  c.rect(0, 30, 48, 1, C.woodDark);
  // goods on the counter
  const goods: [number, Colour][] = [
    [6, C.red],
    [10, C.red],
    [16, C.gold],
    [20, C.dirtLight],
    [28, C.green],
    [34, C.yellow],
    [39, C.red],
  ];
  for (const [x, col] of goods) c.rect(x, 21, 3, 3, col);
  c.outline(C.ink);
  return c;
}

/** The standing stone beyond the gate: the reward for getting in. */
export function shrine(): PixelCanvas {
  const c = new PixelCanvas(24, 36);
  c.rect(4, 6, 16, 28, C.stoneLight);
  c.rect(6, 2, 12, 4, C.stoneLight);
  c.rect(16, 6, 4, 28, C.stone);
  c.rect(2, 32, 20, 4, C.stoneDark);
  for (const [x, y] of [
    [9, 10],
    [11, 14],
    [8, 18],
    [12, 22],
    [10, 26],
  ] as const)
    c.rect(x, y, 3, 2, C.waterLight);
  c.outline(C.ink);
  return c;
}

/** Inventory icons: apple, bread, lantern (16×16 each). */
export function items(): PixelCanvas {
  const c = new PixelCanvas(48, 16);
  c.sprite(
    0,
    0,
    [
      '                ',
      '       g        ',
      '      gg        ',
      '    rrrrrr      ',
      '   rrrrrrrr     ',
      '  rrwrrrrrrr    ',
      '  rwrrrrrrrr    ',
      '  rrrrrrrrrr    ',
      '  rrrrrrrrrr    ',
      '  rrrrrrrrrd    ',
      '   rrrrrrrd     ',
      '    rrrrdd      ',
      '     rddd       ',
    ],
    { g: C.green, r: C.red, w: C.white, d: C.roof },
  );
  c.sprite(
    16,
    0,
    [
      '                ',
      '                ',
      '                ',
      '     bbbbbb     ',
      '   bbllbbllbb   ',
      '  bbbbbbbbbbbb  ',
      ' bblbbbbbbbblbb ',
      ' bbbbbbbbbbbbbb ',
      ' dbbbbbbbbbbbbd ',
      ' ddbbbbbbbbbbdd ',
      '  dddddddddddd  ',
    ],
    { b: C.dirtLight, l: C.plaster, d: C.dirt },
  );
  c.sprite(
    32,
    0,
    [
      '       kk       ',
      '      k  k      ',
      '     kkkkkk     ',
      '     syyyys     ',
      '    syywwyys    ',
      '    syywwyys    ',
      '    syyyyyys    ',
      '    syyyyyys    ',
      '     syyyys     ',
      '     kkkkkk     ',
      '    kkkkkkkk    ',
    ],
    { k: C.stoneDark, s: C.stone, y: C.gold, w: C.yellow },
  );
  c.outline(C.ink);
  return c;
}
