/**
 * Measures tiled against whole-image translation on one model and image size: mean absolute
 * difference (8-bit levels), the seam metric, and the time of each. Used by the tiling
 * benchmark and its tests.
 */
import type { ModelEntry } from '../electron/contract/models.js';
import { ImageToImagePipeline } from '../electron/engine/jobs/pipeline.js';
import type { DecodedImage } from '../electron/engine/imaging/index.js';
import { planTiles } from '../electron/engine/imaging/index.js';
import type { SessionManager } from '../electron/engine/runtime/index.js';

export interface TilingComparison {
  maeLevels: number;
  wholeMs: number;
  tiledMs: number;
  seamRatio: number;
  notes: string[];
}

/** Mean |difference| between neighbouring columns/rows at tile borders, over that in the interior. */
export function seamRatio(rgb: Uint8Array, width: number, height: number, borderXs: number[], borderYs: number[]): number {
  const colDiff = (x: number): number => {
    let sum = 0;
    for (let y = 0; y < height; y++) for (let c = 0; c < 3; c++) sum += Math.abs((rgb[(y * width + x) * 3 + c] ?? 0) - (rgb[(y * width + x - 1) * 3 + c] ?? 0));
    return sum / (height * 3);
  };
  const rowDiff = (y: number): number => {
    let sum = 0;
    for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) sum += Math.abs((rgb[(y * width + x) * 3 + c] ?? 0) - (rgb[((y - 1) * width + x) * 3 + c] ?? 0));
    return sum / (width * 3);
  };
  const borders = [...borderXs.filter((x) => x > 0 && x < width).map(colDiff), ...borderYs.filter((y) => y > 0 && y < height).map(rowDiff)];
  const interior: number[] = [];
  for (let x = 1; x < width; x += 7) if (!borderXs.some((b) => Math.abs(b - x) < 3)) interior.push(colDiff(x));
  for (let y = 1; y < height; y += 7) if (!borderYs.some((b) => Math.abs(b - y) < 3)) interior.push(rowDiff(y));
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  return mean(borders) / mean(interior);
}

/** Every position where one tile's blend region starts or ends, where a seam would show. */
export function tileBorders(entry: ModelEntry, width: number, height: number, tileSize: number): { xs: number[]; ys: number[] } {
  const m = entry.manifest.sizeMultiple;
  const pw = Math.ceil(width / m) * m;
  const ph = Math.ceil(height / m) * m;
  const overlap = Math.max(m, Math.ceil(Math.max(32, tileSize / 8) / m) * m);
  const plan = planTiles(pw, ph, tileSize, overlap, m);
  const xs = new Set<number>();
  const ys = new Set<number>();
  for (const t of plan.tiles) {
    for (const x of [t.x, t.x + plan.overlap / 2, t.x + t.width - plan.overlap / 2, t.x + t.width]) xs.add(Math.round(x));
    for (const y of [t.y, t.y + plan.overlap / 2, t.y + t.height - plan.overlap / 2, t.y + t.height]) ys.add(Math.round(y));
  }
  return { xs: [...xs], ys: [...ys] };
}

export async function compareTiledToWhole(
  entry: ModelEntry,
  sessions: SessionManager,
  image: DecodedImage,
  tileSize: number,
  cacheDir: string,
  statsMaxSide?: number,
  /** A whole-image run already timed by the caller (it is then not run again). */
  known?: { rgb: Uint8Array; ms: number },
): Promise<TilingComparison> {
  const whole = new ImageToImagePipeline(entry, sessions, 'cpu', { cacheDir, budgetBytes: 64 * 2 ** 30 });
  const tiled = new ImageToImagePipeline(entry, sessions, 'cpu', {
    cacheDir,
    budgetBytes: 64 * 2 ** 30,
    tileSize,
    ...(statsMaxSide === undefined ? {} : { statsMaxSide }),
  });
  await tiled.translate(image); // warm both paths (variant emission, sessions)
  if (known === undefined) await whole.translate(image);
  let start = performance.now();
  const a = known ?? (await whole.translate(image));
  const wholeMs = known?.ms ?? performance.now() - start;
  start = performance.now();
  const b = await tiled.translate(image);
  const tiledMs = performance.now() - start;
  let sum = 0;
  for (let i = 0; i < a.rgb.length; i++) sum += Math.abs((a.rgb[i] ?? 0) - (b.rgb[i] ?? 0));
  const borders = tileBorders(entry, image.width, image.height, tileSize);
  return {
    maeLevels: sum / a.rgb.length,
    wholeMs,
    tiledMs,
    seamRatio: seamRatio(b.rgb, image.width, image.height, borders.xs, borders.ys),
    notes: b.notes,
  };
}

export interface StripComparison {
  maeLevels: number;
  maxLevels: number;
  wholeMs: number;
  stripMs: number;
  notes: string[];
}

/**
 * Layer-by-layer strips (the default for images over the budget) against a whole-image run.
 * `wholeMs` may be passed in when the caller already timed the whole-image run.
 */
export async function compareStripsToWhole(
  entry: ModelEntry,
  sessions: SessionManager,
  image: DecodedImage,
  cacheDir: string,
  budgetBytes: number,
  whole?: { rgb: Uint8Array; ms: number },
): Promise<StripComparison> {
  let reference = whole;
  if (reference === undefined) {
    const pipeline = new ImageToImagePipeline(entry, sessions, 'cpu', { cacheDir, budgetBytes: 64 * 2 ** 30 });
    await pipeline.translate(image);
    const start = performance.now();
    const rgb = (await pipeline.translate(image)).rgb;
    reference = { rgb, ms: performance.now() - start };
  }
  const strips = new ImageToImagePipeline(entry, sessions, 'cpu', { cacheDir, budgetBytes });
  const start = performance.now();
  const b = await strips.translate(image);
  const stripMs = performance.now() - start;
  let sum = 0;
  let max = 0;
  for (let i = 0; i < reference.rgb.length; i++) {
    const d = Math.abs((reference.rgb[i] ?? 0) - (b.rgb[i] ?? 0));
    sum += d;
    max = Math.max(max, d);
  }
  return { maeLevels: sum / reference.rgb.length, maxLevels: max, wholeMs: reference.ms, stripMs, notes: b.notes };
}
