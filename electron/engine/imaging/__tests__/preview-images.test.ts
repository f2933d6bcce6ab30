import { readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreviewImages } from '../preview-images.js';
import { makeTempDir } from './helpers.js';

const HEIC = fileURLToPath(new URL('./fixtures/phone-photo.heic', import.meta.url));

let dir: string;
let cleanup: () => Promise<void>;
let tiff: string;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  // A 16-bit TIFF, which no browser shows.
  tiff = join(dir, 'scan.tif');
  const deep = new Uint16Array(640 * 400 * 3);
  for (let i = 0; i < deep.length; i++) deep[i] = (i * 37) % 65536;
  await sharp(deep, { raw: { width: 640, height: 400, channels: 3 } }).toColourspace('rgb16').tiff({ compression: 'lzw' }).toFile(tiff);
  expect((await sharp(tiff).metadata()).depth).toBe('ushort');
});
afterAll(() => cleanup());

async function cachedFiles(cache: string): Promise<string[]> {
  const root = join(cache, 'previews');
  const out: string[] = [];
  for (const shard of await readdir(root).catch(() => [] as string[])) for (const f of await readdir(join(root, shard))) out.push(join(root, shard, f));
  return out;
}

describe('pictures of inputs and outputs for the page', () => {
  it('makes downscaled WebP pictures of a TIFF and a HEIC, never the original bytes', async () => {
    const pictures = new PreviewImages(join(dir, 'cache-a'));
    const thumb = await pictures.picture(tiff, 'thumb');
    expect([thumb.width, thumb.height]).toEqual([96, 60]);
    const meta = await sharp(thumb.file).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 96, 60]);
    // A picture smaller than the view size keeps its size: it is never enlarged.
    const view = await pictures.picture(HEIC, 'view');
    expect([view.width, view.height]).toEqual([120, 160]);
    expect((await sharp(view.file).metadata()).format).toBe('webp');
    const heicThumb = await pictures.picture(HEIC, 'thumb');
    // Upright (EXIF orientation applied), the longer side 96.
    expect([heicThumb.width, heicThumb.height]).toEqual([72, 96]);
  });

  it('makes each picture once per version of the file: by path, size and modification time', async () => {
    const cache = join(dir, 'cache-b');
    const pictures = new PreviewImages(cache);
    const photo = join(dir, 'photo.png');
    await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 200, g: 30, b: 30, alpha: 0.5 } } }).png().toFile(photo);
    const first = await pictures.picture(photo, 'thumb');
    const madeAt = (await stat(first.file)).mtimeMs;
    const [again, alsoAgain] = await Promise.all([pictures.picture(photo, 'thumb'), new PreviewImages(cache).picture(photo, 'thumb')]);
    expect(again.file).toBe(first.file);
    expect(alsoAgain.file).toBe(first.file);
    expect((await stat(first.file)).mtimeMs).toBe(madeAt);
    expect(await cachedFiles(cache)).toHaveLength(1);
    // The file is replaced by another picture: a new version, so a new preview.
    await sharp({ create: { width: 100, height: 300, channels: 3, background: '#208020' } }).png().toFile(photo);
    await utimes(photo, new Date(), new Date(Date.now() + 5000));
    const changed = await pictures.picture(photo, 'thumb');
    expect(changed.file).not.toBe(first.file);
    expect([changed.width, changed.height]).toEqual([32, 96]);
    // Alpha survives into the picture (WebP keeps it).
    expect((await sharp(first.file).metadata()).hasAlpha).toBe(true);
  });

  it('keeps the cache under its limit by removing the oldest pictures, and nothing else', async () => {
    const cache = join(dir, 'cache-c');
    const pictures = new PreviewImages(cache);
    const made: string[] = [];
    for (let i = 0; i < 4; i++) {
      const p = join(dir, `p${i}.png`);
      await sharp({ create: { width: 200, height: 200, channels: 3, background: { r: i * 60, g: 100, b: 50 } } }).png().toFile(p);
      made.push((await pictures.picture(p, 'thumb')).file);
      await utimes(made[i] as string, new Date(), new Date(Date.now() - (10 - i) * 60_000));
    }
    // A file the studio did not make, among its pictures.
    const stranger = join(dirname(made[0] as string), 'notes.txt');
    await writeFile(stranger, 'not a preview');
    const sizes = await Promise.all(made.map(async (f) => (await stat(f)).size));
    const keepTwo = (sizes[2] ?? 0) + (sizes[3] ?? 0);
    expect(await pictures.prune(keepTwo)).toBe(2);
    expect((await cachedFiles(cache)).sort()).toEqual([made[2], made[3], stranger].sort());
  });

  it('names the file and the cause when it is not an image', async () => {
    const text = join(dir, 'notes.jpg');
    await writeFile(text, 'hello, this is not a photo');
    await expect(new PreviewImages(join(dir, 'cache-d')).picture(text, 'thumb')).rejects.toThrow(/notes\.jpg/);
  });
});
