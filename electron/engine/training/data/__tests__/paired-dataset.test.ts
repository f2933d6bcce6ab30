import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStudioError, makeTempDir } from '../../../imaging/__tests__/helpers.js';
import { openPairedDataset } from '../paired-dataset.js';
import { Rng } from '../rng.js';
import type { TrainImage } from '../train-image.js';
import { planeMean, rgbFrom, toByte, writeImage, writeSolid, writeText, writeTruncatedJpeg } from './fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;

/** A picture with structure in both directions and brighter on the right, so crops and flips show. */
function pattern(x: number, y: number): number {
  return Math.round(60 + 2 * x + 25 * Math.sin(y * 0.9) + 15 * Math.sin(x * 1.7 + y * 0.3));
}

/** Mean of the right half minus mean of the left half of plane 0: positive unless mirrored. */
function leftToRight(img: TrainImage): number {
  let left = 0;
  let right = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const v = img.data[y * img.width + x]!;
      if (x < img.width / 2) left += v;
      else right += v;
    }
  }
  return right - left;
}

/** Largest |a + b| over all values: 0 when B is exactly A's negative. */
function worstMismatch(a: TrainImage, b: TrainImage): number {
  let worst = 0;
  for (let k = 0; k < a.data.length; k++) worst = Math.max(worst, Math.abs(a.data[k]! + b.data[k]!));
  return worst;
}

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  // Side-by-side: A on the left, its negative as B on the right. If A and B are cropped or
  // flipped alike, a = -b pixel for pixel up to the resizer's rounding (resizing is linear);
  // a crop one pixel off, or a flip of one half only, is tens of levels out.
  for (let i = 0; i < 3; i++) {
    await writeImage(join(dir, `sbs/pair${i}.png`), 128, 64, (x, y) => {
      const v = pattern(x % 64, y) + 10 * i;
      return x < 64 ? [v, v, v] : [255 - v, 255 - v, 255 - v];
    });
  }
  await writeText(join(dir, 'sbs/attributes.csv'), 'file,smile,age\npair0.png,1,0.25\n"pair1",-1,0.5\n');

  // Two folders matched by name, with other extensions and a subfolder; each pair shares a
  // code: A's red = B's green.
  for (const [name, ext] of [
    ['cat', 'png'],
    ['sub/dog', 'jpg'],
    ['owl', 'webp'],
  ] as const) {
    const code = 40 * (name.length % 5) + 20;
    await writeSolid(join(dir, `two/a/${name}.png`), 32, [code, 0, 0]);
    await writeSolid(join(dir, `two/b/${name}.${ext}`), 40, [0, code, 0]);
  }
  await writeSolid(join(dir, 'two/a/lonely.png'), 32, [1, 1, 1]);
  await writeSolid(join(dir, 'two/b/stray.png'), 32, [1, 1, 1]);
  await writeSolid(join(dir, 'two/b/owl.png'), 32, [9, 9, 9]); // clashes with owl.webp
  await writeText(join(dir, 'two/b/attributes.csv'), 'file,blond\ncat.jpg,1\nsub/dog,0\nghost.png,1\n');

  await writeText(join(dir, 'bad/attributes.csv'), 'file,smile\na.png,1\n\nb.png,yes\n');
  await writeSolid(join(dir, 'bad/a.png'), 16, [0, 0, 0]);
  await writeSolid(join(dir, 'bad/b.png'), 16, [0, 0, 0]);

  // Photos for edges: a dark square on a light background.
  for (let i = 0; i < 2; i++) {
    await writeImage(join(dir, `photos/p${i}.png`), 64, 64, (x, y) =>
      x >= 16 && x < 48 && y >= 16 && y < 48 ? [40, 60 + 50 * i, 90] : [230, 225, 210],
    );
  }
});
afterAll(() => cleanup());

