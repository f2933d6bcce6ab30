/**
 * The "problem images" acceptance set, generated with sharp so no binary fixtures live in the
 * repository. Shared by the imaging unit tests and the CLI tests.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { makeTempDir } from './helpers.js';

export const GOOD_WIDTH = 64;
export const GOOD_HEIGHT = 48;

export type ProblemImageName =
  | 'good.jpg'
  | 'rotated.jpg'
  | 'rgba.png'
  | 'deep.png'
  | 'cmyk.jpg'
  | 'corrupt.jpg'
  | 'empty.png'
  | 'notes.png';

/** What decoding each file should give: its oriented size, or the error code. */
export const PROBLEM_IMAGE_EXPECTATIONS: Readonly<
  Record<ProblemImageName, { ok: true; width: number; height: number; alpha: boolean } | { ok: false; code: 'BAD_IMAGE'; cause: string }>
> = {
  'good.jpg': { ok: true, width: GOOD_WIDTH, height: GOOD_HEIGHT, alpha: false },
  // Stored 64 x 48 with EXIF orientation 6 (rotate 90 degrees clockwise to display).
  'rotated.jpg': { ok: true, width: GOOD_HEIGHT, height: GOOD_WIDTH, alpha: false },
  'rgba.png': { ok: true, width: GOOD_WIDTH, height: GOOD_HEIGHT, alpha: true },
  'deep.png': { ok: true, width: GOOD_WIDTH, height: GOOD_HEIGHT, alpha: false },
  'cmyk.jpg': { ok: true, width: GOOD_WIDTH, height: GOOD_HEIGHT, alpha: false },
  'corrupt.jpg': { ok: false, code: 'BAD_IMAGE', cause: 'truncated' },
  'empty.png': { ok: false, code: 'BAD_IMAGE', cause: 'empty file (0 bytes)' },
  'notes.png': { ok: false, code: 'BAD_IMAGE', cause: 'not an image' },
};

/** A smooth, colourful 8-bit RGB gradient: every pixel differs from its neighbours. */
export function gradientRgb(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      rgb[i] = Math.round((255 * x) / Math.max(1, width - 1));
      rgb[i + 1] = Math.round((255 * y) / Math.max(1, height - 1));
      rgb[i + 2] = Math.round(255 - (127 * (x + y)) / Math.max(1, width + height - 2));
    }
  }
  return rgb;
}

/** Alpha rising left to right and top to bottom, from 0 to 255: every level a real blend. */
export function gradientAlpha(width: number, height: number): Uint8Array {
  const alpha = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) alpha[y * width + x] = Math.min(255, x * 4 + y);
  }
  return alpha;
}

/**
 * Colour of each quadrant as stored in rotated.jpg (before orientation): after the 90 degree
 * clockwise turn, the stored bottom-left (blue) is shown top-left.
 */
export const ROTATED_STORED_QUADRANTS = {
  topLeft: [255, 0, 0],
  topRight: [0, 255, 0],
  bottomLeft: [0, 0, 255],
  bottomRight: [255, 255, 255],
} as const;

/** 16-bit samples of deep.png: R ramps 0..65535 left to right, G top to bottom, B is 0x8080. */
export function deepSample(x: number, y: number): [number, number, number] {
  return [Math.round((65535 * x) / (GOOD_WIDTH - 1)), Math.round((65535 * y) / (GOOD_HEIGHT - 1)), 0x8080];
}

/** Writes the acceptance set into `dir` (which must exist) and maps each file name to its path. */
export async function writeProblemImageFolder(dir: string): Promise<Record<ProblemImageName, string>> {
  const w = GOOD_WIDTH;
  const h = GOOD_HEIGHT;
  const path = (name: ProblemImageName): string => join(dir, name);
  const raw = { raw: { width: w, height: h, channels: 3 as const } };

  const good = await sharp(gradientRgb(w, h), raw).jpeg({ quality: 95 }).toBuffer();
  await writeFile(path('good.jpg'), good);

  const quadrants = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const q = ROTATED_STORED_QUADRANTS;
      const colour = y < h / 2 ? (x < w / 2 ? q.topLeft : q.topRight) : x < w / 2 ? q.bottomLeft : q.bottomRight;
      quadrants.set(colour, (y * w + x) * 3);
    }
  }
  await sharp(quadrants, raw).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toFile(path('rotated.jpg'));

  const rgba = new Uint8Array(w * h * 4);
  const rgb = gradientRgb(w, h);
  const alpha = gradientAlpha(w, h);
  for (let p = 0; p < w * h; p++) {
    rgba.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = alpha[p]!;
  }
  await sharp(rgba, { raw: { width: w, height: h, channels: 4 } }).png().toFile(path('rgba.png'));

  const deep = new Uint16Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) deep.set(deepSample(x, y), (y * w + x) * 3);
  // A Uint16Array raw input is read as 16-bit; rgb16 makes the PNG encoder keep all 16 bits.
  await sharp(deep, raw).toColourspace('rgb16').png().toFile(path('deep.png'));

  const red = new Uint8Array(w * h * 3);
  for (let p = 0; p < w * h; p++) red[p * 3] = 255;
  await sharp(red, raw).toColourspace('cmyk').jpeg({ quality: 95 }).toFile(path('cmyk.jpg'));

  await writeFile(path('corrupt.jpg'), good.subarray(0, Math.floor(good.length / 2)));
  await writeFile(path('empty.png'), new Uint8Array(0));
  await writeFile(path('notes.png'), 'Shopping list\n- milk\n- bread\nThis is a text file with a .png name.\n');

  const names = Object.keys(PROBLEM_IMAGE_EXPECTATIONS) as ProblemImageName[];
  return Object.fromEntries(names.map((name) => [name, path(name)])) as Record<ProblemImageName, string>;
}

/** The problem-image folder in a temporary folder of its own, with what removes it. */
export async function openProblemImageFolder(): Promise<{ dir: string; files: Record<ProblemImageName, string>; cleanup: () => Promise<void> }> {
  const { dir, cleanup } = await makeTempDir();
  return { dir, cleanup, files: await writeProblemImageFolder(dir) };
}
