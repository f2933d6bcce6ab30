import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../errors.js';
import { detectEdges } from '../edges.js';

const SIZE = 128;
// A filled rectangle covering pixels x 30..69, y 20..59, and a disc of radius 20 at (90, 95).
const RECT = { left: 30, right: 70, top: 20, bottom: 60 };
const DISC = { cx: 90, cy: 95, r: 20 };

const insideRect = (x: number, y: number): boolean => x >= RECT.left && x < RECT.right && y >= RECT.top && y < RECT.bottom;
const insideDisc = (x: number, y: number): boolean => (x - DISC.cx) ** 2 + (y - DISC.cy) ** 2 < DISC.r ** 2;

/** Distance from a pixel centre to the nearest true contour (the boundaries lie between pixels). */
function contourDistance(x: number, y: number): number {
  const l = RECT.left - 0.5;
  const r = RECT.right - 0.5;
  const t = RECT.top - 0.5;
  const b = RECT.bottom - 0.5;
  const dx = x < l ? l - x : x > r ? x - r : 0;
  const dy = y < t ? t - y : y > b ? y - b : 0;
  const toRect = dx > 0 || dy > 0 ? Math.hypot(dx, dy) : Math.min(x - l, r - x, y - t, b - y);
  const toDisc = Math.abs(Math.hypot(x - DISC.cx, y - DISC.cy) - DISC.r);
  return Math.min(toRect, toDisc);
}

/** Small deterministic noise, like sensor grain. */
function noise(x: number, y: number): number {
  const h = Math.sin(x * 12.9898 + y * 78.233) * 43758.5453;
  return Math.round((h - Math.floor(h) - 0.5) * 10);
}

function shapesRgb(withNoise: boolean): Uint8Array {
  const rgb = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      // Slightly graded backgrounds, as under real light; the rectangle is darker, the disc a
      // pink of about the background's brightness (a grey-level detector would barely see it).
      const colour = insideRect(x, y) ? [70, 80, 110] : insideDisc(x, y) ? [255, 165, 150] : [205 - y / 4, 200 - y / 4, 190 - x / 8];
      const n = withNoise ? noise(x, y) : 0;
      rgb.set(colour.map((v) => Math.max(0, Math.min(255, Math.round(v + n)))), (y * SIZE + x) * 3);
    }
  }
  return rgb;
}

function darkPixels(edges: Uint8Array, width: number, below = 128): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  edges.forEach((v, i) => {
    if (v < below) out.push({ x: i % width, y: Math.floor(i / width) });
  });
  return out;
}

/** Share of points whose neighbourhood within `radius` px holds a stroke core. */
function coverage(edges: Uint8Array, width: number, height: number, points: { x: number; y: number }[], radius: number): number {
  let hit = 0;
  for (const p of points) {
    let found = false;
    for (let y = Math.max(0, Math.round(p.y) - radius); y <= Math.min(height - 1, Math.round(p.y) + radius) && !found; y++) {
      for (let x = Math.max(0, Math.round(p.x) - radius); x <= Math.min(width - 1, Math.round(p.x) + radius) && !found; x++) {
        if (edges[y * width + x]! < 128) found = true;
      }
    }
    if (found) hit++;
  }
  return hit / points.length;
}

function truePerimeter(): { x: number; y: number }[] {
  const points: { x: number; y: number }[] = [];
  for (let x = RECT.left; x < RECT.right; x++) points.push({ x, y: RECT.top - 0.5 }, { x, y: RECT.bottom - 0.5 });
  for (let y = RECT.top; y < RECT.bottom; y++) points.push({ x: RECT.left - 0.5, y }, { x: RECT.right - 0.5, y });
  for (let a = 0; a < 360; a += 2) {
    const t = (a * Math.PI) / 180;
    points.push({ x: DISC.cx + DISC.r * Math.cos(t), y: DISC.cy + DISC.r * Math.sin(t) });
  }
  return points;
}

