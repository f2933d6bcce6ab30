import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../contract/jobs.js';
import type { ModelEntry } from '../../../contract/models.js';
import { seamRatio } from '../../../../bench/tiling-measure.js';
import { installTinyModel } from '../../../../e2e/fixtures/tiny-model.js';
import { planSegments } from '../../graph/segments.js';
import type { DecodedImage } from '../../imaging/index.js';
import { ModelLibrary } from '../../library/index.js';
import type { Architecture } from '../../nets/index.js';
import { buildGenerator } from '../../nets/index.js';
import { SessionManager } from '../../runtime/index.js';
import { createPipeline } from '../pipeline.js';
import { sweepScratch } from '../strip-store.js';
import { sourceRows, StripTranslator } from '../strip-translator.js';
import { runTranslateJob } from '../translate-job.js';

let home: string;
const sessions = new SessionManager();

/** Noise with some structure, so every layer sees varied values and wrong statistics would show. */
function noisyImage(width: number, height: number): DecodedImage {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * width + x) * 3 + c;
        rgb[i] = (((i * 2654435761) >>> 26) + 40 * c + (x * 200) / width + (y > height / 2 ? 60 : 0)) & 255;
      }
    }
  }
  return { width, height, rgb, alpha: null, format: 'png' };
}

function difference(a: Uint8Array, b: Uint8Array): { mae: number; max: number } {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    sum += d;
    max = Math.max(max, d);
  }
  return { mae: sum / a.length, max };
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'gs-strips-'));
});
afterAll(async () => {
  await sessions.dispose();
  await rm(home, { recursive: true, force: true });
});

const ARCHITECTURES: [string, Architecture][] = [
  ['resnet (reflect padding, residual blocks)', { family: 'resnet', ngf: 8, nBlocks: 3, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3 }],
  ['unet (zero padding, skip connections, batch norm)', { family: 'unet', ngf: 8, numDowns: 6, norm: 'batch', dropout: false, inputChannels: 3, outputChannels: 3 }],
  ['stargan (condition broadcast)', { family: 'stargan', convDim: 8, cDim: 2, repeatNum: 2 }],
  ['resnet-resize (nearest upsampling, then reflect-padded conv)', { family: 'resnet', ngf: 8, nBlocks: 2, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3, upsample: 'resize' }],
  ['unet-resize (nearest upsampling, then zero-padded conv)', { family: 'unet', ngf: 8, numDowns: 6, norm: 'batch', dropout: false, inputChannels: 3, outputChannels: 3, upsample: 'resize' }],
  ['stargan-resize (nearest upsampling, condition broadcast)', { family: 'stargan', convDim: 8, cDim: 2, repeatNum: 1, upsample: 'resize' }],
  ['stargan-blocks (a 1 x 1 conv of the condition shifting every residual block)', { family: 'stargan', convDim: 8, cDim: 2, repeatNum: 2, upsample: 'resize', conditioning: 'blocks' }],
];

