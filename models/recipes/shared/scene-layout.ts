/**
 * Scene layouts: everything random about a scene (kind, horizon, skyline and windows, trees,
 * hills, clouds, lamps, cars, country details, flakes), drawn from one seed. Layouts are plain
 * JSON; conditions never change them, so one layout rendered under different conditions gives
 * exact pairs.
 */
import { hexToRgb, mix, rgbToHex } from './color.js';
import { Random } from './prng.js';

export interface ScenePoint {
  x: number;
  y: number;
}

export interface SceneWindow {
  x: number;
  y: number;
  /** Time of day at which this window's light comes on; null for windows that stay dark. */
  lightsOnAt: number | null;
  /** Which warm tint the window glows with (0..1 across a small palette). */
  warmth: number;
}

export interface SceneBuilding {
  x: number;
  /** y where the facade meets the ground (the horizon for street rows, lower for houses). */
  base: number;
  width: number;
  height: number;
  wall: string;
  roof: 'flat' | 'gable' | 'stepped';
  roofColor: string;
  windowWidth: number;
  windowHeight: number;
  windows: SceneWindow[];
  door: { x: number; width: number; height: number } | null;
  awning: { color: string; stripes: boolean } | null;
  /** Horizontal ledges every floor, for texture. */
  floorLines: number[];
  /** Facade surface: bare render, brick courses or horizontal siding boards. */
  texture: 'plain' | 'brick' | 'siding';
}

export interface SceneTree {
  x: number;
  /** Ground contact point. */
  y: number;
  height: number;
  kind: 'round' | 'pine';
  foliage: string;
  /** Offsets of the crown's blobs for round trees, relative to the crown centre. */
  blobs: { dx: number; dy: number; r: number }[];
}

export interface SceneLamp {
  x: number;
  y: number;
  height: number;
}

export interface SceneCloud {
  x: number;
  y: number;
  puffs: { dx: number; dy: number; r: number }[];
}

export interface SceneHill {
  /** 0 = near, 1 = far; controls fog strength and colour. */
  depth: number;
  color: string;
  /** Top edge, left to right, as y values at evenly spaced x from 0 to 1000. */
  ridge: number[];
}

export interface SceneCar {
  x: number;
  /** y of the wheels' contact with the road. */
  y: number;
  length: number;
  colour: string;
  facingRight: boolean;
}

/** Country details: a dirt path to the horizon, crop strips near the horizon, a fence. */
export interface SceneCountryside {
  path: { bottomX: number; topX: number; bottomWidth: number; bend: number } | null;
  fields: { y: number; height: number; colour: string }[];
  fence: { y: number; x0: number; x1: number; spacing: number } | null;
}

export interface SceneLayout {
  seed: number;
  kind: 'street' | 'landscape';
  /** y of the ground line (the camera's horizon height varies per scene). */
  horizon: number;
  skyTint: number;
  sun: ScenePoint & { radius: number };
  moon: ScenePoint & { radius: number; craters: { dx: number; dy: number; r: number }[] };
  stars: (ScenePoint & { r: number })[];
  clouds: SceneCloud[];
  hills: SceneHill[];
  buildings: SceneBuilding[];
  trees: SceneTree[];
  lamps: SceneLamp[];
  ground: string;
  road: { top: number; bottom: number; color: string; dashes: number[] } | null;
  cars: SceneCar[];
  countryside: SceneCountryside | null;
  tufts: ScenePoint[];
  flakes: (ScenePoint & { r: number })[];
}

/** Scenes are drawn in a VIEW x VIEW user space whatever the output size. */
export const VIEW = 1000;

const WALL_COLOURS = ['#c9704a', '#b85c3c', '#d8b48a', '#e6d3b3', '#8e9aa6', '#a4735a', '#cfc2a8', '#7d8b99', '#e0a870', '#b7c4c9', '#9b6b8e', '#6f8f7a'];
const ROOF_COLOURS = ['#6b3a2e', '#4a4f5a', '#7a4b3a', '#3d4450', '#8a5a3c'];
const FOLIAGE = ['#3f8a3a', '#2f7a34', '#4f9a3a', '#5a8f2e', '#2e6b40'];
const GROUND = ['#6aa84f', '#7cb35a', '#5e9c48', '#8bb865'];
const AWNINGS = ['#c0392b', '#2e86c1', '#27ae60', '#d68910', '#7d3c98'];