describe('openPairedDataset, side by side', () => {
  it('splits each image into A and B and crops and flips both the same way', async () => {
    const data = await openPairedDataset({ kind: 'side-by-side', dir: join(dir, 'sbs') }, { loadSize: 72, cropSize: 56, flip: true });
    expect(data.size).toBe(3);
    expect(data.attributeNames).toEqual([]);
    const rng = new Rng(2);
    let flipped = 0;
    let previousB: TrainImage | undefined;
    for (let i = 0; i < 24; i++) {
      const { a, b, attributes } = await data.sample(rng, i);
      expect(attributes).toHaveLength(0);
      expect(worstMismatch(a, b)).toBeLessThanOrEqual(2.01 / 127.5);
      if (i > 0) expect(worstMismatch(a, previousB!)).toBeGreaterThan(10 / 127.5);
      previousB = b;
      if (leftToRight(a) < 0) flipped++;
    }
    expect(flipped).toBeGreaterThan(4);
    expect(flipped).toBeLessThan(20);
  });

  it('splits the picture as shown, after EXIF orientation', async () => {
    // Shown as 128 x 64 (A dark on the left, B light on the right); stored turned a quarter
    // anticlockwise with orientation 6, so a split of the stored pixels would mix A and B.
    const shown = await sharp(rgbFrom(128, 64, (x) => (x < 64 ? [30, 30, 30] : [220, 220, 220])), { raw: { width: 128, height: 64, channels: 3 } })
      .png()
      .toBuffer();
    await mkdir(join(dir, 'turned'), { recursive: true });
    for (const name of ['p.jpg', 'q.jpg']) {
      await sharp(await sharp(shown).rotate(-90).png().toBuffer())
        .jpeg({ quality: 95 })
        .withMetadata({ orientation: 6 })
        .toFile(join(dir, 'turned', name));
    }
    const data = await openPairedDataset({ kind: 'side-by-side', dir: join(dir, 'turned') }, { loadSize: 32, cropSize: 32, flip: false });
    const { a, b } = await data.sample(new Rng(0), 0);
    expect(Math.abs(toByte(planeMean(a.data, 0, 32 * 32)) - 30)).toBeLessThan(4);
    expect(Math.abs(toByte(planeMean(b.data, 0, 32 * 32)) - 220)).toBeLessThan(4);
  });

  it('gives identical samples for the same seed, also when calls overlap', async () => {
    const run = async (seed: number): Promise<Float32Array[]> => {
      const data = await openPairedDataset({ kind: 'side-by-side', dir: join(dir, 'sbs') }, { loadSize: 72, cropSize: 56, flip: true });
      const rng = new Rng(seed);
      const samples = await Promise.all(Array.from({ length: 6 }, (_, i) => data.sample(rng, i)));
      return samples.flatMap((s) => [s.a.data, s.b.data]);
    };
    const first = await run(5);
    expect(await run(5)).toEqual(first);
    expect(await run(6)).not.toEqual(first);
  });

  it('never flips when flip is off', async () => {
    const data = await openPairedDataset({ kind: 'side-by-side', dir: join(dir, 'sbs') }, { loadSize: 72, cropSize: 56, flip: false });
    const rng = new Rng(3);
    for (let i = 0; i < 12; i++) expect(leftToRight((await data.sample(rng, i)).a)).toBeGreaterThan(0);
  });

  it('reads attributes.csv and gives each image its row; images without one are skipped', async () => {
    const data = await openPairedDataset({ kind: 'side-by-side', dir: join(dir, 'sbs') }, { loadSize: 64, cropSize: 64, flip: false, attributes: true });
    expect(data.attributeNames).toEqual(['smile', 'age']);
    expect(data.size).toBe(2);
    expect(data.skipped).toEqual([{ path: join(dir, 'sbs/pair2.png'), reason: expect.stringContaining('no row') as string }]);
    const rng = new Rng(0);
    const first = await data.sample(rng, 0);
    const second = await data.sample(rng, 1);
    expect(Array.from(first.attributes)).toEqual([1, 0.25]);
    expect(Array.from(second.attributes)).toEqual([-1, 0.5]);
    // pair0's A is darker than pair1's: the rows follow the images, not the order of reading.
    expect(planeMean(first.a.data, 0, 64 * 64)).toBeLessThan(planeMean(second.a.data, 0, 64 * 64));
  });
});

