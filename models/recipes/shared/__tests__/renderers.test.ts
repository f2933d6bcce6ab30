import { describe, expect, it } from 'vitest';
import { type HandbagLayout, handbagSvg, randomHandbagLayout, renderHandbag, renderHandbagSketch } from '../handbag-renderer.js';
import { randomSceneLayout, renderScene, sceneSvg, type SceneConditions, type SceneLayout } from '../scene-renderer.js';

const SIZE = 96;
const STEPS = [0, 0.25, 0.5, 0.75, 1];
const CLEAR: SceneConditions = { timeOfDay: 0, snow: 0, fog: 0 };

function luminance(rgb: Uint8Array, i: number): number {
  return 0.2126 * (rgb[i] ?? 0) + 0.7152 * (rgb[i + 1] ?? 0) + 0.0722 * (rgb[i + 2] ?? 0);
}

/** Mean and standard deviation of luminance over rows [fromRow, toRow). */
function lumaStats(rgb: Uint8Array, size: number, fromRow = 0, toRow = size): { mean: number; std: number } {
  let sum = 0;
  let sq = 0;
  let count = 0;
  for (let y = fromRow; y < toRow; y++) {
    for (let x = 0; x < size; x++) {
      const l = luminance(rgb, (y * size + x) * 3);
      sum += l;
      sq += l * l;
      count++;
    }
  }
  const mean = sum / count;
  return { mean, std: Math.sqrt(Math.max(0, sq / count - mean * mean)) };
}

/** Bright, saturated yellow-orange: what a lit window or a lamp looks like. */
function isWarmLight(rgb: Uint8Array, i: number): boolean {
  const r = rgb[i] ?? 0;
  const g = rgb[i + 1] ?? 0;
  const b = rgb[i + 2] ?? 0;
  return r > 200 && g > 150 && b < 175 && r - b > 80;
}

function isStrictlyDecreasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v < (values[i - 1] ?? Infinity));
}

function isStrictlyIncreasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v > (values[i - 1] ?? -Infinity));
}

/** The first seeds whose layout is a street with buildings, so lit windows are guaranteed. */
function streetLayouts(count: number): SceneLayout[] {
  const found: SceneLayout[] = [];
  for (let seed = 1; found.length < count; seed++) {
    const layout = randomSceneLayout(seed);
    if (layout.kind === 'street' && layout.buildings.some((b) => b.windows.some((w) => w.lightsOnAt !== null))) found.push(layout);
  }
  return found;
}

