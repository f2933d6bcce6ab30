import { StudioError } from '../../errors.js';
import type { Rng } from './rng.js';
import type { TrainImage } from './train-image.js';

/** The CycleGAN recipe's pool size. */
export const DEFAULT_POOL_SIZE = 50;

/**
 * The history of generated images that CycleGAN's discriminators learn from (Shrivastava et
 * al.): judging a mix of current and earlier fakes keeps the generator and discriminator from
 * chasing each other in circles. Until the pool is full every fake is stored and returned;
 * after that, half the time a random stored fake is returned and the new one takes its place,
 * otherwise the new fake is returned and the pool is left alone.
 *
 * Images are copied in, so the caller may reuse its buffers; returned images belong to the caller.
 */
export class ImagePool {
  private readonly images: TrainImage[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 0) {
      throw new StudioError('BAD_ARGUMENT', `image pool size must be a whole number from 0, got ${String(size)}`);
    }
  }

  /** How many images are stored (at most `size`). */
  get count(): number {
    return this.images.length;
  }

  query(img: TrainImage, rng: Rng): TrainImage {
    // Size 0 turns the pool off: the reference returns the new image and draws nothing.
    if (this.size === 0) return img;
    if (this.images.length < this.size) {
      this.images.push(copyImage(img));
      return img;
    }
    if (rng.next() < 0.5) return img;
    const slot = rng.int(this.size);
    const old = this.images[slot]!;
    this.images[slot] = copyImage(img);
    return old;
  }

  /**
   * For checkpoints: the pool's size and images, each image's floats as little-endian base64
   * (a full pool of 256 px images is about 52 MB this way, a third of what number arrays take).
   */
  toJSON(): ImagePoolJson {
    return {
      size: this.size,
      images: this.images.map((img) => ({ width: img.width, height: img.height, data: floatsToBase64(img.data) })),
    };
  }

  static fromJSON(json: unknown): ImagePool {
    const bad = (cause: string): StudioError => new StudioError('BAD_CHECKPOINT', `image pool in the checkpoint is unusable: ${cause}`);
    if (typeof json !== 'object' || json === null) throw bad('not an object');
    const { size, images } = json as { size?: unknown; images?: unknown };
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) throw bad(`size ${String(size)} is not a whole number from 0`);
    if (!Array.isArray(images)) throw bad('images is not a list');
    if (images.length > size) throw bad(`it holds ${images.length} images, more than its size ${size}`);
    const pool = new ImagePool(size);
    images.forEach((entry: unknown, i) => {
      const { width, height, data } = (entry ?? {}) as { width?: unknown; height?: unknown; data?: unknown };
      if (typeof width !== 'number' || typeof height !== 'number' || !Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
        throw bad(`image ${i} has no valid width and height`);
      }
      if (typeof data !== 'string') throw bad(`image ${i} has no data`);
      const floats = base64ToFloats(data);
      if (floats === null || floats.length !== 3 * width * height) throw bad(`image ${i} does not hold 3 x ${height} x ${width} values`);
      pool.images.push({ width, height, data: floats });
    });
    return pool;
  }
}

/** The JSON form of an ImagePool (see `toJSON`). */
export interface ImagePoolJson {
  size: number;
  images: { width: number; height: number; data: string }[];
}

function copyImage(img: TrainImage): TrainImage {
  return { width: img.width, height: img.height, data: img.data.slice() };
}

// Every platform the studio ships on is little-endian; the byte-swapping path keeps the saved
// form the same on any other.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function floatsToBase64(data: Float32Array): string {
  if (LITTLE_ENDIAN) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  const bytes = Buffer.alloc(data.length * 4);
  for (let i = 0; i < data.length; i++) bytes.writeFloatLE(data[i]!, i * 4);
  return bytes.toString('base64');
}

function base64ToFloats(text: string): Float32Array | null {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) return null;
  const floats = new Float32Array(bytes.length / 4);
  if (LITTLE_ENDIAN) new Uint8Array(floats.buffer).set(bytes);
  else for (let i = 0; i < floats.length; i++) floats[i] = bytes.readFloatLE(i * 4);
  return floats;
}