export function randomSceneLayout(seed: number): SceneLayout {
  const rnd = new Random(seed);
  const kind = rnd.chance(0.6) ? 'street' : 'landscape';
  const horizon = Math.round(rnd.range(560, 740));
  const hills = makeHills(rnd, horizon, kind);
  const buildings = kind === 'street' ? makeStreetBuildings(rnd, horizon) : makeHouses(rnd, horizon);
  const road = kind === 'street' ? makeRoad(rnd, horizon) : null;
  const trees = makeTrees(rnd, horizon, kind, road);
  const lamps = makeLamps(rnd, horizon, kind);
  const cars = road ? makeCars(rnd, road) : [];
  const countryside = kind === 'landscape' ? makeCountryside(rnd, horizon) : null;
  const cloudCount = rnd.int(0, 6);
  const clouds: SceneCloud[] = [];
  for (let i = 0; i < cloudCount; i++) {
    const puffs = Array.from({ length: rnd.int(3, 6) }, (_, k) => ({ dx: k * rnd.range(28, 45) - 60, dy: rnd.range(-25, 10), r: rnd.range(26, 52) }));
    clouds.push({ x: rnd.range(0, VIEW), y: rnd.range(60, horizon * 0.5), puffs });
  }
  const stars = Array.from({ length: rnd.int(50, 90) }, () => ({ x: rnd.range(0, VIEW), y: rnd.range(0, horizon - 60), r: rnd.range(2.5, 6) }));
  const flakes = Array.from({ length: 260 }, () => ({ x: rnd.range(0, VIEW), y: rnd.range(0, VIEW), r: rnd.range(3.5, 8) }));
  const tufts = Array.from({ length: kind === 'landscape' ? 90 : 30 }, () => ({ x: rnd.range(0, VIEW), y: rnd.range(horizon + 10, VIEW) }));
  const moonRadius = rnd.range(32, 50);
  return {
    seed,
    kind,
    horizon,
    skyTint: rnd.range(-1, 1),
    sun: { x: rnd.range(120, 880), y: rnd.range(90, 220), radius: rnd.range(40, 62) },
    moon: {
      x: rnd.range(120, 880),
      y: rnd.range(80, 200),
      radius: moonRadius,
      craters: Array.from({ length: 4 }, () => ({ dx: rnd.range(-0.5, 0.5) * moonRadius, dy: rnd.range(-0.5, 0.5) * moonRadius, r: rnd.range(0.1, 0.22) * moonRadius })),
    },
    stars,
    clouds,
    hills,
    buildings,
    trees,
    lamps,
    ground: rnd.pick(GROUND),
    road,
    cars,
    countryside,
    tufts,
    flakes,
  };
}

function makeHills(rnd: Random, horizon: number, kind: SceneLayout['kind']): SceneHill[] {
  const layers = kind === 'landscape' ? 3 : rnd.int(1, 2);
  const hills: SceneHill[] = [];
  for (let layer = 0; layer < layers; layer++) {
    const depth = 1 - layer / (layers + 0.5);
    const height = (kind === 'landscape' ? rnd.range(90, 260) : rnd.range(60, 170)) * (1.1 - depth * 0.3);
    const waves = Array.from({ length: 3 }, () => ({ f: rnd.range(0.8, 4.5), p: rnd.range(0, Math.PI * 2), a: rnd.range(0.3, 1) }));
    const ridge: number[] = [];
    for (let i = 0; i <= 40; i++) {
      const u = i / 40;
      let h = 0;
      let total = 0;
      for (const w of waves) {
        h += w.a * (0.5 + 0.5 * Math.sin(u * w.f * Math.PI * 2 + w.p));
        total += w.a;
      }
      ridge.push(Math.round(horizon + 30 * (1 - depth) - height * (0.35 + 0.65 * (h / total)) * (layer === layers - 1 && kind === 'landscape' ? 0.7 : 1)));
    }
    const color = mix(hexToRgb(rnd.pick(FOLIAGE)), hexToRgb('#7f9fb5'), depth * 0.55);
    hills.push({ depth, color: rgbToHex(color), ridge });
  }
  return hills;
}

