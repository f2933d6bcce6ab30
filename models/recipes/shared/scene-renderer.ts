/**
 * Procedural scenes (streets and landscapes) for the starter models' training data.
 *
 * A layout fixes everything random about a scene (skyline, windows, trees, hills, clouds,
 * horizon); conditions (time of day, snow, fog) only move colours, opacities and a few sizes
 * continuously. Rendering one layout under different conditions therefore gives exact pairs,
 * and every condition changes the picture smoothly and monotonically, which is what the
 * conditional model needs to learn sliders.
 *
 * Drawing happens in a 1000 x 1000 user space regardless of output size; features are kept at
 * least ~8 units so they survive at 128 px.
 */
import { clamp01, hexToRgb, interpolateKeys, mix, multiply, type Rgb, rgbToHex, smoothstep } from './color.js';
import { Random } from './prng.js';
import { rasteriseSvg } from './rasterise.js';

export interface SceneConditions {
  /** 0 = midday, ~0.5 = dusk, 1 = deep night. */
  timeOfDay: number;
  /** 0 = none, 1 = heavy snow cover and snowfall. */
  snow: number;
  /** 0 = clear, 1 = thick fog. */
  fog: number;
}

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

const VIEW = 1000;

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

// ---------------------------------------------------------------------------------------------
// Lighting: every colour goes through the same three steps, snow (surface), light (time of
// day), fog (distance). Keys are chosen so each channel falls monotonically with time.

const AMBIENT_KEYS: readonly (readonly [number, Rgb])[] = [
  [0, [1, 1, 1]],
  [0.25, [0.97, 0.92, 0.85]],
  [0.5, [0.8, 0.58, 0.52]],
  [0.75, [0.36, 0.32, 0.48]],
  [1, [0.13, 0.14, 0.26]],
];
const SKY_TOP_KEYS: readonly (readonly [number, Rgb])[] = [
  [0, hexToRgb('#3f82d8')],
  [0.25, hexToRgb('#4a7fc4')],
  [0.5, hexToRgb('#4b4f8f')],
  [0.75, hexToRgb('#1b2150')],
  [1, hexToRgb('#03060f')],
];
const SKY_HORIZON_KEYS: readonly (readonly [number, Rgb])[] = [
  [0, hexToRgb('#c4e2ff')],
  [0.25, hexToRgb('#f1d9b0')],
  [0.5, hexToRgb('#f58a55')],
  [0.75, hexToRgb('#6e3f66')],
  [1, hexToRgb('#121a33')],
];
const SNOW_WHITE: Rgb = [244, 247, 252];
const WARM_LIGHTS: readonly Rgb[] = [hexToRgb('#ffd36b'), hexToRgb('#ffe49a'), hexToRgb('#ffb347')];

class Lighting {
  readonly ambient: Rgb;
  readonly fogColor: Rgb;

  constructor(readonly c: SceneConditions) {
    this.ambient = interpolateKeys(AMBIENT_KEYS, clamp01(c.timeOfDay));
    // Fog is lit by the same light as everything else, so night fog is a dark grey-blue veil.
    this.fogColor = mix(multiply([226, 230, 236], this.ambient), [60, 66, 84], 0.08);
  }

  /** A diffuse surface: optional snow cover, then ambient light, then fog by depth (0 near .. 1 far). */
  surface(hex: string, depth: number, snowCover = 0): string {
    const base = mix(hexToRgb(hex), SNOW_WHITE, clamp01(this.c.snow) * snowCover);
    return rgbToHex(this.fogged(multiply(base, this.ambient), depth));
  }

  /** A light source: its own colour, only veiled by fog. */
  emissive(color: Rgb, depth: number): string {
    return rgbToHex(this.fogged(color, depth * 0.8));
  }

  fogged(c: Rgb, depth: number): Rgb {
    return mix(c, this.fogColor, this.fogAmount(depth));
  }

  fogAmount(depth: number): number {
    return clamp01(this.c.fog) * (0.15 + 0.67 * depth);
  }

  get night(): number {
    return clamp01(this.c.timeOfDay);
  }
}

// ---------------------------------------------------------------------------------------------

