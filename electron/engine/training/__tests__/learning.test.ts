import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainSettings } from '../../../contract/training.js';
import { emitOnnx } from '../../graph/onnx-emitter.js';
import { imageToTensor, tensorToImage } from '../../imaging/tensor.js';
import { ModelLibrary } from '../../library/model-library.js';
import { buildGenerator } from '../../nets/index.js';
import { openGraphRunner } from '../../runtime/index.js';
import { readLossLog } from '../run-files.js';
import { TrainingRun } from '../training-run.js';
import { blobImage, invert, tint, warmth, writeFolder } from './synthetic-folders.js';
import { trainSettings } from '../train-settings.js';

/**
 * Learning is real: tiny networks trained for a few hundred iterations on real image folders
 * must get measurably better on held-out images, which no broken gradient or optimiser allows.
 */
const SIZE = 32;
let work: string;
let library: ModelLibrary;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gs-learn-'));
  library = new ModelLibrary({ home: join(work, 'home') });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

export function settings(overrides: Partial<TrainSettings>): TrainSettings {
  return trainSettings({
    mode: 'pix2pix',
    dataA: '',
    arch: 'resnet_6blocks',
    ngf: 8,
    ndf: 8,
    dLayers: 2,
    norm: 'instance',
    iterations: 100,
    size: SIZE,
    loadSize: SIZE,
    flip: false,
    lr: 2e-3,
    sampleEvery: 1000,
    checkpointEvery: 1000,
    name: 'test',
    device: 'cpu',
    ...overrides,
  });
}

/** Runs a run's generator on held-out images through the inference graph the library would install. */
async function translate(run: TrainingRun, netId: string, images: Uint8Array[], size = SIZE): Promise<Uint8Array[]> {
  const net = run.generators.find((g) => g.id === netId);
  if (net?.arch === undefined) throw new Error(`no generator ${netId}`);
  const runner = await openGraphRunner(emitOnnx(buildGenerator(net.arch), run.weights(netId)), 'cpu');
  const out: Uint8Array[] = [];
  for (const rgb of images) {
    const t = imageToTensor(rgb, size, size, 1);
    const y = (await runner.run({ input: { data: t.data, dims: [1, 3, size, size] } })).values().next().value;
    if (y === undefined) throw new Error('no output');
    out.push(tensorToImage(y, size, size, size, size));
  }
  await runner.release();
  return out;
}

const meanAbs = (a: Uint8Array, b: Uint8Array): number => a.reduce((s, v, i) => s + Math.abs(v - (b[i] ?? 0)), 0) / a.length;

describe('training learns', () => {
  it('pix2pix on colour inversion halves the held-out L1 error', async () => {
    // A U-Net, as pix2pix uses: its skips carry absolute colour, which inversion needs and a
    // per-image-normalised ResNet cannot see.
    const size = 128;
    await writeFolder(join(work, 'inv', 'A'), 12, size, (s) => blobImage(s, size));
    await writeFolder(join(work, 'inv', 'B'), 12, size, (s) => invert(blobImage(s, size)));
    const heldOut = Array.from({ length: 4 }, (_, i) => blobImage(500 + i, size));
    const targets = heldOut.map(invert);
    const run = await TrainingRun.create(
      settings({ mode: 'pix2pix', arch: 'unet_128', norm: 'batch', size, loadSize: size, dataA: join(work, 'inv', 'A'), dataB: join(work, 'inv', 'B'), iterations: 150 }),
      { library, runDir: join(work, 'runs', 'inv') },
    );
    const before = (await translate(run, 'G', heldOut, size)).map((y, i) => meanAbs(y, targets[i] ?? y));
    const outcome = await run.train({ threads: 2 });
    expect(outcome).toEqual({ status: 'completed', iteration: 150 });
    const after = (await translate(run, 'G', heldOut, size)).map((y, i) => meanAbs(y, targets[i] ?? y));
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(after)).toBeLessThan(mean(before) / 2);
    const log = await readLossLog(run.dir);
    expect(log.map((l) => l.i)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
  }, 240_000);

  it('CycleGAN moves the colour balance of held-out warm images toward the cool folder', async () => {
    await writeFolder(join(work, 'tint', 'warm'), 12, SIZE, (s) => tint(blobImage(s, SIZE), true));
    await writeFolder(join(work, 'tint', 'cool'), 12, SIZE, (s) => tint(blobImage(s, SIZE), false), 100);
    const heldOut = Array.from({ length: 4 }, (_, i) => tint(blobImage(700 + i, SIZE), true));
    const coolRef = Array.from({ length: 4 }, (_, i) => tint(blobImage(700 + i, SIZE), false));
    const run = await TrainingRun.create(
      settings({ mode: 'cyclegan', dataA: join(work, 'tint', 'warm'), dataB: join(work, 'tint', 'cool'), iterations: 150 }),
      { library, runDir: join(work, 'runs', 'tint') },
    );
    await run.train({ threads: 2 });
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    const source = mean(heldOut.map(warmth));
    const target = mean(coolRef.map(warmth));
    const moved = mean((await translate(run, 'G_A', heldOut)).map(warmth));
    // "Most of the way": at least 60% of the distance from the warm source to the cool target.
    expect((source - moved) / (source - target)).toBeGreaterThan(0.6);
  }, 240_000);
});
