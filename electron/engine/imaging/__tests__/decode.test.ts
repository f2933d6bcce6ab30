import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, decodeImageBytes, resizeTarget } from '../decode.js';
import {
  GOOD_HEIGHT,
  GOOD_WIDTH,
  PROBLEM_IMAGE_EXPECTATIONS,
  deepSample,
  gradientAlpha,
  gradientRgb,
  openProblemImageFolder,
  type ProblemImageName,
} from './fixture-images.js';
import { colourDistance, expectStudioError, pixelAt } from './helpers.js';

let folder: Awaited<ReturnType<typeof openProblemImageFolder>>;
beforeAll(async () => {
  folder = await openProblemImageFolder();
});
afterAll(() => folder.cleanup());

/** A PNG whose header claims `width x height` but carries almost no data: a decompression bomb. */
function bombPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('decodeImage: the acceptance set', () => {
  it('decodes every good file at its oriented size and rejects every bad one with BAD_IMAGE naming the file', async () => {
    for (const [name, expected] of Object.entries(PROBLEM_IMAGE_EXPECTATIONS)) {
      const path = folder.files[name as ProblemImageName];
      if (expected.ok) {
        const image = await decodeImage(path);
        expect([name, image.width, image.height, image.alpha !== null]).toEqual([name, expected.width, expected.height, expected.alpha]);
        expect(image.rgb.length).toBe(image.width * image.height * 3);
      } else {
        await expectStudioError(decodeImage(path), expected.code, path, expected.cause);
      }
    }
  });

  it('never modifies the input files, whether they decode or fail', async () => {
    const before = new Map<string, { bytes: Buffer; mtimeMs: number }>();
    for (const path of Object.values(folder.files)) before.set(path, { bytes: await readFile(path), mtimeMs: (await stat(path)).mtimeMs });
    for (const path of Object.values(folder.files)) await decodeImage(path, { shorterSide: 16 }).catch(() => undefined);
    for (const [path, { bytes, mtimeMs }] of before) {
      expect((await readFile(path)).equals(bytes)).toBe(true);
      expect((await stat(path)).mtimeMs).toBe(mtimeMs);
    }
  });

  it('reads a JPEG as RGB close to what was written', async () => {
    const image = await decodeImage(folder.files['good.jpg']);
    expect(image.format).toBe('jpeg');
    expect(image.alpha).toBeNull();
    const source = gradientRgb(GOOD_WIDTH, GOOD_HEIGHT);
    for (const [x, y] of [[0, 0], [63, 0], [0, 47], [63, 47], [31, 24]] as const) {
      expect(colourDistance(pixelAt(image.rgb, GOOD_WIDTH, x, y), pixelAt(source, GOOD_WIDTH, x, y))).toBeLessThanOrEqual(12);
    }
  });

  it('applies EXIF orientation 6: width and height swap and the stored bottom-left is shown top-left', async () => {
    const image = await decodeImage(folder.files['rotated.jpg']);
    expect([image.width, image.height]).toEqual([GOOD_HEIGHT, GOOD_WIDTH]);
    const corner = (x: number, y: number): [number, number, number] => pixelAt(image.rgb, image.width, x, y);
    expect(colourDistance(corner(2, 2), [0, 0, 255])).toBeLessThan(30); // stored bottom-left: blue
    expect(colourDistance(corner(image.width - 3, 2), [255, 0, 0])).toBeLessThan(30); // stored top-left: red
    expect(colourDistance(corner(2, image.height - 3), [255, 255, 255])).toBeLessThan(30); // stored bottom-right
    expect(colourDistance(corner(image.width - 3, image.height - 3), [0, 255, 0])).toBeLessThan(30); // stored top-right
  });

  it('returns the alpha of an RGBA PNG exactly, separately from the colour', async () => {
    const image = await decodeImage(folder.files['rgba.png']);
    expect(image.format).toBe('png');
    expect(image.alpha).not.toBeNull();
    expect(Buffer.from(image.alpha!).equals(Buffer.from(gradientAlpha(GOOD_WIDTH, GOOD_HEIGHT)))).toBe(true);
    // Unpremultiplied: colour under alpha 0 is still the colour that was written.
    expect(Buffer.from(image.rgb).equals(Buffer.from(gradientRgb(GOOD_WIDTH, GOOD_HEIGHT)))).toBe(true);
  });

  it('reduces 16-bit PNG samples to 8 bits: 0xFFFF -> 255, 0x8080 -> 128, 0 -> 0', async () => {
    expect((await sharp(folder.files['deep.png']).metadata()).depth).toBe('ushort'); // the fixture really is 16-bit
    const image = await decodeImage(folder.files['deep.png']);
    expect(pixelAt(image.rgb, GOOD_WIDTH, 0, 0)).toEqual([0, 0, 128]);
    expect(pixelAt(image.rgb, GOOD_WIDTH, GOOD_WIDTH - 1, GOOD_HEIGHT - 1)).toEqual([255, 255, 128]);
    const [r16, g16] = deepSample(20, 30);
    const [r, g] = pixelAt(image.rgb, GOOD_WIDTH, 20, 30);
    expect(Math.abs(r - r16 / 257)).toBeLessThanOrEqual(1);
    expect(Math.abs(g - g16 / 257)).toBeLessThanOrEqual(1);
  });

  it('converts a CMYK JPEG of a red patch to red sRGB, not inverted colours', async () => {
    const header = await sharp(folder.files['cmyk.jpg']).metadata();
    expect([header.space, header.channels]).toEqual(['cmyk', 4]); // the fixture really is CMYK
    const image = await decodeImage(folder.files['cmyk.jpg']);
    expect(image.format).toBe('jpeg');
    const [r, g, b] = pixelAt(image.rgb, GOOD_WIDTH, 10, 10);
    expect(r).toBeGreaterThan(200);
    expect(g).toBeLessThan(50);
    expect(b).toBeLessThan(50);
  });
});

