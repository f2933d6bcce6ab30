import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../contract/jobs.js';
import type { ModelEntry } from '../../../contract/models.js';
import { compareTiledToWhole } from '../../../../bench/tiling-measure.js';
import { installTinyModel } from '../../../../e2e/fixtures/tiny-model.js';
import { blendWeight, planTiles, type DecodedImage } from '../../imaging/index.js';
import { ModelLibrary } from '../../library/index.js';
import { SessionManager } from '../../runtime/index.js';
import { runTranslateJob } from '../translate-job.js';

const SCENE = fileURLToPath(new URL('../../../../assets/samples/day-scene.svg', import.meta.url));
let home: string;
let library: ModelLibrary;
/** The old placeholder model, kept as a fixture: a smooth colour grade, so tiled output can be held to a tight tolerance. */
const TINY_DUSK = fileURLToPath(new URL('./fixtures/tiny-dusk/', import.meta.url));
let resnet: ModelEntry;
const sessions = new SessionManager();

async function scene(width: number, height: number): Promise<DecodedImage> {
  const raw = await sharp(SCENE, { density: (72 * width) / 480 }).resize(width, height).removeAlpha().raw().toBuffer();
  // Fine grain on top of the flat drawing, so neighbouring pixels differ everywhere like a photo.
  const rgb = new Uint8Array(raw);
  for (let i = 0; i < rgb.length; i++) rgb[i] = Math.max(0, Math.min(255, (rgb[i] as number) + (((i * 2654435761) >>> 27) - 16) / 2));
  return { width, height, rgb, alpha: null, format: 'png' };
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'gs-tiling-'));
  resnet = await installTinyModel(home, 'r3', { family: 'resnet', ngf: 8, nBlocks: 3, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3 });
  library = new ModelLibrary({ home });
});
afterAll(async () => {
  await sessions.dispose();
  await rm(home, { recursive: true, force: true });
});

describe('tile plan', () => {
  it('covers the image with equal, aligned tiles that overlap at least as asked', () => {
    const plan = planTiles(1000, 600, 256, 32, 4);
    for (const t of plan.tiles) {
      expect(t.x % 4).toBe(0);
      expect(t.y % 4).toBe(0);
      expect(t.x + t.width).toBeLessThanOrEqual(1000);
      expect(t.y + t.height).toBeLessThanOrEqual(600);
    }
    const row = plan.rows[0] ?? [];
    expect(row[0]?.x).toBe(0);
    expect((row.at(-1)?.x ?? 0) + (row.at(-1)?.width ?? 0)).toBe(1000);
    for (let i = 1; i < row.length; i++) expect((row[i - 1]?.x ?? 0) + (row[i - 1]?.width ?? 0) - (row[i]?.x ?? 0)).toBeGreaterThanOrEqual(32);
    expect(planTiles(200, 100, 256, 32, 4).tiles).toEqual([{ x: 0, y: 0, width: 200, height: 100 }]);
  });

  it('blends: weights fade out at shared edges, stay 1 at image edges, and always sum to more than 0', () => {
    expect(blendWeight(0, 0, 256, 1000, 32)).toBe(1);
    expect(blendWeight(255, 0, 256, 1000, 32)).toBe(0);
    expect(blendWeight(100, 0, 256, 1000, 32)).toBe(1);
    const a = { start: 0, end: 256 };
    const b = { start: 224, end: 480 };
    for (let p = 224; p < 256; p++) expect(blendWeight(p, a.start, a.end, 1000, 32) + blendWeight(p, b.start, b.end, 1000, 32)).toBeGreaterThan(0.99);
  });
});

describe('tiled translation', () => {
  it('matches whole-image translation with whole-image statistics, with no visible seams', async () => {
    const image = await scene(480, 360);
    const result = await compareTiledToWhole(resnet, sessions, image, 128, join(home, 'cache'));
    expect(result.notes.join(' ')).toMatch(/tiled: \d+ tiles .*whole-image statistics \(exact\)/);
    // What remains is the tiles' own border padding, mostly blended away: under one level.
    expect(result.maeLevels).toBeLessThan(1);
    expect(result.seamRatio).toBeLessThan(1.1);
  });

  it('stays within 2 levels of whole-image output when statistics come from a half-size copy (trained model)', async () => {
    const dusk = await library.resolve(TINY_DUSK);
    const image = await scene(768, 512);
    const result = await compareTiledToWhole(dusk, sessions, image, 256, join(home, 'cache'), 384);
    expect(result.notes.join(' ')).toMatch(/statistics from a 384 x 256 copy/);
    expect(result.maeLevels).toBeLessThan(2);
    expect(result.seamRatio).toBeLessThan(1.1);
  });

  it('a trained starter (day2night) stays within 5 levels with statistics from a half-size copy', async () => {
    const result = await compareTiledToWhole(await library.resolve('day2night'), sessions, await scene(768, 512), 256, join(home, 'cache'), 384);
    expect(result.notes.join(' ')).toMatch(/statistics from a 384 x 256 copy/);
    // Trained on photo textures, it leans on fine-scale statistics more than the first starter
    // (under 2): a half-size copy lacks that detail (3.8 levels for its 4000-iteration version, 2026-12-04). Strips are exact.
    expect(result.maeLevels).toBeLessThan(5);
    expect(result.seamRatio).toBeLessThan(1.1);
  });

  it('tiles when asked to (--tile), reporting progress per tile', async () => {
    const path = join(home, 'big.png');
    const image = await scene(1200, 900);
    await sharp(image.rgb, { raw: { width: 1200, height: 900, channels: 3 } }).png().toFile(path);
    const events: JobEvent[] = [];
    const summary = await runTranslateJob(
      { inputs: [path], model: 'r3', outDir: join(home, 'big-out'), format: 'png', device: 'cpu', maxMemoryMB: 64, tileSize: 512 },
      { library, sessions },
      (e) => events.push(e),
    );
    expect(summary.succeeded).toBe(1);
    const statuses = events.flatMap((e) => (e.type === 'item-progress' ? [e.status] : []));
    expect(statuses).toContain('gathering whole-image statistics');
    expect(statuses.some((s) => /^tile 1 of \d+$/.test(s))).toBe(true);
    const done = events.find((e) => e.type === 'item-done');
    expect(done?.type === 'item-done' ? done.notes.join(' ') : '').toMatch(/tiled: \d+ tiles/);
    const meta = await sharp(join(home, 'big-out', 'big.png')).metadata();
    expect([meta.width, meta.height]).toEqual([1200, 900]);
  });
});