function makeWindows(rnd: Random, x: number, top: number, width: number, bottom: number, winW: number, winH: number): { windows: SceneWindow[]; floorLines: number[] } {
  const gapX = rnd.range(10, 24);
  const gapY = rnd.range(18, 34);
  const cols = Math.max(1, Math.floor((width - gapX) / (winW + gapX)));
  const rows = Math.max(1, Math.floor((bottom - top - gapY) / (winH + gapY)));
  const marginX = (width - cols * winW - (cols - 1) * gapX) / 2;
  const litShare = rnd.range(0.35, 0.8);
  const windows: SceneWindow[] = [];
  const floorLines: number[] = [];
  for (let r = 0; r < rows; r++) {
    const wy = top + gapY + r * (winH + gapY);
    floorLines.push(wy + winH + gapY / 2);
    for (let c = 0; c < cols; c++) {
      windows.push({
        x: x + marginX + c * (winW + gapX),
        y: wy,
        lightsOnAt: rnd.chance(litShare) ? rnd.range(0.3, 0.72) : null,
        warmth: rnd.float(),
      });
    }
  }
  return { windows, floorLines };
}

function makeStreetBuildings(rnd: Random, horizon: number): SceneBuilding[] {
  const buildings: SceneBuilding[] = [];
  let x = rnd.range(-80, 0);
  const tall = rnd.range(0.5, 1);
  while (x < VIEW) {
    const width = rnd.range(110, 240);
    const height = rnd.range(140, 160 + 360 * tall);
    const top = horizon - height;
    const winW = rnd.range(16, 30);
    const winH = rnd.range(20, 40);
    const door = rnd.chance(0.7) ? { x: x + rnd.range(0.2, 0.6) * width, width: rnd.range(26, 40), height: rnd.range(45, 65) } : null;
    const windowBottom = horizon - (door ? 75 : 30);
    const { windows, floorLines } = makeWindows(rnd, x, top, width, windowBottom, winW, winH);
    buildings.push({
      x,
      base: horizon,
      width,
      height,
      wall: rnd.pick(WALL_COLOURS),
      roof: rnd.pick(['flat', 'flat', 'stepped', 'gable'] as const),
      roofColor: rnd.pick(ROOF_COLOURS),
      windowWidth: winW,
      windowHeight: winH,
      windows,
      door,
      awning: door && rnd.chance(0.5) ? { color: rnd.pick(AWNINGS), stripes: rnd.chance(0.5) } : null,
      floorLines: rnd.chance(0.5) ? floorLines : [],
      texture: rnd.pick(['plain', 'brick', 'brick', 'siding'] as const),
    });
    x += width + (rnd.chance(0.3) ? rnd.range(10, 60) : 0);
  }
  return buildings;
}

function makeHouses(rnd: Random, horizon: number): SceneBuilding[] {
  const count = rnd.int(0, 3);
  const houses: SceneBuilding[] = [];
  for (let i = 0; i < count; i++) {
    const width = rnd.range(110, 180);
    const height = rnd.range(90, 150);
    const x = (i + rnd.range(0.05, 0.6)) * (VIEW / Math.max(1, count)) - width / 2;
    const base = horizon + rnd.range(10, 60);
    const winW = rnd.range(18, 26);
    const winH = rnd.range(20, 30);
    const { windows } = makeWindows(rnd, x, base - height, width, base - 20, winW, winH);
    houses.push({
      x,
      base,
      width,
      height,
      wall: rnd.pick(WALL_COLOURS),
      roof: 'gable',
      roofColor: rnd.pick(ROOF_COLOURS),
      windowWidth: winW,
      windowHeight: winH,
      windows,
      door: { x: x + width * rnd.range(0.15, 0.65), width: 28, height: 50 },
      awning: null,
      floorLines: [],
      texture: rnd.pick(['plain', 'brick', 'siding', 'siding'] as const),
    });
  }
  return houses;
}