export function sceneSvg(layout: SceneLayout, c: SceneConditions, size: number): string {
  const light = new Lighting(c);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${VIEW} ${VIEW}">`);
  parts.push(defs(layout, light));
  parts.push(`<rect width="${VIEW}" height="${VIEW}" fill="url(#sky)"/>`);
  parts.push(drawStars(layout, light));
  parts.push(drawMoon(layout, light));
  parts.push(drawSun(layout, light));
  parts.push(drawClouds(layout, light));
  for (const hill of layout.hills) parts.push(drawHill(hill, light, layout.horizon));
  parts.push(drawGround(layout, light));
  if (layout.countryside) parts.push(drawCountryside(layout.countryside, layout.horizon, light));
  for (const b of layout.buildings) parts.push(drawBuilding(b, light));
  parts.push(drawRoad(layout, light));
  for (const car of layout.cars) parts.push(drawCar(car, light));
  for (const t of layout.trees) parts.push(drawTree(t, layout, light));
  if (layout.countryside?.fence) parts.push(drawFence(layout.countryside.fence, light));
  for (const l of layout.lamps) parts.push(drawLamp(l, light));
  parts.push(drawFogVeil(light));
  parts.push(drawFlakes(layout, light));
  parts.push(`<rect width="${VIEW}" height="${VIEW}" filter="url(#grain)" opacity="0.07"/>`);
  parts.push('</svg>');
  return parts.join('');
}

export async function renderScene(layout: SceneLayout, c: SceneConditions, size: number): Promise<Uint8Array> {
  return rasteriseSvg(sceneSvg(layout, c, size), size);
}

/** Coordinates to one decimal keep the SVG short without visible rounding at any size. */
function n(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}

function op(v: number): string {
  return (Math.round(clamp01(v) * 1000) / 1000).toString();
}

function defs(layout: SceneLayout, light: Lighting): string {
  const t = light.night;
  const tintShift: Rgb = [layout.skyTint * 10, layout.skyTint * 4, -layout.skyTint * 8];
  // Each scene's sky is nudged warmer or cooler by day; the nudge fades out towards night.
  const top = light.fogged(mix(interpolateKeys(SKY_TOP_KEYS, t), [0, 0, 0], 0), 0.75).map((v, i) => v + (tintShift[i] ?? 0) * (1 - t));
  const topColor: Rgb = [top[0] ?? 0, top[1] ?? 0, top[2] ?? 0];
  const horizon = light.fogged(interpolateKeys(SKY_HORIZON_KEYS, t), 1);
  const ground = hexToRgb(layout.ground);
  const groundFar = light.surface(rgbToHex(mix(ground, [150, 170, 180], 0.25)), 0.55, 0.85);
  const groundNear = light.surface(rgbToHex(mix(ground, [40, 60, 30], 0.15)), 0.1, 0.85);
  const glow = WARM_LIGHTS[0] ?? [255, 210, 110];
  return [
    '<defs>',
    `<linearGradient id="sky" x1="0" y1="0" x2="0" y2="${n(layout.horizon / VIEW)}"><stop offset="0" stop-color="${rgbToHex(topColor)}"/><stop offset="1" stop-color="${rgbToHex(horizon)}"/></linearGradient>`,
    `<linearGradient id="ground" gradientUnits="userSpaceOnUse" x1="0" y1="${layout.horizon}" x2="0" y2="${VIEW}"><stop offset="0" stop-color="${groundFar}"/><stop offset="1" stop-color="${groundNear}"/></linearGradient>`,
    `<radialGradient id="lampGlow"><stop offset="0" stop-color="${rgbToHex(glow)}" stop-opacity="0.9"/><stop offset="0.35" stop-color="${rgbToHex(glow)}" stop-opacity="0.35"/><stop offset="1" stop-color="${rgbToHex(glow)}" stop-opacity="0"/></radialGradient>`,
    `<radialGradient id="sunGlow"><stop offset="0" stop-color="#fff4c8" stop-opacity="0.8"/><stop offset="1" stop-color="#ffd080" stop-opacity="0"/></radialGradient>`,
    `<radialGradient id="moonGlow"><stop offset="0" stop-color="#dfe8ff" stop-opacity="0.45"/><stop offset="1" stop-color="#dfe8ff" stop-opacity="0"/></radialGradient>`,
    `<linearGradient id="fogVeil" gradientUnits="userSpaceOnUse" x1="0" y1="0" x2="0" y2="${VIEW}"><stop offset="0" stop-color="${rgbToHex(light.fogColor)}" stop-opacity="0.25"/><stop offset="${n(layout.horizon / VIEW)}" stop-color="${rgbToHex(light.fogColor)}" stop-opacity="0.85"/><stop offset="1" stop-color="${rgbToHex(light.fogColor)}" stop-opacity="0.2"/></linearGradient>`,
    `<filter id="grain" x="0" y="0" width="1" height="1"><feTurbulence type="fractalNoise" baseFrequency="0.35" numOctaves="2" seed="${layout.seed % 1000}"/><feColorMatrix type="matrix" values="0 0 0 0 0.5  0 0 0 0 0.5  0 0 0 0 0.5  1 0 0 0 0"/></filter>`,
    '</defs>',
  ].join('');
}

