import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStudioError, makeTempDir } from '../../../imaging/__tests__/helpers.js';
import { Rng } from '../rng.js';
import { openUnpairedDataset } from '../unpaired-dataset.js';
import { planeMean, toByte, writeImage, writeSolid, writeText, writeTruncatedJpeg } from './fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;
const opts = { loadSize: 40, cropSize: 32, flip: true };

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  // Domain A: solid colours whose red channel encodes the file's index, in nested folders and
  // several formats. Domain B: solid greens. Plus files that must be skipped.
  await writeSolid(join(dir, 'a/0.png'), 48, [0, 0, 0]);
  await writeSolid(join(dir, 'a/1.jpg'), 64, [100, 0, 0]);
  await writeSolid(join(dir, 'a/deeper/2.webp'), 30, [200, 0, 0]);
  await writeText(join(dir, 'a/notes.png'), 'this is not a picture\n');
  await writeText(join(dir, 'a/empty.jpg'), '');
  for (let i = 0; i < 5; i++) await writeSolid(join(dir, `b/${i}.png`), 50, [0, 50 * i, 0]);

  await writeSolid(join(dir, 'one/only.png'), 20, [1, 2, 3]);
  await writeText(join(dir, 'one/broken.png'), 'nope');
  await writeText(join(dir, 'none/readme.txt'), 'no images here');

  // A folder where one JPEG's header is fine but its pixel data is cut short.
  await writeSolid(join(dir, 'trunc/0.png'), 32, [10, 0, 0]);
  await writeTruncatedJpeg(join(dir, 'trunc/1.jpg'), 64);
  await writeSolid(join(dir, 'trunc/2.png'), 32, [30, 0, 0]);
});
afterAll(() => cleanup());

describe('openUnpairedDataset', () => {
  it('finds the images recursively and lists the unreadable files with their causes', async () => {
    const data = await openUnpairedDataset(join(dir, 'a'), join(dir, 'b'), opts);
    expect(data.sizeA).toBe(3);
    expect(data.sizeB).toBe(5);
    const skipped = Object.fromEntries(data.skipped.map((s) => [s.path.slice(dir.length + 1), s.reason]));
    expect(Object.keys(skipped).sort()).toEqual(['a/empty.jpg', 'a/notes.png']);
    expect(skipped['a/empty.jpg']).toContain('empty file');
    expect(skipped['a/notes.png']).toContain('not an image');
  });

  it('samples A by index and B at random, as cropSize training images in [-1, 1]', async () => {
    const data = await openUnpairedDataset(join(dir, 'a'), join(dir, 'b'), opts);
    const rng = new Rng(1);
    const greens = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const { a, b } = await data.sample(rng, i);
      expect([a.width, a.height, a.data.length]).toEqual([32, 32, 3 * 32 * 32]);
      expect([b.width, b.height]).toEqual([32, 32]);
      // Folder order is natural name order (0.png, 1.jpg, deeper/2.webp): A's red is 0, 100, 200.
      expect(toByte(planeMean(a.data, 0, 32 * 32))).toBeCloseTo([0, 100, 200][i % 3]!, -0.5);
      greens.add(toByte(planeMean(b.data, 1, 32 * 32)));
    }
    // Thirty random draws from five B images reach most of them.
    expect(greens.size).toBeGreaterThanOrEqual(4);
  });

  it('gives identical samples for the same seed and different ones for another seed', async () => {
    // A textured image so that crops and flips show in the pixels.
    await writeImage(join(dir, 'tex/a.png'), 60, 60, (x, y) => [(x * 37 + y * 11) % 256, (x * y) % 256, (y * 23) % 256]);
    await writeImage(join(dir, 'tex/b.png'), 60, 60, (x, y) => [(x * 5) % 256, (y * 9) % 256, (x * y * 3) % 256]);
    const run = async (seed: number): Promise<Float32Array[]> => {
      const data = await openUnpairedDataset(join(dir, 'tex'), join(dir, 'tex'), opts);
      const rng = new Rng(seed);
      const out: Float32Array[] = [];
      // Overlapping calls, as a prefetching trainer makes them: still reproducible.
      const samples = await Promise.all(Array.from({ length: 6 }, (_, i) => data.sample(rng, i)));
      for (const s of samples) out.push(s.a.data, s.b.data);
      return out;
    };
    const first = await run(11);
    expect(await run(11)).toEqual(first);
    expect(await run(12)).not.toEqual(first);
  });

  it('skips a file whose pixel data is damaged when it is first decoded, and uses the next image', async () => {
    const data = await openUnpairedDataset(join(dir, 'trunc'), join(dir, 'b'), { loadSize: 32, cropSize: 32, flip: false });
    expect(data.sizeA).toBe(3); // the header of the cut-off JPEG is fine
    expect(data.skipped).toEqual([]);
    const rng = new Rng(0);
    const reds: number[] = [];
    for (let i = 0; i < 6; i++) reds.push(toByte(planeMean((await data.sample(rng, i)).a.data, 0, 32 * 32)));
    expect(reds).toEqual([10, 30, 30, 10, 30, 30]);
    expect(data.skipped).toHaveLength(1);
    expect(data.skipped[0]!.path).toBe(join(dir, 'trunc/1.jpg'));
    expect(data.skipped[0]!.reason).toContain('truncated');
  });

  it('says so when no image of a folder can be decoded', async () => {
    await writeTruncatedJpeg(join(dir, 'allbad/1.jpg'), 40);
    await writeTruncatedJpeg(join(dir, 'allbad/2.jpg'), 40);
    const data = await openUnpairedDataset(join(dir, 'allbad'), join(dir, 'b'), opts);
    await expectStudioError(data.sample(new Rng(0), 0), 'BAD_ARGUMENT', `None of the 2 images in the A folder ${join(dir, 'allbad')} could be decoded`, 'truncated');
    expect(data.skipped.map((s) => s.path)).toEqual([join(dir, 'allbad/1.jpg'), join(dir, 'allbad/2.jpg')]);
  });

  it('refuses folders with fewer than two images, saying how many it found', async () => {
    await expectStudioError(
      openUnpairedDataset(join(dir, 'none'), join(dir, 'b'), opts),
      'BAD_ARGUMENT',
      `A folder ${join(dir, 'none')} has no readable images`,
      'at least 2',
    );
    const one = await expectStudioError(
      openUnpairedDataset(join(dir, 'a'), join(dir, 'one'), opts),
      'BAD_ARGUMENT',
      `B folder ${join(dir, 'one')} has only 1 readable image`,
    );
    // The skipped file is mentioned, so the user knows why the count is lower than expected.
    expect(one.message).toContain('broken.png');
    await expectStudioError(openUnpairedDataset(join(dir, 'missing'), join(dir, 'b'), opts), 'IO_ERROR', join(dir, 'missing'), 'no such file');
  });

  it('refuses impossible augmentation settings', async () => {
    await expectStudioError(openUnpairedDataset(join(dir, 'a'), join(dir, 'b'), { loadSize: 32, cropSize: 40, flip: true }), 'BAD_ARGUMENT', 'cropSize');
    await expectStudioError(openUnpairedDataset(join(dir, 'a'), join(dir, 'b'), { loadSize: 0, cropSize: 0, flip: true }), 'BAD_ARGUMENT', 'loadSize');
  });
});
