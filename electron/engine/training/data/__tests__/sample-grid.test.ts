import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStudioError, makeTempDir } from '../../../imaging/__tests__/helpers.js';
import { SAMPLE_GRID_GAP, writeSampleGrid } from '../sample-grid.js';
import type { TrainImage } from '../train-image.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

/** A solid training image of an 8-bit colour. */
function solid(width: number, height: number, rgb: [number, number, number]): TrainImage {
  const data = new Float32Array(3 * width * height);
  rgb.forEach((v, c) => data.fill(v / 127.5 - 1, c * width * height, (c + 1) * width * height));
  return { width, height, data };
}

describe('writeSampleGrid', () => {
  it('lays rows of images side by side with gaps, as a PNG', async () => {
    const path = join(dir, 'samples/iter_100.png'); // the folder does not exist yet
    const colours: [number, number, number][][] = [
      [
        [255, 0, 0],
        [0, 255, 0],
        [0, 0, 255],
      ],
      [
        [10, 20, 30],
        [250, 240, 230],
        [0, 0, 0],
      ],
    ];
    await writeSampleGrid(colours.map((row) => row.map((c) => solid(16, 12, c))), path);
    const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
    const gap = SAMPLE_GRID_GAP;
    expect((await sharp(path).metadata()).format).toBe('png');
    expect([info.width, info.height]).toEqual([3 * 16 + 4 * gap, 2 * 12 + 3 * gap]);
    const at = (x: number, y: number): number[] => Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3));
    colours.forEach((row, r) =>
      row.forEach((colour, c) => {
        const left = gap + c * (16 + gap);
        const top = gap + r * (12 + gap);
        expect(at(left, top)).toEqual(colour);
        expect(at(left + 15, top + 11)).toEqual(colour);
        expect(at(left - 1, top)).toEqual([128, 128, 128]);
      }),
    );
    // Written under a temporary name and renamed: nothing else is left in the folder.
    expect(await readdir(join(dir, 'samples'))).toEqual(['iter_100.png']);
  });

  it('handles rows of different lengths and image sizes', async () => {
    const path = join(dir, 'ragged.png');
    await writeSampleGrid([[solid(8, 8, [1, 2, 3])], [solid(10, 6, [4, 5, 6]), solid(20, 14, [7, 8, 9])]], path);
    const meta = await sharp(path).metadata();
    expect([meta.width, meta.height]).toEqual([10 + 20 + 3 * SAMPLE_GRID_GAP, 8 + 14 + 3 * SAMPLE_GRID_GAP]);
  });

  it('refuses an empty grid and reports a folder it cannot write to', async () => {
    await expectStudioError(writeSampleGrid([], join(dir, 'x.png')), 'BAD_ARGUMENT', 'at least one image');
    await expectStudioError(writeSampleGrid([[solid(2, 2, [0, 0, 0])]], join(dir, 'ragged.png', 'x.png')), 'IO_ERROR', 'x.png');
  });
});
