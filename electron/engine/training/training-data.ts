import type { TrainDataSummary, TrainSettings } from '../../contract/training.js';
import type { AugmentOptions, Rng, TrainImage } from './data/index.js';

/** One batch as the step graph takes it: NCHW images in [-1, 1], and [N, C] conditions. */
export interface Batch {
  a: Float32Array;
  b: Float32Array;
  condition?: Float32Array;
  /** The first image of each side, for sample grids. */
  firstA: TrainImage;
  firstB: TrainImage;
}

/** A run's folders as its mode reads them (modes/: `openData`). */
export interface TrainingData {
  summary: TrainDataSummary;
  /** Examples per epoch. */
  epochSize: number;
  conditionSize: number;
  /** Draws every random choice of batch `iteration` before it first awaits, so prefetching stays reproducible. */
  batch(rng: Rng, iteration: number): Promise<Batch>;
}

/** What every mode's data takes from the settings: load size, crop and flips. */
export function augmentOf(s: TrainSettings): AugmentOptions {
  return { loadSize: s.loadSize, cropSize: s.size, flip: s.flip };
}

function stack(items: readonly { data: Float32Array }[]): Float32Array {
  const each = items[0]?.data.length ?? 0;
  const out = new Float32Array(each * items.length);
  items.forEach((item, i) => out.set(item.data, i * each));
  return out;
}

/**
 * A batch of `size` examples drawn by `draw`, stacked NCHW; `condition` gives each example's
 * condition vector (conditional training). Each draw makes its random choices before it awaits,
 * so they are all made now, in order.
 */
export async function drawBatch<E extends { a: TrainImage; b: TrainImage }>(
  size: number,
  draw: (k: number) => Promise<E>,
  condition?: (example: E) => Float32Array,
): Promise<Batch> {
  const examples = await Promise.all(Array.from({ length: size }, (_, k) => draw(k)));
  const [first] = examples;
  if (first === undefined) throw new Error('a batch needs at least one example');
  const batch: Batch = { a: stack(examples.map((x) => x.a)), b: stack(examples.map((x) => x.b)), firstA: first.a, firstB: first.b };
  if (condition !== undefined) batch.condition = stack(examples.map((x) => ({ data: condition(x) })));
  return batch;
}