function drawStars(layout: SceneLayout, light: Lighting): string {
  const opacity = smoothstep(0.55, 0.95, light.night) * (1 - clamp01(light.c.fog) * 0.9);
  if (opacity <= 0.001) return '';
  const dots = layout.stars.map((s) => `<circle cx="${n(s.x)}" cy="${n(s.y)}" r="${n(s.r)}"/>`).join('');
  return `<g fill="#f4f6ff" opacity="${op(opacity)}">${dots}</g>`;
}

function drawMoon(layout: SceneLayout, light: Lighting): string {
  const opacity = smoothstep(0.5, 0.85, light.night) * (1 - clamp01(light.c.fog) * 0.6);
  if (opacity <= 0.001) return '';
  const m = layout.moon;
  const craters = m.craters.map((cr) => `<circle cx="${n(m.x + cr.dx)}" cy="${n(m.y + cr.dy)}" r="${n(cr.r)}" fill="#c9ccd8"/>`).join('');
  return `<g opacity="${op(opacity)}"><circle cx="${n(m.x)}" cy="${n(m.y)}" r="${n(m.radius * 2.6)}" fill="url(#moonGlow)"/><circle cx="${n(m.x)}" cy="${n(m.y)}" r="${n(m.radius)}" fill="#f2f0e6"/>${craters}</g>`;
}

function drawSun(layout: SceneLayout, light: Lighting): string {
  const t = light.night;
  // The sun sinks from its midday height to below the horizon by t = 0.6.
  const sink = smoothstep(0, 0.6, t);
  const y = layout.sun.y + (layout.horizon + layout.sun.radius * 1.2 - layout.sun.y) * sink;
  const color = mix(hexToRgb('#fff3b0'), hexToRgb('#ff7a3a'), smoothstep(0.15, 0.55, t));
  const opacity = (1 - smoothstep(0.5, 0.62, t)) * (1 - clamp01(light.c.fog) * 0.75);
  if (opacity <= 0.001) return '';
  const r = layout.sun.radius * (1 + 0.25 * sink);
  return `<g opacity="${op(opacity)}"><circle cx="${n(layout.sun.x)}" cy="${n(y)}" r="${n(r * 3)}" fill="url(#sunGlow)"/><circle cx="${n(layout.sun.x)}" cy="${n(y)}" r="${n(r)}" fill="${rgbToHex(color)}"/></g>`;
}

function drawClouds(layout: SceneLayout, light: Lighting): string {
  const t = light.night;
  // Clouds catch the sunset (pink) and go slate grey at night, a little brighter than the sky.
  const tint = interpolateKeys(
    [
      [0, hexToRgb('#ffffff')],
      [0.25, hexToRgb('#fbefe2')],
      [0.5, hexToRgb('#f4a6a0')],
      [0.75, hexToRgb('#5a4a6e')],
      [1, hexToRgb('#262c40')],
    ],
    t,
  );
  const shade = mix(tint, [0, 0, 20], 0.18);
  const main = rgbToHex(light.fogged(tint, 0.9));
  const under = rgbToHex(light.fogged(shade, 0.9));
  return layout.clouds
    .map((cl) => {
      const puffs = cl.puffs.map((p) => `<circle cx="${n(cl.x + p.dx)}" cy="${n(cl.y + p.dy)}" r="${n(p.r)}"/>`).join('');
      const base = cl.puffs.map((p) => `<circle cx="${n(cl.x + p.dx + 6)}" cy="${n(cl.y + p.dy + 10)}" r="${n(p.r)}"/>`).join('');
      return `<g fill="${under}">${base}</g><g fill="${main}">${puffs}</g>`;
    })
    .join('');
}