describe('decodeImage: other formats and layouts', () => {
  const raw2x2 = { raw: { width: 2, height: 2, channels: 3 as const } };
  const quad = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 200, 200]);

  it('reads lossless WebP, LZW TIFF and lossless AVIF with their format names', async () => {
    const cases = [
      ['q.webp', sharp(quad, raw2x2).webp({ lossless: true }), 'webp', 0],
      ['q.tiff', sharp(quad, raw2x2).tiff({ compression: 'lzw' }), 'tiff', 0],
      ['q.avif', sharp(quad, raw2x2).avif({ lossless: true }), 'avif', 4],
    ] as const;
    for (const [name, encoder, format, tolerance] of cases) {
      const path = join(folder.dir, name);
      await encoder.toFile(path);
      const image = await decodeImage(path);
      expect([name, image.format, image.width, image.height]).toEqual([name, format, 2, 2]);
      for (let i = 0; i < quad.length; i++) expect(Math.abs(image.rgb[i]! - quad[i]!)).toBeLessThanOrEqual(tolerance);
    }
  });

  it('expands greyscale to three equal channels', async () => {
    const path = join(folder.dir, 'grey.png');
    await sharp(Uint8Array.from([0, 60, 130, 255]), { raw: { width: 2, height: 2, channels: 1 } }).toColourspace('b-w').png().toFile(path);
    expect((await sharp(path).metadata()).channels).toBe(1);
    const image = await decodeImage(path);
    expect(Array.from(image.rgb)).toEqual([0, 0, 0, 60, 60, 60, 130, 130, 130, 255, 255, 255]);
    expect(image.alpha).toBeNull();
  });

  it('gives only the first frame of an animated GIF', async () => {
    // Two 4x4 frames stacked vertically: red, then blue.
    const frames = new Uint8Array(4 * 8 * 3);
    for (let p = 0; p < 16; p++) frames[p * 3] = 255;
    for (let p = 16; p < 32; p++) frames[p * 3 + 2] = 255;
    const path = join(folder.dir, 'anim.gif');
    await sharp(frames, { raw: { width: 4, height: 8, channels: 3, pageHeight: 4 } }).gif().toFile(path);
    expect((await sharp(path).metadata()).pages).toBe(2);
    const image = await decodeImage(path);
    expect([image.format, image.width, image.height]).toEqual(['gif', 4, 4]);
    for (let p = 0; p < 16; p++) expect(pixelAt(image.rgb, 4, p % 4, Math.floor(p / 4))).toEqual([255, 0, 0]);
  });
});