describe('layer-by-layer strips', () => {
  it.each(ARCHITECTURES)('%s: output equals the whole-image run, with layers spilled to scratch files', async (name, arch) => {
    const entry = await installTinyModel(home, name.split(' ')[0] as string, arch);
    const image = noisyImage(333, 251);
    const attributes = Object.fromEntries(entry.manifest.attributes.map((a, i) => [a.name, i === 0 ? 1 : 0.5]));
    const pipeline = createPipeline(entry, sessions, 'cpu', { cacheDir: join(home, 'cache'), budgetBytes: 2 ** 40 });
    const whole = await pipeline.translate(image, { attributes });
    expect(whole.notes).toEqual([]);

    const strips = new StripTranslator(entry, sessions, join(home, 'scratch'));
    const progress: number[] = [];
    const result = await strips.translate(image.rgb, image.width, image.height, 'cpu', {
      budgetBytes: 3 * 2 ** 20,
      extraFeeds: { ...(arch.family === 'stargan' ? { condition: { data: new Float32Array([1, 0.5]), dims: [1, 2] } } : {}) },
      onProgress: (f) => progress.push(f),
    });
    const rows = Number(/strips of up to (\d+) rows/.exec(result.notes.join(' '))?.[1]);
    expect(rows).toBeLessThan(image.height);
    expect(result.notes.join(' ')).toMatch(/GB of layers kept in scratch files/);
    const { mae, max } = difference(result.rgb, whole.rgb);
    // Only float rounding differs (a strip's convolution may sum in another order): a level at most, rarely.
    expect(mae).toBeLessThan(0.01);
    expect(max).toBeLessThanOrEqual(1);
    // No seams: across the output's strip borders neighbouring rows differ (relative to the
    // interior) just as they do in the whole-image output. On these few rows of a random-weight
    // net that ratio is itself up to about 15% away from 1, so it is compared with the whole run's.
    const borders = Array.from({ length: Math.ceil(image.height / result.outputStripRows) }, (_, k) => k * result.outputStripRows).filter((y) => y > 0);
    expect(borders.length).toBeGreaterThan(1);
    const seams = seamRatio(result.rgb, image.width, image.height, [], borders);
    expect(Math.abs(seams - seamRatio(whole.rgb, image.width, image.height, [], borders))).toBeLessThan(0.01);
    expect(progress.at(-1)).toBeCloseTo(1, 5);
    expect(progress.every((p, i) => i === 0 || p >= (progress[i - 1] as number))).toBe(true);
    expect(await readdir(join(home, 'scratch'))).toEqual([]);
  });

  it('with room in memory, layers are kept there and each runs as one strip, with the same exact output', async () => {
    const entry = await installTinyModel(home, 'r-roomy', ARCHITECTURES[0]?.[1]);
    const image = noisyImage(301, 203);
    const whole = await createPipeline(entry, sessions, 'cpu', { cacheDir: join(home, 'cache'), budgetBytes: 2 ** 40 }).translate(image);
    const result = await new StripTranslator(entry, sessions, join(home, 'scratch')).translate(image.rgb, image.width, image.height, 'cpu', { budgetBytes: 256 * 2 ** 20, extraFeeds: {} });
    expect(result.notes.join(' ')).not.toMatch(/scratch/);
    expect(Number(/strips of up to (\d+) rows/.exec(result.notes.join(' '))?.[1])).toBeGreaterThanOrEqual(204);
    expect(difference(result.rgb, whole.rgb).mae).toBeLessThan(0.01);
  });

  it('a translation over the memory budget runs in strips, reporting progress per layer, and leaves no scratch files', async () => {
    const entry: ModelEntry = await installTinyModel(home, 'r-job', ARCHITECTURES[0]?.[1]);
    const path = join(home, 'big.png');
    const image = noisyImage(900, 700);
    await sharp(image.rgb, { raw: { width: 900, height: 700, channels: 3 } }).png().toFile(path);
    const events: JobEvent[] = [];
    const library = new ModelLibrary({ home });
    const summary = await runTranslateJob(
      { inputs: [path], model: entry.manifest.id, outDir: join(home, 'big-out'), format: 'png', device: 'cpu', maxMemoryMB: 64 },
      { library, sessions },
      (e) => events.push(e),
    );
    expect(summary.succeeded).toBe(1);
    const statuses = events.flatMap((e) => (e.type === 'item-progress' ? [e.status] : []));
    const layers = planSegments(buildGenerator(entry.manifest.network ?? ARCHITECTURES[0]![1])).segments.length;
    expect(statuses).toContain(`layer 1 of ${layers}`);
    expect(statuses).toContain(`layer ${layers} of ${layers}`);
    const done = events.find((e) => e.type === 'item-done');
    expect(done?.type === 'item-done' ? done.notes.join(' ') : '').toMatch(/layer by layer in strips .*exact/);
    const meta = await sharp(join(home, 'big-out', 'big.png')).metadata();
    expect([meta.width, meta.height]).toEqual([900, 700]);
    expect(await readdir(join(home, 'cache', 'scratch')).catch(() => [])).toEqual([]);
  });

  it('removes scratch folders left by a process that was killed, and keeps those of live ones', async () => {
    const root = join(home, 'sweep');
    const dead = join(root, '999999999-abc');
    const live = join(root, `${process.pid}-def`);
    await mkdir(dead, { recursive: true });
    await mkdir(live, { recursive: true });
    await sweepScratch(root);
    expect((await readdir(root)).sort()).toEqual([`${process.pid}-def`]);
  });
});

describe('strip rows', () => {
  const graph = buildGenerator({ family: 'resnet', ngf: 4, nBlocks: 1, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3 });
  const [first, second] = planSegments(graph).segments;

  it('reflects at the top and bottom of the image as the padding layer would, and only there', () => {
    // 7x7 conv after a reflect pad of 3: output row 0 reads padded rows 0..6 = source 3 2 1 0 1 2 3.
    expect(sourceRows(first!, 10, 0, 1).rows).toEqual([3, 2, 1, 0, 1, 2, 3]);
    expect(sourceRows(first!, 10, 4, 5).rows).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sourceRows(first!, 10, 9, 10).rows).toEqual([6, 7, 8, 9, 8, 7, 6]);
  });

  it('marks zero-padding rows for a strided convolution', () => {
    // 3x3 stride 2 conv with zero padding 1: output row 0 reads rows -1 (zero), 0, 1.
    expect(sourceRows(second!, 10, 0, 2).rows).toEqual([-1, 0, 1, 2, 3]);
    expect(sourceRows(second!, 10, 4, 5).rows).toEqual([7, 8, 9]);
  });
});