function makeRoad(rnd: Random, horizon: number): SceneLayout['road'] {
  const top = horizon + rnd.range(28, 50);
  const bottom = Math.min(VIEW - 30, top + rnd.range(120, 230));
  const dashes: number[] = [];
  const dash = rnd.range(50, 90);
  for (let x = rnd.range(-dash, 0); x < VIEW; x += dash * 2) dashes.push(x);
  return { top, bottom, color: rnd.pick(['#5b5e66', '#4d5058', '#686b70']), dashes };
}

const CAR_COLOURS = ['#c0392b', '#2471a3', '#f4d03f', '#ecf0f1', '#1c2833', '#7d8c8d', '#27ae60', '#e67e22'];

function makeCars(rnd: Random, road: NonNullable<SceneLayout['road']>): SceneCar[] {
  const count = rnd.int(0, 3);
  const mid = (road.top + road.bottom) / 2;
  return Array.from({ length: count }, (_, i) => {
    const farLane = rnd.chance(0.5);
    return {
      x: (i + rnd.range(0.1, 0.7)) * (VIEW / count),
      y: farLane ? mid - 8 : road.bottom - 14,
      length: rnd.range(150, 200),
      colour: rnd.pick(CAR_COLOURS),
      facingRight: !farLane,
    };
  }).sort((a, b) => a.y - b.y);
}

function makeCountryside(rnd: Random, horizon: number): SceneCountryside {
  const fields: SceneCountryside['fields'] = [];
  if (rnd.chance(0.6)) {
    let y = horizon;
    const palette = ['#9cbf5a', '#c9b458', '#7fae4a', '#b7c86a', '#d6c27a'];
    for (let i = 0; i < rnd.int(2, 4); i++) {
      const height = rnd.range(14, 34) * (1 + i * 0.6);
      fields.push({ y, height, colour: rnd.pick(palette) });
      y += height;
    }
  }
  const pathWidth = rnd.range(140, 260);
  return {
    path: rnd.chance(0.6) ? { bottomX: rnd.range(250, 750), topX: rnd.range(300, 700), bottomWidth: pathWidth, bend: rnd.range(-200, 200) } : null,
    fields,
    fence: rnd.chance(0.5) ? { y: rnd.range(horizon + 90, Math.min(960, horizon + 200)), x0: rnd.range(-20, 300), x1: rnd.range(600, 1020), spacing: rnd.range(45, 70) } : null,
  };
}

function makeTrees(rnd: Random, horizon: number, kind: SceneLayout['kind'], road: SceneLayout['road']): SceneTree[] {
  const count = kind === 'landscape' ? rnd.int(4, 11) : rnd.int(0, 4);
  const trees: SceneTree[] = [];
  for (let i = 0; i < count; i++) {
    const y = kind === 'street' ? horizon + rnd.range(8, 22) : horizon + rnd.range(0, (VIEW - horizon) * 0.7);
    const near = (y - horizon) / Math.max(1, VIEW - horizon);
    const height = rnd.range(110, 200) * (1 + near * 1.3);
    const isPine = rnd.chance(kind === 'landscape' ? 0.5 : 0.2);
    const blobs = Array.from({ length: rnd.int(3, 5) }, () => ({ dx: rnd.range(-0.45, 0.45), dy: rnd.range(-0.35, 0.25), r: rnd.range(0.3, 0.45) }));
    trees.push({ x: rnd.range(20, VIEW - 20), y, height, kind: isPine ? 'pine' : 'round', foliage: rnd.pick(FOLIAGE), blobs });
  }
  if (road) {
    // Keep street trees off the carriageway: they stand on the pavement in front of the houses.
    for (const t of trees) t.y = Math.min(t.y, road.top - 4);
  }
  return trees.sort((a, b) => a.y - b.y);
}

function makeLamps(rnd: Random, horizon: number, kind: SceneLayout['kind']): SceneLamp[] {
  const count = kind === 'street' ? rnd.int(2, 4) : rnd.int(0, 2);
  const lamps: SceneLamp[] = [];
  const spacing = VIEW / count;
  for (let i = 0; i < count; i++) {
    lamps.push({ x: (i + rnd.range(0.25, 0.75)) * spacing, y: horizon + rnd.range(14, 26), height: rnd.range(170, 240) });
  }
  return lamps;
}
