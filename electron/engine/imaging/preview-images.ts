import { createHash } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { MEDIA_VARIANTS, type MediaVariant } from '../../contract/wire.js';
import { StudioError, orSystemError } from '../errors.js';
import { writeFileAtomic } from '../write-atomic.js';
import { readDecodableImage } from './decode.js';
import { MAX_INPUT_PIXELS } from './limits.js';

/** Longest side and WebP quality of each kind of picture the page shows. */
export const VARIANT_SIZES: Record<MediaVariant, { side: number; quality: number }> = {
  // Queue rows show 48 px squares: twice that covers high-density screens.
  thumb: { side: 96, quality: 80 },
  // The before/after view fills a large window and zooms: enough to look sharp at 2x.
  view: { side: 2560, quality: 90 },
};

/** The cache keeps at most this much; the least recently made pictures go first. */
const CACHE_BYTES = 512 * 2 ** 20;
/** How many pictures are made between two looks at the cache's size. */
const PRUNE_EVERY = 50;

export interface PreviewImage {
  /** The WebP file in the cache. */
  file: string;
  width: number;
  height: number;
}

/**
 * Pictures of inputs and outputs for the page, made by sharp from any format the engine
 * reads (TIFF, HEIC and 16-bit PNG included, which a browser cannot show): downscaled,
 * upright, sRGB, WebP. The page never gets a file's original bytes for display. Each picture
 * is cached under `<cache>/previews`, named by the file's path, size and modification time and
 * the variant, so it is made once per version of the file.
 */
export class PreviewImages {
  private readonly dir: string;
  private readonly making = new Map<string, Promise<PreviewImage>>();
  private made = 0;

  constructor(cacheDir: string) {
    this.dir = join(cacheDir, 'previews');
  }

  async picture(path: string, variant: MediaVariant): Promise<PreviewImage> {
    if (!(MEDIA_VARIANTS as readonly string[]).includes(variant)) throw new StudioError('BAD_ARGUMENT', `unknown picture size "${String(variant)}"`);
    const info = await orSystemError(stat(path), (cause) => `Cannot read ${path}: ${cause}`);
    const key = createHash('sha256').update(`${variant}\0${path}\0${info.size}\0${info.mtimeMs}`).digest('hex');
    const file = join(this.dir, key.slice(0, 2), `${key}.webp`);
    const cached = await sharp(file)
      .metadata()
      .then((m) => ({ file, width: m.width, height: m.height }))
      .catch(() => undefined);
    if (cached !== undefined) return cached;
    // Two requests for the same picture (a row and the compare view) make it once.
    const pending = this.making.get(key) ?? this.make(path, variant, file);
    this.making.set(key, pending);
    try {
      return await pending;
    } finally {
      this.making.delete(key);
    }
  }

  private async make(path: string, variant: MediaVariant, file: string): Promise<PreviewImage> {
    const { side, quality } = VARIANT_SIZES[variant];
    const bytes = await readDecodableImage(path);
    let out: { data: Buffer; info: OutputInfo };
    try {
      out = await sharp(bytes, { failOn: 'truncated', limitInputPixels: MAX_INPUT_PIXELS, autoOrient: true, pages: 1 })
        .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' })
        .toColourspace('srgb')
        .webp({ quality, effort: 2 })
        .toBuffer({ resolveWithObject: true });
    } catch (err) {
      throw new StudioError('BAD_IMAGE', `Cannot make a picture of ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    await writeFileAtomic(file, out.data, `a picture to the cache (${this.dir})`);
    if (++this.made % PRUNE_EVERY === 0) void this.prune().catch(() => undefined);
    return { file, width: out.info.width, height: out.info.height };
  }

  /** Keeps the cache under CACHE_BYTES by removing its oldest pictures (only .webp files it made). */
  async prune(limit = CACHE_BYTES): Promise<number> {
    const files: { path: string; size: number; at: number }[] = [];
    for (const shard of await readdir(this.dir).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await readdir(join(this.dir, shard)).catch(() => [] as string[])) {
        if (!/^[0-9a-f]{64}\.webp$/.test(name)) continue;
        const path = join(this.dir, shard, name);
        const info = await stat(path).catch(() => null);
        if (info !== null) files.push({ path, size: info.size, at: info.mtimeMs });
      }
    }
    let total = files.reduce((sum, f) => sum + f.size, 0);
    let removed = 0;
    for (const f of files.sort((a, b) => a.at - b.at)) {
      if (total <= limit) break;
      await rm(f.path, { force: true });
      total -= f.size;
      removed += 1;
    }
    return removed;
  }
}