function drawHill(hill: SceneHill, light: Lighting, horizon: number): string {
  const step = VIEW / (hill.ridge.length - 1);
  const points = hill.ridge.map((y, i) => `${n(i * step)},${n(y)}`).join(' ');
  const fill = light.surface(hill.color, hill.depth, 0.8);
  const bottom = horizon + 60;
  return `<polygon points="0,${bottom} ${points} ${VIEW},${bottom}" fill="${fill}"/>`;
}

function drawGround(layout: SceneLayout, light: Lighting): string {
  const tufts = layout.tufts
    .map((p) => `<path d="M${n(p.x)} ${n(p.y)} l-5 -14 M${n(p.x)} ${n(p.y)} l2 -16 M${n(p.x)} ${n(p.y)} l8 -12"/>`)
    .join('');
  const tuftColor = light.surface(rgbToHex(mix(hexToRgb(layout.ground), [20, 50, 10], 0.35)), 0.2, 0.6);
  const tuftOpacity = 1 - clamp01(light.c.snow) * 0.8;
  return `<rect x="0" y="${layout.horizon}" width="${VIEW}" height="${VIEW - layout.horizon}" fill="url(#ground)"/><g stroke="${tuftColor}" stroke-width="4" fill="none" opacity="${op(tuftOpacity)}">${tufts}</g>`;
}