describe('scene renderer', () => {
  it('is deterministic: same seed, same bytes; different seeds, different images', async () => {
    const a = await renderScene(randomSceneLayout(7), CLEAR, SIZE);
    const b = await renderScene(randomSceneLayout(7), CLEAR, SIZE);
    const c = await renderScene(randomSceneLayout(8), CLEAR, SIZE);
    expect(a.length).toBe(SIZE * SIZE * 3);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
    // A layout stored as JSON (say, beside a recipe's data) renders exactly as the original.
    const stored = JSON.parse(JSON.stringify(randomSceneLayout(7))) as SceneLayout;
    const night: SceneConditions = { timeOfDay: 0.9, snow: 0.4, fog: 0.3 };
    expect(sceneSvg(stored, night, SIZE)).toBe(sceneSvg(randomSceneLayout(7), night, SIZE));
  });

  it('varies across seeds and writes finite numbers for any conditions', () => {
    const kinds = new Set<string>();
    const horizons = new Set<number>();
    for (let seed = 1; seed <= 60; seed++) {
      const layout = randomSceneLayout(seed);
      kinds.add(layout.kind);
      horizons.add(Math.round(layout.horizon / 50));
      const c = { timeOfDay: (seed % 7) / 6, snow: (seed % 5) / 4, fog: (seed % 3) / 2 };
      expect(sceneSvg(layout, c, 64), `seed ${seed}`).not.toMatch(/NaN|Infinity|undefined/);
    }
    expect([...kinds].sort()).toEqual(['landscape', 'street']);
    expect(() => sceneSvg(randomSceneLayout(1), { timeOfDay: Number.NaN, snow: 0, fog: 0 }, 64)).toThrow(RangeError);
    expect(horizons.size).toBeGreaterThanOrEqual(3);
  });

  it('gets darker monotonically from midday to night, for every layout tried', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const layout = randomSceneLayout(seed);
      const means: number[] = [];
      for (const t of STEPS) means.push(lumaStats(await renderScene(layout, { ...CLEAR, timeOfDay: t }, SIZE), SIZE).mean);
      expect(isStrictlyDecreasing(means), `seed ${seed}: ${means.map((m) => m.toFixed(1)).join(' > ')}`).toBe(true);
      expect(means[4] ?? 255).toBeLessThan(60);
      expect(means[0] ?? 0).toBeGreaterThan(110);
    }
  });

  it('shows warm lit windows at night that are absent by day', async () => {
    const size = 128;
    for (const layout of streetLayouts(3)) {
      const day = await renderScene(layout, CLEAR, size);
      const night = await renderScene(layout, { ...CLEAR, timeOfDay: 1 }, size);
      // Some facades are warm-coloured by day, so count only the pixels that light up.
      let newlyLit = 0;
      for (let i = 0; i < night.length; i += 3) if (isWarmLight(night, i) && !isWarmLight(day, i)) newlyLit++;
      expect(newlyLit, `seed ${layout.seed}`).toBeGreaterThan(20);
      // Windows that light up are warm at their centre at night (most of them: trees and lamps
      // stand in front of a few) and never warm by day.
      const k = size / 1000;
      let visible = 0;
      let warmAtNight = 0;
      for (const b of layout.buildings) {
        for (const w of b.windows.filter((win) => win.lightsOnAt !== null)) {
          const x = Math.floor((w.x + b.windowWidth / 2) * k);
          if (x < 0 || x >= size) continue;
          const i = (Math.floor((w.y + b.windowHeight * 0.25) * k) * size + x) * 3;
          visible++;
          if (isWarmLight(night, i)) warmAtNight++;
          expect(isWarmLight(day, i), `seed ${layout.seed} window by day`).toBe(false);
        }
      }
      expect(warmAtNight, `seed ${layout.seed}: ${warmAtNight} of ${visible} lit windows warm`).toBeGreaterThan(visible * 0.75);
    }
  });

  it('snow brightens the lower half monotonically, by day and at night', async () => {
    for (const seed of [2, 5]) {
      const layout = randomSceneLayout(seed);
      for (const timeOfDay of [0, 1]) {
        const means: number[] = [];
        for (const s of STEPS) means.push(lumaStats(await renderScene(layout, { timeOfDay, snow: s, fog: 0 }, SIZE), SIZE, SIZE / 2).mean);
        expect(isStrictlyIncreasing(means), `seed ${seed} t ${timeOfDay}: ${means.map((m) => m.toFixed(1)).join(' < ')}`).toBe(true);
      }
    }
  });

  it('fog lowers contrast monotonically, by day and at night', async () => {
    for (const seed of [3, 4]) {
      const layout = randomSceneLayout(seed);
      for (const timeOfDay of [0, 1]) {
        const stds: number[] = [];
        for (const f of STEPS) stds.push(lumaStats(await renderScene(layout, { timeOfDay, snow: 0, fog: f }, SIZE), SIZE).std);
        expect(isStrictlyDecreasing(stds), `seed ${seed} t ${timeOfDay}: ${stds.map((m) => m.toFixed(1)).join(' > ')}`).toBe(true);
      }
    }
  });

  it('changes smoothly: no condition jumps between neighbouring slider steps, and each one matters', async () => {
    const size = 64;
    const steps = Array.from({ length: 21 }, (_, i) => i / 20);
    const least = { timeOfDay: 80, snow: 10, fog: 15 };
    const layouts = [randomSceneLayout(1), randomSceneLayout(4)];
    expect(layouts.map((l) => l.kind).sort()).toEqual(['landscape', 'street']);
    for (const layout of layouts) {
      for (const key of ['timeOfDay', 'snow', 'fog'] as const) {
        const frames: Uint8Array[] = [];
        for (const v of steps) frames.push(await renderScene(layout, { timeOfDay: 0.3, snow: 0.3, fog: 0.3, [key]: v }, size));
        const diffs = frames.slice(1).map((frame, i) => {
          const prev = frames[i] ?? frame;
          let sum = 0;
          for (let j = 0; j < frame.length; j++) sum += Math.abs((frame[j] ?? 0) - (prev[j] ?? 0));
          return sum / frame.length;
        });
        const median = [...diffs].sort((a, b) => a - b)[10] ?? 0;
        const total = diffs.reduce((a, b) => a + b, 0);
        expect(Math.max(...diffs), `seed ${layout.seed} ${key}: largest step against the median`).toBeLessThan(2 * median);
        expect(total, `seed ${layout.seed} ${key}: total change`).toBeGreaterThan(least[key]);
      }
    }
  });
});