describe('detectEdges on drawn shapes', () => {
  for (const withNoise of [false, true]) {
    it(`puts thin strokes on the true contours and nowhere else${withNoise ? ', through sensor noise' : ''}`, () => {
      const edges = detectEdges(shapesRgb(withNoise), SIZE, SIZE);
      const cores = darkPixels(edges, SIZE);
      expect(cores.length).toBeGreaterThan(200);
      // Every stroke lies on a contour, within 1.5 px.
      const worst = Math.max(...cores.map((p) => contourDistance(p.x, p.y)));
      expect(worst).toBeLessThanOrEqual(1.5);
      // The contours are traced all the way round (corners may be rounded off a little).
      expect(coverage(edges, SIZE, SIZE, truePerimeter(), 1)).toBeGreaterThan(0.95);
      // Interior and background are white: nothing at all more than 2 px from a contour.
      const stray = [...edges.keys()].filter((i) => edges[i] !== 255 && contourDistance(i % SIZE, Math.floor(i / SIZE)) > 2);
      expect(stray).toEqual([]);
      // Thin: crossing a straight side meets one core pixel (two where the side falls between
      // pixel rows), and at most three drawn pixels with the grey rim.
      for (let y = RECT.top + 4; y < RECT.bottom - 4; y++) {
        const row = Array.from(edges.subarray(y * SIZE + RECT.left - 5, y * SIZE + RECT.left + 5));
        expect(row.filter((v) => v < 128).length).toBeGreaterThanOrEqual(1);
        expect(row.filter((v) => v < 128).length).toBeLessThanOrEqual(2);
        expect(row.filter((v) => v < 255).length).toBeLessThanOrEqual(4);
      }
    });
  }

  it('draws a faint inner seam that meets the outline, as HED draws the flap of a bag', () => {
    // A brown block on white, its lower half 25 grey levels darker: the seam between the halves
    // is far weaker than the outline and joins it only at a T-junction.
    const width = 160;
    const height = 120;
    const rgb = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inside = x >= 20 && x < 140 && y >= 20 && y < 100;
        const colour = !inside ? [248, 248, 246] : y < 60 ? [170, 100, 60] : [152, 86, 51];
        rgb.set(colour.map((v) => v + noise(x, y)), (y * width + x) * 3);
      }
    }
    const edges = detectEdges(rgb, width, height);
    const seam = Array.from({ length: 100 }, (_, i) => ({ x: 30 + i, y: 59.5 }));
    expect(coverage(edges, width, height, seam, 1)).toBeGreaterThan(0.9);
    // ...and nothing else inside the halves.
    for (const y of [35, 45, 75, 85]) expect(Array.from(edges.subarray(y * width + 30, y * width + 130)).every((v) => v === 255)).toBe(true);
  });

  it('draws no frame around the picture and finds nothing in smooth shading', () => {
    const shaded = new Uint8Array(SIZE * SIZE * 3);
    for (let i = 0; i < SIZE * SIZE; i++) {
      const x = i % SIZE;
      const y = Math.floor(i / SIZE);
      shaded.set([40 + x, 90 + y / 2, 200 - (x + y) / 3].map(Math.round), i * 3);
    }
    expect(detectEdges(shaded, SIZE, SIZE).every((v) => v === 255)).toBe(true);
    expect(detectEdges(new Uint8Array(30 * 20 * 3).fill(77), 30, 20).every((v) => v === 255)).toBe(true);
    // Pictures smaller than the blur still work (the mirror keeps bouncing).
    expect(Array.from(detectEdges(Uint8Array.of(9, 9, 9), 1, 1))).toEqual([255]);
    expect(detectEdges(Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => (i < 9 ? 0 : 255)), 3, 2)).toHaveLength(6);
  });

  it('is deterministic and leaves its input alone', () => {
    const rgb = shapesRgb(true);
    const copy = rgb.slice();
    const first = detectEdges(rgb, SIZE, SIZE);
    expect(detectEdges(rgb, SIZE, SIZE)).toEqual(first);
    expect(rgb).toEqual(copy);
  });

  it('strokeWidth 1 gives bare black lines', () => {
    const edges = detectEdges(shapesRgb(false), SIZE, SIZE, { strokeWidth: 1 });
    expect(new Set(edges)).toEqual(new Set([0, 255]));
  });

  it('keeps busy pictures to a sparse outline', () => {
    // Random 4 px checks of random colours: texture everywhere, no objects.
    const rgb = new Uint8Array(SIZE * SIZE * 3);
    for (let i = 0; i < SIZE * SIZE; i++) {
      const cell = Math.floor((i % SIZE) / 4) * 97 + Math.floor(i / SIZE / 4) * 31;
      rgb.set([(cell * 53) % 256, (cell * 29) % 256, (cell * 71) % 256], i * 3);
    }
    const cores = darkPixels(detectEdges(rgb, SIZE, SIZE), SIZE).length;
    expect(cores / (SIZE * SIZE)).toBeLessThanOrEqual(0.06);
  });

  it('refuses bad input', () => {
    expect(() => detectEdges(new Uint8Array(10), 2, 2)).toThrow(StudioError);
    expect(() => detectEdges(new Uint8Array(12), 2, 2, { sigma: -1 })).toThrow(/sigma/);
  });
});

describe('detectEdges on the day-scene sample', () => {
  it('outlines the sun, the house and the hills with a plausible density', async () => {
    const path = fileURLToPath(new URL('../../../../assets/samples/day-scene.jpg', import.meta.url));
    const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
    const { width, height } = info;
    const edges = detectEdges(new Uint8Array(data), width, height);
    const density = darkPixels(edges, width).length / (width * height);
    expect(density).toBeGreaterThan(0.004);
    expect(density).toBeLessThan(0.03);
    // The scene is drawn from assets/samples/day-scene.svg: the sun is a circle r 34 at (380, 70),
    // the house wall a rectangle from x 90 to 180 over y 170 to 250, the trunk x 300 to 314.
    const sun = Array.from({ length: 90 }, (_, i) => ({ x: 380 + 34 * Math.cos(i / 14.3), y: 70 + 34 * Math.sin(i / 14.3) }));
    expect(coverage(edges, width, height, sun, 2)).toBeGreaterThan(0.95);
    const wall = Array.from({ length: 60 }, (_, i) => ({ x: 90, y: 180 + i }));
    expect(coverage(edges, width, height, wall, 2)).toBeGreaterThan(0.9);
    const trunk = Array.from({ length: 30 }, (_, i) => ({ x: 314, y: 258 + i }));
    expect(coverage(edges, width, height, trunk, 2)).toBeGreaterThan(0.9);
    // The open sky and the middle of the lawn stay white.
    for (const [x, y] of [
      [60, 40],
      [240, 60],
      [420, 290],
      [200, 300],
    ] as const) {
      expect(edges[y * width + x]).toBe(255);
    }
  });
});
