import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROTATED_STORED_QUADRANTS, writeProblemImageFolder } from '../../../imaging/__tests__/fixture-images.js';
import { makeTempDir } from '../../../imaging/__tests__/helpers.js';
import { Rng } from '../rng.js';
import type { TrainImage } from '../train-image.js';
import { openUnpairedDataset } from '../unpaired-dataset.js';
import { toByte, writeSolid } from './fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  await mkdir(join(dir, 'problems'));
  await writeProblemImageFolder(join(dir, 'problems'));
  await writeSolid(join(dir, 'b/1.png'), 16, [0, 0, 0]);
  await writeSolid(join(dir, 'b/2.png'), 16, [0, 0, 0]);
});
afterAll(() => cleanup());

const rgbAt = (img: TrainImage, x: number, y: number): number[] => {
  const plane = img.width * img.height;
  return [0, 1, 2].map((c) => toByte(img.data[c * plane + y * img.width + x]!));
};

describe('training decode of the problem-image set', () => {
  it('reads what the imaging module reads, the way a user sees it, and skips the rest', async () => {
    const data = await openUnpairedDataset(join(dir, 'problems'), join(dir, 'b'), { loadSize: 32, cropSize: 32, flip: false });
    // Natural order: cmyk.jpg, corrupt.jpg, deep.png, good.jpg, rgba.png, rotated.jpg. The
    // truncated JPEG's header is fine, so it is only found out when decoded.
    expect(data.sizeA).toBe(6);
    expect(data.skipped.map((s) => basename(s.path)).sort()).toEqual(['empty.png', 'notes.png']);
    const rng = new Rng(0);
    const a: TrainImage[] = [];
    for (let i = 0; i < 6; i++) a.push((await data.sample(rng, i)).a);

    const [cmyk, corruptStandIn, deep, , rgba, rotated] = a as [TrainImage, TrainImage, TrainImage, TrainImage, TrainImage, TrainImage];
    // CMYK converted to sRGB: still red.
    const red = rgbAt(cmyk, 16, 16);
    expect(red[0]).toBeGreaterThan(200);
    expect(Math.max(red[1]!, red[2]!)).toBeLessThan(60);
    // The truncated file is skipped and the next one, deep.png, stands in.
    expect(corruptStandIn.data).toEqual(deep.data);
    expect(data.skipped.map((s) => basename(s.path))).toContain('corrupt.jpg');
    // 16-bit red ramp, scaled to 8 bits: dark on the left, bright on the right.
    expect(rgbAt(deep, 0, 16)[0]).toBeLessThan(20);
    expect(rgbAt(deep, 31, 16)[0]).toBeGreaterThan(235);
    // The (nearly) transparent top-left corner is flattened onto white; its stored colour is blue.
    for (const v of rgbAt(rgba, 0, 0)) expect(v).toBeGreaterThan(245);
    // EXIF orientation applied: the stored bottom-left quadrant (blue) is shown top-left.
    const topLeft = rgbAt(rotated, 4, 4);
    const blue = ROTATED_STORED_QUADRANTS.bottomLeft;
    for (let c = 0; c < 3; c++) expect(Math.abs(topLeft[c]! - blue[c]!)).toBeLessThan(40);
  });
});
