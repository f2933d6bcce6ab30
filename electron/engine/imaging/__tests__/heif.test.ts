import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSquareRaster } from '../../training/data/load-raster.js';
import { decodeImage } from '../decode.js';
import { exifOrientation, hasTransformBoxes, orient } from '../heif-decode.js';
import { colourDistance, expectStudioError, makeTempDir, pixelAt } from './helpers.js';

/**
 * A real HEIC: HEVC-coded by heif-enc (libheif 1.15 with x265) from phone-photo.jpg, with that
 * JPEG's EXIF orientation 6 and Display P3 profile (fixtures/make-phone-photo.cjs). The JPEG,
 * which sharp decodes itself, is the reference for what the HEIC must look like.
 */
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const HEIC = join(FIXTURES, 'phone-photo.heic');
const JPEG = join(FIXTURES, 'phone-photo.jpg');

/** Centres of the six colour blocks along the bottom of the upright 120 x 160 picture. */
const BLOCK_CENTRES = [10, 30, 50, 70, 90, 110].map((x) => ({ x, y: 148 }));

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterAll(() => cleanup());

describe('HEIC photos (HEVC)', () => {
  it('is a file sharp alone cannot decode', async () => {
    const header = await sharp(HEIC).metadata();
    expect([header.format, header.compression]).toEqual(['heif', 'hevc']);
    await expect(sharp(HEIC).raw().toBuffer()).rejects.toThrow();
  });

  it('decodes upright, with its colour profile converted to sRGB, like the same photo as a JPEG', async () => {
    const heic = await decodeImage(HEIC);
    const jpeg = await decodeImage(JPEG);
    // Stored 160 x 120 with EXIF orientation 6: shown 120 x 160.
    expect([heic.width, heic.height, heic.format, heic.alpha]).toEqual([120, 160, 'heif', null]);
    let sum = 0;
    for (let i = 0; i < heic.rgb.length; i++) sum += Math.abs(heic.rgb[i]! - jpeg.rgb[i]!);
    // Two lossy codecs apart, nothing more.
    expect(sum / heic.rgb.length).toBeLessThan(3);
    // The stored Display P3 values, as a reader that ignored the profile would show them.
    const stored = await sharp(JPEG, { ignoreIcc: true, autoOrient: true }).raw().toBuffer();
    let furthest = 0;
    for (const { x, y } of BLOCK_CENTRES) {
      expect(colourDistance(pixelAt(heic.rgb, 120, x, y), pixelAt(jpeg.rgb, 120, x, y))).toBeLessThanOrEqual(8);
      furthest = Math.max(furthest, colourDistance(pixelAt(stored, 120, x, y), pixelAt(jpeg.rgb, 120, x, y)));
    }
    expect(furthest, 'the profile makes a visible difference on saturated colours').toBeGreaterThan(20);
  });

  it('feeds training folders the same picture', async () => {
    const fromHeic = await loadSquareRaster(HEIC, 64);
    const fromJpeg = await loadSquareRaster(JPEG, 64);
    let sum = 0;
    for (let i = 0; i < fromHeic.length; i++) sum += Math.abs(fromHeic[i]! - fromJpeg[i]!);
    expect(fromHeic.length).toBe(64 * 64 * 3);
    expect(sum / fromHeic.length).toBeLessThan(3);
  });

  it('names the file and the cause when the HEVC data is cut short', async () => {
    const bytes = await readFile(HEIC);
    const cut = join(dir, 'cut.heic');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const err = await expectStudioError(decodeImage(cut), 'BAD_IMAGE', `Cannot read image ${cut}:`);
    expect(err.message).toMatch(/corrupt|truncated|HEIF/i);
  });

  it("reads the EXIF orientation, and sees that heif-enc wrote no rotation box of the container's own", async () => {
    const header = await sharp(HEIC).metadata();
    expect(exifOrientation(header.exif)).toBe(6);
    expect(hasTransformBoxes(await readFile(HEIC))).toBe(false);
  });

  it('finds an irot box in meta/iprp/ipco (then libheif turns the picture, and EXIF only repeats it)', () => {
    const box = (type: string, ...body: Buffer[]): Buffer => {
      const content = Buffer.concat(body);
      const head = Buffer.alloc(8);
      head.writeUInt32BE(8 + content.length);
      head.write(type, 4, 'latin1');
      return Buffer.concat([head, content]);
    };
    const ftyp = box('ftyp', Buffer.from('heic\0\0\0\0mif1heic', 'latin1'));
    const props = (...inner: Buffer[]): Buffer => Buffer.concat([ftyp, box('meta', Buffer.alloc(4), box('hdlr', Buffer.alloc(24)), box('iprp', box('ipco', ...inner)))]);
    expect(hasTransformBoxes(props(box('hvcC', Buffer.alloc(23)), box('ispe', Buffer.alloc(12)), box('irot', Buffer.from([1]))))).toBe(true);
    expect(hasTransformBoxes(props(box('imir', Buffer.from([0]))))).toBe(true);
    expect(hasTransformBoxes(props(box('hvcC', Buffer.alloc(23)), box('ispe', Buffer.alloc(12))))).toBe(false);
  });

  it('turns pictures for each EXIF orientation exactly as sharp does for a tagged file', async () => {
    const width = 5;
    const height = 3;
    const pixels = Buffer.alloc(width * height * 3);
    for (let i = 0; i < width * height; i++) pixels.set([i * 16, 255 - i * 16, i % 3], i * 3);
    for (let o = 1; o <= 8; o++) {
      const tagged = await sharp(pixels, { raw: { width, height, channels: 3 } }).withMetadata({ orientation: o }).tiff({ compression: 'none' }).toBuffer();
      const expected = await sharp(tagged, { autoOrient: true }).raw().toBuffer();
      const actual = await orient(sharp(pixels, { raw: { width, height, channels: 3 } }), o).raw().toBuffer();
      expect(actual.equals(expected), `orientation ${o}`).toBe(true);
    }
  });
});
