import { StudioError } from '../../errors.js';
import type { RasterCache } from './raster-cache.js';
import type { SkippedFile } from './train-image.js';

/** Default memory for decoded training images: small folders then decode once per run. */
export const DEFAULT_CACHE_BYTES = 512 * 1024 * 1024;

/**
 * A list of dataset items (a file, or a pair of files) whose decoded rasters come from a shared
 * cache. An item whose pixel data turns out to be unreadable (damage a header check cannot
 * see, such as a truncated JPEG) is added to `skipped` and, from then on, every request for it
 * is answered by the next readable item. The substitute depends only on which files are bad,
 * so a run stays reproducible from its seed.
 */
export class FileSource<T> {
  private readonly failed = new Set<number>();
  private lastFailure: string | undefined;

  constructor(
    readonly items: readonly string[],
    private readonly cacheKeyPrefix: string,
    private readonly cache: RasterCache<T>,
    private readonly load: (index: number) => Promise<T>,
    private readonly skipped: SkippedFile[],
    /** Where the items come from, for the message when none can be decoded: "the A folder /x". */
    private readonly origin: string,
    /** The path to list for a failed item; a pair names whichever of its files the error names. */
    private readonly describeItem: (index: number, err: StudioError) => string = (index) => items[index]!,
  ) {}

  get size(): number {
    return this.items.length;
  }

  async get(index: number): Promise<{ value: T; index: number }> {
    for (let step = 0; step < this.items.length; step++) {
      const i = (index + step) % this.items.length;
      if (this.failed.has(i)) continue;
      try {
        const value = await this.cache.get(this.cacheKeyPrefix + this.items[i]!, () => this.load(i));
        return { value, index: i };
      } catch (err) {
        if (!(err instanceof StudioError) || (err.code !== 'BAD_IMAGE' && err.code !== 'IO_ERROR')) throw err;
        this.lastFailure = err.message;
        if (!this.failed.has(i)) {
          this.failed.add(i);
          this.skipped.push({ path: this.describeItem(i, err), reason: err.message });
        }
      }
    }
    throw new StudioError(
      'BAD_ARGUMENT',
      `None of the ${this.items.length} images in ${this.origin} could be decoded` +
        (this.lastFailure === undefined ? '' : `; for example: ${this.lastFailure}`),
    );
  }
}

/** Checks a sample index: a whole number, at least 0 (it is taken modulo the dataset size). */
export function checkSampleIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0) {
    throw new StudioError('BAD_ARGUMENT', `sample index must be a whole number from 0, got ${String(index)}`);
  }
}
