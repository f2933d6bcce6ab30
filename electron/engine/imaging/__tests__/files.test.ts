import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isImagePath, listImageFiles } from '../files.js';
import { makeTempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

/** Creates the files (empty: listing never reads them) and any folders they need. */
async function touch(...paths: string[]): Promise<void> {
  for (const path of paths) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), '');
  }
}

const rel = (paths: string[]): string[] => paths.map((p) => relative(dir, p));

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  await touch(
    'photos/frame_10.jpg',
    'photos/frame_2.jpg',
    'photos/B.PNG',
    'photos/a.webp',
    'photos/readme.txt',
    'photos/.hidden.png',
    'photos/.cache/thumb.png',
    'photos/sub/z.tif',
    'photos/sub/deeper/y.heic',
    'photos/zz.gif',
    'loose/notes.md',
    'loose/pic.avif',
  );
});
afterAll(() => cleanup());

describe('isImagePath', () => {
  it('goes by extension, case-insensitively', () => {
    for (const yes of ['a.jpg', 'a.JPEG', 'b.png', 'c.webp', 'd.tiff', 'e.TIF', 'f.avif', 'g.heic', 'h.heif', 'i.gif', '/x/y.z/k.Png']) {
      expect([yes, isImagePath(yes)]).toEqual([yes, true]);
    }
    for (const no of ['a.txt', 'png', 'a.png.bak', '/x/y.jpg/readme', 'a.', 'a.svg']) {
      expect([no, isImagePath(no)]).toEqual([no, false]);
    }
  });
});

/** The images under photos/, in natural name order (sub-folders included, hidden entries and non-images left out). */
const PHOTOS = ['photos/a.webp', 'photos/B.PNG', 'photos/frame_2.jpg', 'photos/frame_10.jpg', 'photos/sub/deeper/y.heic', 'photos/sub/z.tif', 'photos/zz.gif'];

describe('listImageFiles', () => {
  it('walks folders recursively in natural name order, skipping hidden entries and non-images', async () => {
    const { files, errors } = await listImageFiles([join(dir, 'photos')]);
    expect(errors).toEqual([]);
    expect(rel(files)).toEqual(PHOTOS);
  });

  it('keeps an explicitly named file whatever its extension, in input order', async () => {
    const { files } = await listImageFiles([join(dir, 'loose/notes.md'), join(dir, 'loose')]);
    expect(rel(files)).toEqual(['loose/notes.md', 'loose/pic.avif']);
  });

  it('reports missing paths by name and still lists the rest', async () => {
    const missing = join(dir, 'nope');
    const { files, errors } = await listImageFiles([missing, join(dir, 'loose/pic.avif')]);
    expect(rel(files)).toEqual(['loose/pic.avif']);
    expect(errors).toEqual([{ path: missing, message: `Cannot read ${missing}: no such file or folder` }]);
  });

  it('lists each file once however often it is named', async () => {
    const photos = join(dir, 'photos');
    const { files } = await listImageFiles([join(photos, 'zz.gif'), photos, `${photos}/`, join(photos, 'sub'), join(photos, 'sub/../zz.gif')]);
    // zz.gif first, where it was named first; the folder's other images after it, in order.
    expect(rel(files)).toEqual(['photos/zz.gif', ...PHOTOS.filter((p) => p !== 'photos/zz.gif')]);
  });

  it.skipIf(process.platform === 'win32')('follows folder links once and does not loop', async () => {
    await touch('linked/real/img.png');
    await symlink(join(dir, 'linked'), join(dir, 'linked/real/loop'));
    const { files, errors } = await listImageFiles([join(dir, 'linked')]);
    expect(errors).toEqual([]);
    expect(rel(files)).toEqual(['linked/real/img.png']);
  });

  it('gives the same result every time', async () => {
    const first = await listImageFiles([dir]);
    const second = await listImageFiles([dir]);
    expect(second).toEqual(first);
    expect(rel(first.files)).not.toContain('loose/notes.md');
  });
});
