import type { TrainDataSummary, TrainSettings } from '../../contract/training.js';
import { StudioError } from '../errors.js';
import { openPairedDataset, openUnpairedDataset, type Rng, type TrainImage } from './data/index.js';

/** One batch as the step graph takes it: NCHW images in [-1, 1], and [N, C] conditions. */
export interface Batch {
  a: Float32Array;
  b: Float32Array;
  condition?: Float32Array;
  /** The first image of each side, for sample grids. */
  firstA: TrainImage;
  firstB: TrainImage;
}

export interface TrainingData {
  summary: TrainDataSummary;
  /** Examples per epoch. */
  epochSize: number;
  conditionSize: number;
  /** Draws every random choice of batch `iteration` before it first awaits, so prefetching stays reproducible. */
  batch(rng: Rng, iteration: number): Promise<Batch>;
}

function stack(images: readonly TrainImage[]): Float32Array {
  const each = images[0]?.data.length ?? 0;
  const out = new Float32Array(each * images.length);
  images.forEach((img, i) => out.set(img.data, i * each));
  return out;
}

/** Opens the folders of a run the way its mode reads them. */
export async function openTrainingData(s: TrainSettings): Promise<TrainingData> {
  const augment = { loadSize: s.loadSize, cropSize: s.size, flip: s.flip };
  if (s.mode === 'cyclegan') {
    if (s.dataB === undefined) throw new StudioError('BAD_ARGUMENT', 'CycleGAN training needs two folders: --a (domain A) and --b (domain B)');
    const data = await openUnpairedDataset(s.dataA, s.dataB, augment);
    return {
      summary: { counts: { A: data.sizeA, B: data.sizeB }, skipped: data.skipped, attributeNames: [] },
      epochSize: Math.max(data.sizeA, data.sizeB),
      conditionSize: 0,
      async batch(rng, iteration) {
        const pending = Array.from({ length: s.batch }, (_, k) => data.sample(rng, iteration * s.batch + k));
        const samples = await Promise.all(pending);
        return firstOf(samples.map((x) => x.a), samples.map((x) => x.b));
      },
    };
  }
  const conditional = s.mode === 'conditional';
  if (conditional && s.dataB === undefined) {
    throw new StudioError('BAD_ARGUMENT', 'conditional training needs --a (inputs) and --b (targets, with attributes.csv beside them)');
  }
  const source = s.edges
    ? ({ kind: 'edges-from-photos', dir: s.dataA } as const)
    : s.dataB !== undefined
      ? ({ kind: 'two-folders', dirA: s.dataA, dirB: s.dataB } as const)
      : ({ kind: 'side-by-side', dir: s.dataA } as const);
  const data = await openPairedDataset(source, { ...augment, attributes: conditional });
  if (conditional && data.attributeNames.length === 0) {
    throw new StudioError('BAD_ARGUMENT', `${s.dataB ?? s.dataA}: attributes.csv names no attribute columns`);
  }
  return {
    summary: { counts: { pairs: data.size }, skipped: data.skipped, attributeNames: data.attributeNames },
    epochSize: data.size,
    conditionSize: data.attributeNames.length,
    async batch(rng) {
      // pix2pix's loader shuffles: each batch draws its pairs at random.
      const pending = Array.from({ length: s.batch }, () => data.sample(rng, rng.int(data.size)));
      const samples = await Promise.all(pending);
      const batch = firstOf(samples.map((x) => x.a), samples.map((x) => x.b));
      if (conditional) batch.condition = stack(samples.map((x) => ({ data: x.attributes, width: 0, height: 0 })));
      return batch;
    },
  };
}

function firstOf(a: TrainImage[], b: TrainImage[]): Batch {
  const firstA = a[0];
  const firstB = b[0];
  if (firstA === undefined || firstB === undefined) throw new Error('a batch needs at least one example');
  return { a: stack(a), b: stack(b), firstA, firstB };
}