function drawBuilding(b: SceneBuilding, light: Lighting): string {
  const base = b.base;
  const top = base - b.height;
  const depth = 0.45;
  const parts: string[] = [];
  const wall = light.surface(b.wall, depth);
  const wallShade = light.surface(rgbToHex(mix(hexToRgb(b.wall), [0, 0, 0], 0.25)), depth);
  parts.push(`<rect x="${n(b.x)}" y="${n(top)}" width="${n(b.width)}" height="${n(b.height)}" fill="${wall}"/>`);
  // A shaded right edge gives the facades some volume.
  parts.push(`<rect x="${n(b.x + b.width - 14)}" y="${n(top)}" width="14" height="${n(b.height)}" fill="${wallShade}"/>`);
  for (const y of b.floorLines) parts.push(`<rect x="${n(b.x)}" y="${n(y)}" width="${n(b.width)}" height="4" fill="${wallShade}"/>`);
  const roof = light.surface(b.roofColor, depth);
  const snow = clamp01(light.c.snow);
  const snowFill = light.surface('#f4f7fc', depth);
  if (b.roof === 'flat') {
    parts.push(`<rect x="${n(b.x - 6)}" y="${n(top - 10)}" width="${n(b.width + 12)}" height="12" fill="${roof}"/>`);
    if (snow > 0) parts.push(`<rect x="${op(b.x - 6)}" y="${n(top - 10 - 18 * snow)}" width="${n(b.width + 12)}" height="${n(18 * snow + 4)}" rx="6" fill="${snowFill}" opacity="${n(Math.min(1, snow * 1.5))}"/>`);
  } else if (b.roof === 'stepped') {
    const w2 = b.width * 0.55;
    const x2 = b.x + (b.width - w2) / 2;
    parts.push(`<rect x="${n(x2)}" y="${n(top - 40)}" width="${n(w2)}" height="40" fill="${wallShade}"/><rect x="${n(x2 - 4)}" y="${n(top - 48)}" width="${n(w2 + 8)}" height="10" fill="${roof}"/>`);
    if (snow > 0) parts.push(`<g fill="${snowFill}" opacity="${op(Math.min(1, snow * 1.5))}"><rect x="${n(x2 - 4)}" y="${n(top - 48 - 16 * snow)}" width="${n(w2 + 8)}" height="${n(16 * snow + 4)}" rx="5"/><rect x="${n(b.x)}" y="${n(top - 14 * snow)}" width="${n(b.width)}" height="${n(14 * snow + 2)}" rx="5"/></g>`);
  } else {
    const peak = Math.min(110, b.width * 0.45);
    parts.push(`<polygon points="${n(b.x - 10)},${n(top)} ${n(b.x + b.width / 2)},${n(top - peak)} ${n(b.x + b.width + 10)},${n(top)}" fill="${roof}"/>`);
    if (snow > 0) {
      const k = 0.3 + 0.5 * snow;
      // Snow covers the roof from the ridge down, further as snow increases.
      parts.push(`<polygon points="${op(b.x + b.width / 2 - (b.width / 2 + 10) * k)},${n(top - peak * (1 - k))} ${n(b.x + b.width / 2)},${n(top - peak - 6)} ${n(b.x + b.width / 2 + (b.width / 2 + 10) * k)},${n(top - peak * (1 - k))}" fill="${snowFill}" opacity="${n(Math.min(1, snow * 1.5))}"/>`);
    }
  }
  const t = light.night;
  for (const w of b.windows) {
    const on = w.lightsOnAt === null ? 0 : smoothstep(w.lightsOnAt, w.lightsOnAt + 0.2, t);
    const warm = WARM_LIGHTS[Math.min(WARM_LIGHTS.length - 1, Math.floor(w.warmth * WARM_LIGHTS.length))] ?? [255, 210, 110];
    const glass = light.fogged(multiply(mix(hexToRgb('#4d6682'), hexToRgb('#9fc4e6'), 0.35 + 0.3 * w.warmth), light.ambient), depth);
    const lit = light.fogged(warm, depth * 0.7);
    const color = rgbToHex(mix(glass, lit, on));
    const frame = light.surface('#e9e4da', depth);
    parts.push(`<rect x="${n(w.x - 3)}" y="${n(w.y - 3)}" width="${n(b.windowWidth + 6)}" height="${n(b.windowHeight + 6)}" fill="${frame}"/><rect x="${n(w.x)}" y="${n(w.y)}" width="${n(b.windowWidth)}" height="${n(b.windowHeight)}" fill="${color}"/>`);
    if (b.windowHeight > 26) parts.push(`<rect x="${n(w.x)}" y="${n(w.y + b.windowHeight / 2 - 1.5)}" width="${n(b.windowWidth)}" height="3" fill="${frame}"/>`);
  }
  if (b.door) {
    const doorLit = mix(multiply(hexToRgb('#5a3a28'), light.ambient), WARM_LIGHTS[2] ?? [255, 180, 70], smoothstep(0.5, 0.8, t) * 0.6);
    parts.push(`<rect x="${n(b.door.x)}" y="${n(base - b.door.height)}" width="${n(b.door.width)}" height="${n(b.door.height)}" fill="${rgbToHex(light.fogged(doorLit, depth))}"/>`);
  }
  if (b.awning && b.door) {
    const aw = light.surface(b.awning.color, depth);
    const ay = base - b.door.height - 26;
    const ax = b.x + 8;
    const width = b.width - 16;
    parts.push(`<polygon points="${n(ax)},${n(ay)} ${n(ax + width)},${n(ay)} ${n(ax + width + 8)},${n(ay + 22)} ${n(ax - 8)},${n(ay + 22)}" fill="${aw}"/>`);
    if (b.awning.stripes) {
      const white = light.surface('#f2efe8', depth);
      for (let x = ax; x < ax + width - 10; x += 28) parts.push(`<rect x="${n(x)}" y="${n(ay)}" width="12" height="22" fill="${white}"/>`);
    }
    if (snow > 0) parts.push(`<rect x="${op(ax - 4)}" y="${n(ay - 10 * snow)}" width="${n(width + 8)}" height="${n(10 * snow + 2)}" rx="4" fill="${snowFill}" opacity="${n(Math.min(1, snow * 1.5))}"/>`);
  }
  return parts.join('');
}