describe('decodeImage: shorterSide', () => {
  it('makes the shorter side N and keeps the aspect ratio, downscaling and upscaling', async () => {
    const down = await decodeImage(folder.files['good.jpg'], { shorterSide: 24 });
    expect([down.width, down.height, down.rgb.length]).toEqual([32, 24, 32 * 24 * 3]);
    const up = await decodeImage(folder.files['good.jpg'], { shorterSide: 96 });
    expect([up.width, up.height]).toEqual([128, 96]);
  });

  it('measures the shorter side after EXIF rotation', async () => {
    const image = await decodeImage(folder.files['rotated.jpg'], { shorterSide: 24 });
    expect([image.width, image.height]).toEqual([24, 32]);
    expect(colourDistance(pixelAt(image.rgb, 24, 1, 1), [0, 0, 255])).toBeLessThan(40);
  });

  it('resizes alpha with the colour', async () => {
    const image = await decodeImage(folder.files['rgba.png'], { shorterSide: 12 });
    expect([image.width, image.height]).toEqual([16, 12]);
    expect(image.alpha?.length).toBe(16 * 12);
    // The gradient still rises: left edge mostly transparent, right edge mostly opaque.
    expect(image.alpha![6 * 16]!).toBeLessThan(40);
    expect(image.alpha![6 * 16 + 15]!).toBeGreaterThan(200);
  });

  it('rounds the longer side to the nearest pixel', () => {
    expect(resizeTarget(100, 30, 7)).toEqual({ width: 23, height: 7 });
    expect(resizeTarget(30, 100, 7)).toEqual({ width: 7, height: 23 });
    expect(resizeTarget(1000, 1, 1)).toEqual({ width: 1000, height: 1 });
    expect(resizeTarget(5, 5, 3)).toEqual({ width: 3, height: 3 });
  });

  it('rejects a shorterSide that is not a positive whole number', async () => {
    for (const shorterSide of [0, -5, 2.5, Number.NaN]) {
      await expectStudioError(decodeImage(folder.files['good.jpg'], { shorterSide }), 'BAD_ARGUMENT', 'shorterSide');
    }
  });
});

describe('decodeImage: failures name the file and the cause', () => {
  it('a truncated PNG is an error, not a partly grey picture', async () => {
    const png = await sharp(gradientRgb(64, 64), { raw: { width: 64, height: 64, channels: 3 } }).png().toBuffer();
    const path = join(folder.dir, 'cut.png');
    await writeFile(path, png.subarray(0, png.length >> 1));
    const err = await expectStudioError(decodeImage(path), 'BAD_IMAGE', path, 'corrupt or truncated');
    expect(err.detail).toMatch(/png/i); // the decoder's own words are kept for the curious
  });

  it('the truncated JPEG says it is truncated', async () => {
    await expectStudioError(decodeImage(folder.files['corrupt.jpg']), 'BAD_IMAGE', folder.files['corrupt.jpg'], 'truncated image data');
  });

  it('binary data that is no image format says so', async () => {
    const path = join(folder.dir, 'noise.jpg');
    await writeFile(path, Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256)));
    await expectStudioError(decodeImage(path), 'BAD_IMAGE', path, 'not an image', 'not in any supported image format');
  });

  it('a text file named .png says it is text', async () => {
    await expectStudioError(decodeImage(folder.files['notes.png']), 'BAD_IMAGE', folder.files['notes.png'], 'not an image: the file contains text');
  });

  it('a decompression bomb is refused by its header size, before any pixel is decoded', async () => {
    const path = join(folder.dir, 'bomb.png');
    await writeFile(path, bombPng(20000, 20000));
    await expectStudioError(decodeImage(path), 'BAD_IMAGE', path, '20000 x 20000', '400 megapixels', '268-megapixel limit', 'decompression bomb');
  });

  it('a missing file is an IO_ERROR in plain words', async () => {
    const path = join(folder.dir, 'does-not-exist.png');
    await expectStudioError(decodeImage(path), 'IO_ERROR', path, 'no such file or folder');
  });

  it('a folder is an IO_ERROR', async () => {
    const path = join(folder.dir, 'a-folder.png');
    await mkdir(path);
    await expectStudioError(decodeImage(path), 'IO_ERROR', path, 'is a folder');
  });

  // root reads everything, so the permission check only means something for ordinary users.
  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)('an unreadable file is an IO_ERROR saying permission denied', async () => {
    const path = join(folder.dir, 'locked.jpg');
    await writeFile(path, await readFile(folder.files['good.jpg']));
    await chmod(path, 0o000);
    try {
      await expectStudioError(decodeImage(path), 'IO_ERROR', path, 'permission denied');
    } finally {
      await chmod(path, 0o644);
    }
  });
});

describe('decodeImageBytes', () => {
  it('decodes bytes in memory, shrinking to a longest side without ever enlarging, and names them in errors', async () => {
    const png = await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } }).png().toBuffer();
    const shrunk = await decodeImageBytes(png, 'drawing.png', { maxSide: 150 });
    expect([shrunk.width, shrunk.height, shrunk.format, shrunk.alpha?.length]).toEqual([150, 100, 'png', 150 * 100]);
    const kept = await decodeImageBytes(png, 'drawing.png', { maxSide: 1024 });
    expect([kept.width, kept.height]).toEqual([300, 200]);
    await expectStudioError(decodeImageBytes(Buffer.from('hello, not a picture'), 'drawing.png'), 'BAD_IMAGE', 'drawing.png', 'not an image: the file contains text');
    await expectStudioError(decodeImageBytes(png, 'drawing.png', { maxSide: 0 }), 'BAD_ARGUMENT', 'maxSide');
  });
});
