import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../errors.js';
import { browseRoots, listFolder } from '../folder-browser.js';

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'gs-browse-'));
  await mkdir(join(home, 'Pictures', 'trip'), { recursive: true });
  await mkdir(join(home, '.hidden'));
  await writeFile(join(home, 'Pictures', 'a.jpg'), 'x');
  await writeFile(join(home, 'Pictures', 'notes.txt'), 'x');
  await writeFile(join(home, 'Pictures', 'b.HEIC'), 'x');
  await symlink('/etc', join(home, 'escape'));
  await symlink(join(home, 'Pictures'), join(home, 'pictures-link'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('the folder browser', () => {
  it('lists sub-folders, then images, of a folder inside the home folder', async () => {
    const roots = await browseRoots({ home, platform: 'linux' });
    expect(roots[0]).toEqual({ label: 'Home', path: home });
    const top = await listFolder(undefined, roots);
    expect(top).toMatchObject({ path: home, name: 'Home', parent: null, more: 0 });
    // Hidden folders and the link that leads out to /etc are left out; a link within stays.
    expect(top.entries.map((e) => e.name)).toEqual(['Pictures', 'pictures-link']);
    const pictures = await listFolder(join(home, 'Pictures'), roots);
    expect(pictures.parent).toBe(home);
    expect(pictures.entries.map((e) => [e.name, e.kind])).toEqual([
      ['trip', 'folder'],
      ['a.jpg', 'image'],
      ['b.HEIC', 'image'],
    ]);
  });

  it('refuses anything outside the home folder and mounted volumes, links and .. included', async () => {
    const roots = await browseRoots({ home, platform: 'linux' });
    for (const outside of ['/etc', join(home, '..'), join(home, 'escape')]) {
      const err = await listFolder(outside, roots).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StudioError);
      expect((err as StudioError).message).toMatch(/outside the folders the studio may browse/);
    }
    await expect(listFolder(join(home, 'nope'), roots)).rejects.toThrow(/no such file or folder/);
  });
});