function drawRoad(layout: SceneLayout, light: Lighting): string {
  const road = layout.road;
  if (!road) return '';
  const parts: string[] = [];
  const pavement = light.surface('#b9b4aa', 0.3, 0.9);
  const kerb = light.surface('#8d8a84', 0.3, 0.5);
  parts.push(`<rect x="0" y="${n(layout.horizon)}" width="${VIEW}" height="${n(road.top - layout.horizon)}" fill="${pavement}"/>`);
  parts.push(`<rect x="0" y="${n(road.top)}" width="${VIEW}" height="${n(road.bottom - road.top)}" fill="${light.surface(road.color, 0.2, 0.55)}"/>`);
  parts.push(`<rect x="0" y="${n(road.top - 6)}" width="${VIEW}" height="8" fill="${kerb}"/>`);
  parts.push(`<rect x="0" y="${n(road.bottom)}" width="${VIEW}" height="${n(VIEW - road.bottom)}" fill="${pavement}"/><rect x="0" y="${n(road.bottom)}" width="${VIEW}" height="8" fill="${kerb}"/>`);
  // Paving joints on the near pavement: texture that also shows perspective.
  const joints: string[] = [];
  const slab = 70;
  for (let i = -2; i * slab < VIEW + slab * 2; i++) {
    const x = i * slab;
    joints.push(`M${n(x)} ${n(road.bottom + 8)} L${n(x + (x - 500) * 0.25)} ${VIEW}`);
  }
  for (let y = road.bottom + 40; y < VIEW; y += 45) joints.push(`M0 ${n(y)} H${VIEW}`);
  parts.push(`<path d="${joints.join(' ')}" stroke="${kerb}" stroke-width="3" fill="none" opacity="${op(0.8 - 0.6 * clamp01(light.c.snow))}"/>`);
  const mid = (road.top + road.bottom) / 2;
  const dashColor = light.surface('#f1efe6', 0.2, 0.3);
  const dashW = (road.dashes[1] ?? 100) - (road.dashes[0] ?? 0);
  parts.push(`<g fill="${dashColor}" opacity="${op((1 - clamp01(light.c.snow) * 0.7))}">${road.dashes.map((x) => `<rect x="${n(x)}" y="${n(mid - 5)}" width="${n(dashW / 2)}" height="10"/>`).join('')}</g>`);
  return parts.join('');
}

function drawCountryside(country: SceneCountryside, horizon: number, light: Lighting): string {
  const parts: string[] = [];
  for (const f of country.fields) parts.push(`<rect x="0" y="${n(f.y)}" width="${VIEW}" height="${n(f.height)}" fill="${light.surface(f.colour, 0.5, 0.85)}"/><rect x="0" y="${n(f.y + f.height - 3)}" width="${VIEW}" height="3" fill="${light.surface('#5e7a34', 0.5, 0.6)}"/>`);
  const p = country.path;
  if (p) {
    const half = p.bottomWidth / 2;
    const midX = (p.bottomX + p.topX) / 2 + p.bend;
    const midY = (horizon + VIEW) / 2;
    const d = `M${n(p.bottomX - half)} ${VIEW} Q${n(midX - half * 0.4)} ${n(midY)} ${n(p.topX - 6)} ${n(horizon)} L${n(p.topX + 6)} ${n(horizon)} Q${n(midX + half * 0.4)} ${n(midY)} ${n(p.bottomX + half)} ${VIEW} Z`;
    parts.push(`<path d="${d}" fill="${light.surface('#b89a6a', 0.3, 0.9)}"/>`);
  }
  return parts.join('');
}

function drawFence(fence: NonNullable<SceneCountryside['fence']>, light: Lighting): string {
  const wood = light.surface('#7a5a3a', 0.25);
  const posts: string[] = [];
  for (let x = fence.x0; x <= fence.x1; x += fence.spacing) posts.push(`<rect x="${n(x - 5)}" y="${n(fence.y - 60)}" width="10" height="64"/>`);
  const snow = clamp01(light.c.snow);
  const cap = snow > 0 ? `<rect x="${n(fence.x0 - 6)}" y="${n(fence.y - 52 - 8 * snow)}" width="${n(fence.x1 - fence.x0 + 12)}" height="${n(8 * snow + 2)}" rx="3" fill="${light.surface('#f4f7fc', 0.25)}" opacity="${op(snow * 1.5)}"/>` : '';
  return `<g fill="${wood}">${posts.join('')}<rect x="${n(fence.x0)}" y="${n(fence.y - 50)}" width="${n(fence.x1 - fence.x0)}" height="8"/><rect x="${n(fence.x0)}" y="${n(fence.y - 24)}" width="${n(fence.x1 - fence.x0)}" height="8"/></g>${cap}`;
}

