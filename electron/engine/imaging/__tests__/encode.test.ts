import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../decode.js';
import { encodeImage, extensionFor, outputFormatFor } from '../encode.js';
import type { RasterImage } from '../raster.js';
import { gradientAlpha, gradientRgb, openProblemImageFolder } from './fixture-images.js';
import { colourDistance, expectStudioError, pixelAt } from './helpers.js';

let folder: Awaited<ReturnType<typeof openProblemImageFolder>>;
beforeAll(async () => {
  folder = await openProblemImageFolder();
});
afterAll(() => folder.cleanup());

async function roundTrip(image: RasterImage, format: 'png' | 'jpeg' | 'webp', name: string, quality?: number) {
  const path = join(folder.dir, name);
  await writeFile(path, await encodeImage(image, quality === undefined ? { format } : { format, quality }));
  return decodeImage(path);
}

describe('encodeImage', () => {
  it('keeps an RGBA PNG byte-exact through decode -> encode -> decode, alpha included', async () => {
    const decoded = await decodeImage(folder.files['rgba.png']);
    const again = await roundTrip(decoded, 'png', 'rgba-again.png');
    expect([again.width, again.height, again.format]).toEqual([decoded.width, decoded.height, 'png']);
    expect(Buffer.from(again.alpha!).equals(Buffer.from(gradientAlpha(64, 48)))).toBe(true);
    expect(Buffer.from(again.rgb).equals(Buffer.from(decoded.rgb))).toBe(true);
  });

  it('writes an RGB PNG without inventing an alpha channel', async () => {
    const rgb = gradientRgb(9, 7);
    const again = await roundTrip({ width: 9, height: 7, rgb, alpha: null }, 'png', 'plain.png');
    expect(again.alpha).toBeNull();
    expect(Buffer.from(again.rgb).equals(Buffer.from(rgb))).toBe(true);
  });

  it('writes the fast PNG of live previews with the same pixels as the default one, and refuses a level outside 0..9', async () => {
    const image: RasterImage = { width: 64, height: 48, rgb: gradientRgb(64, 48), alpha: gradientAlpha(64, 48) };
    const fast = await encodeImage(image, { format: 'png', pngCompression: 1 });
    const { data, info } = await sharp(fast).raw().toBuffer({ resolveWithObject: true });
    const reference = await sharp(await encodeImage(image, { format: 'png' })).raw().toBuffer();
    expect([info.width, info.height, info.channels]).toEqual([64, 48, 4]);
    expect(data.equals(reference)).toBe(true);
    for (const level of [-1, 10, 2.5]) await expectStudioError(encodeImage(image, { format: 'png', pngCompression: level }), 'BAD_ARGUMENT', 'PNG compression');
  });

  it('keeps WebP alpha exact (stored losslessly) while the colour is lossy', async () => {
    const image: RasterImage = { width: 64, height: 48, rgb: gradientRgb(64, 48), alpha: gradientAlpha(64, 48) };
    const again = await roundTrip(image, 'webp', 'alpha.webp');
    expect(again.format).toBe('webp');
    expect(Buffer.from(again.alpha!).equals(Buffer.from(image.alpha!))).toBe(true);
    const probe = pixelAt(again.rgb, 64, 60, 40); // an opaque-ish pixel
    expect(colourDistance(probe, pixelAt(image.rgb, 64, 60, 40))).toBeLessThan(16);
  });

  it('flattens alpha onto white for JPEG', async () => {
    // Left column fully transparent black, right column opaque black.
    const image: RasterImage = {
      width: 2,
      height: 8,
      rgb: new Uint8Array(2 * 8 * 3),
      alpha: Uint8Array.from({ length: 16 }, (_, p) => (p % 2 === 0 ? 0 : 255)),
    };
    const again = await roundTrip(image, 'jpeg', 'flat.jpg');
    expect([again.format, again.alpha]).toEqual(['jpeg', null]);
    expect(colourDistance(pixelAt(again.rgb, 2, 0, 4), [255, 255, 255])).toBeLessThan(40);
    expect(colourDistance(pixelAt(again.rgb, 2, 1, 4), [0, 0, 0])).toBeLessThan(40);
  });

  it('uses the quality: lower quality gives a smaller JPEG and WebP', async () => {
    const image: RasterImage = { width: 64, height: 48, rgb: gradientRgb(64, 48), alpha: null };
    for (const format of ['jpeg', 'webp'] as const) {
      const small = await encodeImage(image, { format, quality: 20 });
      const large = await encodeImage(image, { format, quality: 98 });
      expect(small.length).toBeLessThan(large.length);
      expect((await sharp(small).metadata()).format).toBe(format);
    }
  });

  it('rejects quality outside 1..100 and buffers of the wrong size', async () => {
    const image: RasterImage = { width: 2, height: 2, rgb: new Uint8Array(12), alpha: null };
    for (const quality of [0, 101, 50.5]) {
      await expectStudioError(encodeImage(image, { format: 'jpeg', quality }), 'BAD_ARGUMENT', 'quality');
    }
    await expectStudioError(encodeImage({ ...image, rgb: new Uint8Array(11) }, { format: 'png' }), 'BAD_ARGUMENT', 'rgb has 11 bytes');
    await expectStudioError(encodeImage({ ...image, alpha: new Uint8Array(3) }, { format: 'png' }), 'BAD_ARGUMENT', 'alpha has 3 bytes');
  });
});

describe('output formats', () => {
  it('maps formats to file extensions', () => {
    expect([extensionFor('png'), extensionFor('jpeg'), extensionFor('webp')]).toEqual(['png', 'jpg', 'webp']);
  });

  it("keeps the input's format when the studio can write it, else PNG", () => {
    expect(['jpeg', 'png', 'webp', 'tiff', 'avif', 'heif', 'gif', 'JPEG'].map(outputFormatFor)).toEqual([
      'jpeg',
      'png',
      'webp',
      'png',
      'png',
      'png',
      'png',
      'jpeg',
    ]);
  });
});