describe('openPairedDataset, two folders', () => {
  it('pairs files by name without extension, and lists the ones it could not pair', async () => {
    const data = await openPairedDataset({ kind: 'two-folders', dirA: join(dir, 'two/a'), dirB: join(dir, 'two/b') }, { loadSize: 32, cropSize: 32, flip: true });
    // cat, sub/dog and owl pair up (owl with the first of B's two "owl" files, owl.png).
    expect(data.size).toBe(3);
    const skipped = Object.fromEntries(data.skipped.map((s) => [s.path.slice(dir.length + 1), s.reason]));
    expect(Object.keys(skipped).sort()).toEqual(['two/a/lonely.png', 'two/b/owl.webp', 'two/b/stray.png']);
    expect(skipped['two/a/lonely.png']).toContain('no image named lonely');
    expect(skipped['two/b/owl.webp']).toContain('clashes');
    const rng = new Rng(4);
    for (let i = 0; i < 3; i++) {
      const { a, b } = await data.sample(rng, i);
      const red = toByte(planeMean(a.data, 0, 32 * 32));
      const green = toByte(planeMean(b.data, 1, 32 * 32));
      // owl pairs with owl.png, a grey 9: the matched file, not the clashing one.
      if (green === 9) expect(red).toBe(40 * 3 + 20);
      else expect(Math.abs(red - green)).toBeLessThanOrEqual(2);
    }
  });

  it('lists the damaged file of a pair, and gives the next pair in its place', async () => {
    for (const [i, name] of ['x', 'y', 'z'].entries()) await writeSolid(join(dir, `damaged/a/${name}.png`), 16, [50 * (i + 1), 0, 0]);
    await writeSolid(join(dir, 'damaged/b/x.png'), 16, [0, 50, 0]);
    await writeTruncatedJpeg(join(dir, 'damaged/b/y.jpg'), 48);
    await writeSolid(join(dir, 'damaged/b/z.png'), 16, [0, 150, 0]);
    const data = await openPairedDataset(
      { kind: 'two-folders', dirA: join(dir, 'damaged/a'), dirB: join(dir, 'damaged/b') },
      { loadSize: 16, cropSize: 16, flip: false },
    );
    expect(data.size).toBe(3);
    const { a, b } = await data.sample(new Rng(0), 1);
    expect([toByte(planeMean(a.data, 0, 256)), toByte(planeMean(b.data, 1, 256))]).toEqual([150, 150]);
    expect(data.skipped.map((s) => s.path)).toEqual([join(dir, 'damaged/b/y.jpg')]);
    expect(data.skipped[0]!.reason).toContain('truncated');
  });

  it('takes attributes.csv from the B folder; rows naming no image are listed', async () => {
    const data = await openPairedDataset(
      { kind: 'two-folders', dirA: join(dir, 'two/a'), dirB: join(dir, 'two/b') },
      { loadSize: 32, cropSize: 32, flip: false, attributes: true },
    );
    expect(data.attributeNames).toEqual(['blond']);
    expect(data.size).toBe(2);
    const reasons = data.skipped.map((s) => s.reason).join('\n');
    expect(reasons).toContain('line 4: no image named ghost');
    const values = [];
    for (let i = 0; i < 2; i++) values.push(...(await data.sample(new Rng(i), i)).attributes);
    expect(values).toEqual([1, 0]);
  });

  it('refuses a bad attributes row, naming the file and the line', async () => {
    await expectStudioError(
      openPairedDataset({ kind: 'side-by-side', dir: join(dir, 'bad') }, { loadSize: 16, cropSize: 16, flip: false, attributes: true }),
      'BAD_ARGUMENT',
      `${join(dir, 'bad/attributes.csv')} line 4`,
      'smile for b.png is "yes", not a number',
    );
  });

  it('says so when attributes.csv is missing', async () => {
    await expectStudioError(
      openPairedDataset({ kind: 'side-by-side', dir: join(dir, 'photos') }, { loadSize: 16, cropSize: 16, flip: false, attributes: true }),
      'IO_ERROR',
      join(dir, 'photos/attributes.csv'),
      'no such file',
    );
  });

  it('refuses folders that give fewer than two pairs', async () => {
    await expectStudioError(
      openPairedDataset({ kind: 'two-folders', dirA: join(dir, 'two/a'), dirB: join(dir, 'photos') }, { loadSize: 16, cropSize: 16, flip: false }),
      'BAD_ARGUMENT',
      'has no pairs of images with matching names',
    );
  });
});

describe('openPairedDataset, edges from photos', () => {
  it('gives the photo as B and its edge map, black strokes on white in three equal planes, as A', async () => {
    const data = await openPairedDataset({ kind: 'edges-from-photos', dir: join(dir, 'photos') }, { loadSize: 64, cropSize: 64, flip: false });
    expect(data.size).toBe(2);
    const { a, b } = await data.sample(new Rng(0), 1);
    const plane = 64 * 64;
    expect(a.data.subarray(0, plane)).toEqual(a.data.subarray(plane, 2 * plane));
    expect(a.data.subarray(0, plane)).toEqual(a.data.subarray(2 * plane));
    const at = (img: TrainImage, x: number, y: number): number => toByte(img.data[y * 64 + x]!);
    expect(at(a, 4, 4)).toBe(255); // background
    expect(at(a, 32, 32)).toBe(255); // inside the square
    // The square's left side at x = 16 has a black stroke within a pixel of it.
    expect(Math.min(at(a, 15, 32), at(a, 16, 32))).toBe(0);
    expect(at(b, 32, 32)).toBeLessThan(100);
    expect(at(b, 4, 4)).toBeGreaterThan(200);
  });
});