function drawCar(car: SceneCar, light: Lighting): string {
  const depth = 0.2;
  const l = car.length;
  const x = car.x - l / 2;
  const bodyTop = car.y - 58;
  const body = light.surface(car.colour, depth);
  const dark = light.surface('#1b1e24', depth);
  const glass = light.surface('#8fb3cc', depth);
  const on = smoothstep(0.4, 0.75, light.night);
  const cabinX = x + l * (car.facingRight ? 0.18 : 0.27);
  const front = car.facingRight ? x + l - 10 : x;
  const back = car.facingRight ? x : x + l - 10;
  const head = light.emissive(mix(multiply(hexToRgb('#e8e4d0'), light.ambient), hexToRgb('#fff6c8'), on), depth);
  const tail = light.emissive(mix(multiply(hexToRgb('#8a1e1e'), light.ambient), hexToRgb('#ff3b30'), on), depth);
  const parts = [
    `<path d="M${n(cabinX)} ${n(bodyTop)} L${n(cabinX + 12)} ${n(bodyTop - 34)} L${n(cabinX + l * 0.5)} ${n(bodyTop - 34)} L${n(cabinX + l * 0.55 + 6)} ${n(bodyTop)} Z" fill="${body}"/>`,
    `<path d="M${n(cabinX + 10)} ${n(bodyTop - 3)} L${n(cabinX + 19)} ${n(bodyTop - 28)} L${n(cabinX + l * 0.26)} ${n(bodyTop - 28)} L${n(cabinX + l * 0.26)} ${n(bodyTop - 3)} Z M${n(cabinX + l * 0.29)} ${n(bodyTop - 3)} L${n(cabinX + l * 0.29)} ${n(bodyTop - 28)} L${n(cabinX + l * 0.49)} ${n(bodyTop - 28)} L${n(cabinX + l * 0.53)} ${n(bodyTop - 3)} Z" fill="${glass}"/>`,
    `<rect x="${n(x)}" y="${n(bodyTop)}" width="${n(l)}" height="42" rx="12" fill="${body}"/>`,
    `<rect x="${n(front)}" y="${n(bodyTop + 8)}" width="10" height="10" fill="${head}"/><rect x="${n(back)}" y="${n(bodyTop + 8)}" width="10" height="10" fill="${tail}"/>`,
    `<circle cx="${n(x + l * 0.22)}" cy="${n(car.y - 16)}" r="17" fill="${dark}"/><circle cx="${n(x + l * 0.78)}" cy="${n(car.y - 16)}" r="17" fill="${dark}"/>`,
  ];
  if (on > 0.001) {
    const dir = car.facingRight ? 1 : -1;
    const fx = car.facingRight ? x + l : x;
    parts.push(`<polygon points="${n(fx)},${n(bodyTop + 8)} ${n(fx + dir * 150)},${n(bodyTop - 4)} ${n(fx + dir * 150)},${n(car.y + 4)} ${n(fx)},${n(bodyTop + 18)}" fill="#fff3c0" opacity="${op(on * 0.22 * (1 - 0.4 * clamp01(light.c.fog)))}"/>`);
  }
  const snow = clamp01(light.c.snow);
  if (snow > 0) parts.push(`<rect x="${n(cabinX + 8)}" y="${n(bodyTop - 34 - 10 * snow)}" width="${n(l * 0.5 - 6)}" height="${n(10 * snow + 3)}" rx="4" fill="${light.surface('#f4f7fc', depth)}" opacity="${op(snow * 1.5)}"/>`);
  return parts.join('');
}

