import { StudioError } from '../../errors.js';
import { TO_UNIT, tensorToImage } from '../../imaging/index.js';
import type { Rng } from './rng.js';

/** One training image as the trainers feed it: CHW float32, 3 x height x width, values x/127.5 - 1. */
export interface TrainImage {
  data: Float32Array;
  width: number;
  height: number;
}

/**
 * The reference "resize_and_crop" augmentation: every image is resized to loadSize x loadSize
 * (bicubic, ignoring its aspect ratio), a cropSize x cropSize window is cut at a random place,
 * and with `flip` the crop is mirrored left-right half of the time.
 */
export interface AugmentOptions {
  loadSize: number;
  cropSize: number;
  flip: boolean;
}

/** Options for opening a dataset: the augmentation, and how much memory decoded images may use. */
export interface DatasetOptions extends AugmentOptions {
  /** Bytes of decoded images kept in memory (default 512 MiB). */
  cacheBytes?: number;
}

/** A file left out of a dataset, and why, in words for the user. */
export interface SkippedFile {
  path: string;
  reason: string;
}

/** Where one crop is taken and whether it is mirrored; shared by both halves of a pair. */
export interface CropParams {
  x: number;
  y: number;
  flip: boolean;
}

export function checkAugmentOptions(opts: DatasetOptions): void {
  const { loadSize, cropSize } = opts;
  for (const [name, value] of [
    ['loadSize', loadSize],
    ['cropSize', cropSize],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 8192) {
      throw new StudioError('BAD_ARGUMENT', `${name} must be a whole number of pixels from 1 to 8192, got ${String(value)}`);
    }
  }
  if (cropSize > loadSize) {
    throw new StudioError('BAD_ARGUMENT', `cropSize (${cropSize}) cannot be larger than loadSize (${loadSize})`);
  }
  const { cacheBytes } = opts;
  if (cacheBytes !== undefined && !(Number.isFinite(cacheBytes) && cacheBytes >= 0)) {
    throw new StudioError('BAD_ARGUMENT', `cacheBytes must be a number of bytes from 0, got ${String(cacheBytes)}`);
  }
  if (typeof opts.flip !== 'boolean') throw new StudioError('BAD_ARGUMENT', `flip must be true or false, got ${String(opts.flip)}`);
}

/**
 * Draws a crop position and a flip. Always three draws in a fixed order (x, y, flip), whatever
 * the options, so a stream of samples stays aligned when only `flip` changes.
 */
export function drawCrop(rng: Rng, opts: AugmentOptions): CropParams {
  const span = opts.loadSize - opts.cropSize + 1;
  const x = rng.int(span);
  const y = rng.int(span);
  const flip = rng.next() < 0.5;
  return { x, y, flip: opts.flip && flip };
}

/**
 * Cuts the crop out of a square loadSize raster (interleaved HWC, `channels` 3 for colour or 1
 * for a grey edge map, which is repeated into all three planes) and normalises it to CHW.
 */
export function cropToTrainImage(pixels: Uint8Array, channels: 1 | 3, loadSize: number, cropSize: number, crop: CropParams): TrainImage {
  const plane = cropSize * cropSize;
  const data = new Float32Array(3 * plane);
  // A flipped crop reads its source row right to left; branches stay out of the pixel loop.
  const step = crop.flip ? -channels : channels;
  for (let y = 0; y < cropSize; y++) {
    let s = ((crop.y + y) * loadSize + crop.x + (crop.flip ? cropSize - 1 : 0)) * channels;
    const o = y * cropSize;
    if (channels === 3) {
      for (let x = 0; x < cropSize; x++, s += step) {
        data[o + x] = TO_UNIT[pixels[s]!]!;
        data[o + x + plane] = TO_UNIT[pixels[s + 1]!]!;
        data[o + x + 2 * plane] = TO_UNIT[pixels[s + 2]!]!;
      }
    } else {
      for (let x = 0; x < cropSize; x++, s += step) data[o + x] = TO_UNIT[pixels[s]!]!;
    }
  }
  if (channels === 1) {
    data.copyWithin(plane, 0, plane);
    data.copyWithin(2 * plane, 0, plane);
  }
  return { data, width: cropSize, height: cropSize };
}

/** Back to interleaved 8-bit RGB, as translations come back (imaging's tensorToImage). */
export function trainImageToRgb(image: TrainImage): Uint8Array {
  const { data, width, height } = image;
  const plane = width * height;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || data.length !== 3 * plane) {
    throw new StudioError('BAD_ARGUMENT', `a training image of ${width} x ${height} needs ${3 * plane} values, got ${data.length}`);
  }
  return tensorToImage(data, width, height, width, height);
}