describe('handbag renderer', () => {
  it('is deterministic: same seed, same bytes; different seeds, different images', async () => {
    const a = await renderHandbag(randomHandbagLayout(3), SIZE);
    const b = await renderHandbag(randomHandbagLayout(3), SIZE);
    const c = await renderHandbag(randomHandbagLayout(4), SIZE);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
    const stored = JSON.parse(JSON.stringify(randomHandbagLayout(3))) as HandbagLayout;
    expect(handbagSvg(stored, SIZE)).toBe(handbagSvg(randomHandbagLayout(3), SIZE));
  });

  it('varies shapes and materials across seeds and writes finite numbers', () => {
    const shapes = new Set<string>();
    const materials = new Set<string>();
    for (let seed = 1; seed <= 80; seed++) {
      const layout = randomHandbagLayout(seed);
      shapes.add(layout.body.shape);
      materials.add(layout.material);
      expect(handbagSvg(layout, 64), `seed ${seed}`).not.toMatch(/NaN|Infinity|undefined/);
    }
    expect(shapes.size).toBe(6);
    expect(materials.size).toBe(6);
  });

  it('draws one bag on white: white corners, the bag covering 25-75% of the frame', async () => {
    for (let seed = 1; seed <= 24; seed++) {
      const rgb = await renderHandbag(randomHandbagLayout(seed), 128);
      for (const [x, y] of [[0, 0], [127, 0], [0, 127], [127, 127], [4, 4], [123, 123]] as const) {
        const i = (y * 128 + x) * 3;
        expect([rgb[i], rgb[i + 1], rgb[i + 2]], `seed ${seed} corner ${x},${y}`).toEqual([255, 255, 255]);
      }
      let covered = 0;
      for (let i = 0; i < rgb.length; i += 3) if (luminance(rgb, i) < 235) covered++;
      const share = covered / (128 * 128);
      expect(share, `seed ${seed}`).toBeGreaterThan(0.25);
      expect(share, `seed ${seed}`).toBeLessThan(0.75);
    }
  });

  it('draws each bag as a line drawing: grey lines on white, where the render has its contours', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const layout = randomHandbagLayout(seed);
      const drawing = await renderHandbagSketch(layout, 128, 1);
      const bag = await renderHandbag(layout, 128);
      let dark = 0;
      let darkOnBag = 0;
      for (let i = 0; i < drawing.length; i += 3) {
        const [r, g, b] = [drawing[i] ?? 0, drawing[i + 1] ?? 0, drawing[i + 2] ?? 0];
        expect(Math.max(r, g, b) - Math.min(r, g, b), `seed ${seed}: a coloured pixel`).toBeLessThanOrEqual(2);
        if (r < 128) {
          dark++;
          if (luminance(bag, i) < 235) darkOnBag++;
        }
      }
      // Lines, not filled shapes: a few percent of the frame, and (nearly) all of them on the bag.
      expect(dark / (128 * 128), `seed ${seed}`).toBeGreaterThan(0.02);
      expect(dark / (128 * 128), `seed ${seed}`).toBeLessThan(0.2);
      expect(darkOnBag / dark, `seed ${seed}`).toBeGreaterThan(0.97);
    }
  });

  it('gives each shape its own few colours, so the outline says the colour', () => {
    const colours = new Map<string, Set<string>>();
    for (let seed = 1; seed <= 200; seed++) {
      const layout = randomHandbagLayout(seed);
      colours.set(layout.body.shape, (colours.get(layout.body.shape) ?? new Set()).add(layout.colour));
    }
    expect(colours.size).toBe(6);
    for (const [shape, set] of colours) expect(set.size, shape).toBeLessThanOrEqual(4);
    expect(new Set([...colours.values()].flatMap((set) => [...set])).size).toBeGreaterThanOrEqual(12);
  });
});