function drawTree(tree: SceneTree, layout: SceneLayout, light: Lighting): string {
  const near = (tree.y - layout.horizon) / Math.max(1, VIEW - layout.horizon);
  const depth = 0.4 - 0.35 * near;
  const trunk = light.surface('#5b3b1f', depth);
  const leaf = light.surface(tree.foliage, depth);
  const leafDark = light.surface(rgbToHex(mix(hexToRgb(tree.foliage), [0, 20, 0], 0.35)), depth);
  const snow = clamp01(light.c.snow);
  const snowFill = light.surface('#f4f7fc', depth);
  const h = tree.height;
  const parts: string[] = [];
  if (tree.kind === 'pine') {
    const w = h * 0.42;
    parts.push(`<rect x="${n(tree.x - h * 0.03)}" y="${n(tree.y - h * 0.2)}" width="${n(h * 0.06)}" height="${n(h * 0.2)}" fill="${trunk}"/>`);
    for (let k = 0; k < 3; k++) {
      const top = tree.y - h + k * h * 0.22;
      const bottom = tree.y - h * 0.15 - (2 - k) * h * 0.18;
      const half = w * (0.55 + 0.22 * k) / 1.0;
      parts.push(`<polygon points="${n(tree.x)},${n(top)} ${n(tree.x + half)},${n(bottom)} ${n(tree.x - half)},${n(bottom)}" fill="${k % 2 ? leafDark : leaf}"/>`);
      if (snow > 0) {
        const s = 0.25 + 0.35 * snow;
        parts.push(`<polygon points="${op(tree.x)},${n(top)} ${n(tree.x + half * s)},${n(top + (bottom - top) * s)} ${n(tree.x - half * s)},${n(top + (bottom - top) * s)}" fill="${snowFill}" opacity="${n(snow)}"/>`);
      }
    }
  } else {
    const crownR = h * 0.3;
    const cy = tree.y - h + crownR;
    parts.push(`<rect x="${n(tree.x - h * 0.04)}" y="${n(cy)}" width="${n(h * 0.08)}" height="${n(tree.y - cy)}" fill="${trunk}"/>`);
    parts.push(`<circle cx="${n(tree.x)}" cy="${n(cy)}" r="${n(crownR)}" fill="${leafDark}"/>`);
    for (const b of tree.blobs) parts.push(`<circle cx="${n(tree.x + b.dx * crownR - 4)}" cy="${n(cy + b.dy * crownR - 4)}" r="${n(b.r * crownR)}" fill="${leaf}"/>`);
    if (snow > 0) parts.push(`<ellipse cx="${op(tree.x)}" cy="${n(cy - crownR * 0.7)}" rx="${n(crownR * (0.5 + 0.3 * snow))}" ry="${n(crownR * (0.15 + 0.2 * snow))}" fill="${snowFill}" opacity="${n(snow)}"/>`);
  }
  return parts.join('');
}

function drawLamp(lamp: SceneLamp, light: Lighting): string {
  const on = smoothstep(0.35, 0.75, light.night);
  const depth = 0.3;
  const post = light.surface('#2f3338', depth);
  const headY = lamp.y - lamp.height;
  const bulbOff = multiply(hexToRgb('#d8d4c4'), light.ambient);
  const bulb = light.emissive(mix(bulbOff, hexToRgb('#fff1b8'), on), depth);
  const parts = [
    `<rect x="${n(lamp.x - 4)}" y="${n(headY)}" width="8" height="${n(lamp.height)}" fill="${post}"/>`,
    `<rect x="${n(lamp.x - 12)}" y="${n(lamp.y - 12)}" width="24" height="12" fill="${post}"/>`,
    `<path d="M${n(lamp.x - 20)} ${n(headY + 4)} L${n(lamp.x + 20)} ${n(headY + 4)} L${n(lamp.x + 12)} ${n(headY - 12)} L${n(lamp.x - 12)} ${n(headY - 12)} Z" fill="${post}"/>`,
    `<rect x="${n(lamp.x - 12)}" y="${n(headY + 4)}" width="24" height="14" fill="${bulb}"/>`,
  ];
  if (on > 0.001) {
    const glow = on * (1 - clamp01(light.c.fog) * 0.3);
    parts.push(`<ellipse cx="${n(lamp.x)}" cy="${n(lamp.y + 6)}" rx="70" ry="16" fill="#ffd36b" opacity="${op(glow * 0.4)}"/>`);
    parts.push(`<circle cx="${op(lamp.x)}" cy="${n(headY + 10)}" r="${n(70 + 30 * clamp01(light.c.fog))}" fill="url(#lampGlow)" opacity="${n(glow)}"/>`);
  }
  return parts.join('');
}

function drawFogVeil(light: Lighting): string {
  const f = clamp01(light.c.fog);
  if (f <= 0.001) return '';
  return `<rect width="${VIEW}" height="${VIEW}" fill="url(#fogVeil)" opacity="${op(f * 0.5)}"/>`;
}

function drawFlakes(layout: SceneLayout, light: Lighting): string {
  const s = clamp01(light.c.snow);
  if (s <= 0.001) return '';
  const count = Math.round(layout.flakes.length * (0.3 + 0.7 * s));
  const color = rgbToHex(light.fogged(mix(multiply(SNOW_WHITE, light.ambient), SNOW_WHITE, 0.3), 0.2));
  const dots = layout.flakes.slice(0, count).map((f) => `<circle cx="${n(f.x)}" cy="${n(f.y)}" r="${n(f.r)}"/>`).join('');
  return `<g fill="${color}" opacity="${op(Math.min(1, s * 1.4))}">${dots}</g>`;
}
