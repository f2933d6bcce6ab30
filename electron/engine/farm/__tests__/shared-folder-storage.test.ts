import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFarmItem } from '../farm-item.js';
import { checkKey } from '../farm-storage.js';
import { SharedFolderStorage } from '../shared-folder-storage.js';

let root: string;
let outside: string;
let storage: SharedFolderStorage;
const BATCH = '0b6f7c9e-1d2a-4c3b-9e8f-7a6b5c4d3e2f';

beforeAll(async () => {
  const base = await mkdtemp(join(tmpdir(), 'gs-share-'));
  root = join(base, 'share');
  outside = join(base, 'secret');
  await mkdir(join(root, 'out'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(outside, 'passwd.png'), 'private');
  await writeFile(join(root, 'in.png'), 'input bytes');
  await symlink(outside, join(root, 'escape'));
  storage = await SharedFolderStorage.open(root);
});
afterAll(async () => {
  await rm(join(root, '..'), { recursive: true, force: true });
});

const target = (item: number, stem = 'photo') => ({ dir: 'out', stem, extension: 'png', batch: BATCH, item });

describe('shared folder storage', () => {
  it('refuses keys that leave the shared root: ../, absolute, drive letters, backslashes, links', async () => {
    for (const key of ['../secret/passwd.png', 'out/../../secret/passwd.png', '/etc/passwd', 'C:/Windows/win.ini', 'out\\..\\..\\x', 'a//b', './in.png', '', 'in.png\0']) {
      expect(() => checkKey(key, 'input'), key).toThrow(/key|leaves|relative/);
      await expect(storage.read(key), key).rejects.toThrow(/key|leaves|relative|outside/);
    }
    // A link inside the share that points outside it is followed and refused.
    await expect(storage.read('escape/passwd.png')).rejects.toThrow(/leads outside the shared folder/);
    await expect(storage.writeOnce({ ...target(0), dir: 'escape' }, new Uint8Array([1]))).rejects.toThrow(/leads outside the shared folder/);
    expect(await readdir(outside)).toEqual(['passwd.png']);
    await expect(storage.keyOf(join(outside, 'passwd.png'))).rejects.toThrow(/outside the shared folder/);
    expect(await storage.keyOf(join(root, 'in.png'))).toBe('in.png');
    expect((await storage.read('in.png')).toString()).toBe('input bytes');
  });

  it('checks every field of a job, so a forged job names nothing outside the share', () => {
    const good = { batch: BATCH, item: 0, input: 'in.png', outDir: 'out', stem: 'in', model: { id: 'tiny', sha256: 'a'.repeat(64) }, format: 'auto' };
    expect(parseFarmItem(good).failedOn).toEqual([]);
    expect(() => parseFarmItem({ ...good, input: '../../etc/passwd' })).toThrow(/input.*leaves/);
    expect(() => parseFarmItem({ ...good, input: '/etc/passwd' })).toThrow(/input.*relative/);
    expect(() => parseFarmItem({ ...good, outDir: '/tmp' })).toThrow(/output folder.*relative/);
    expect(() => parseFarmItem({ ...good, outDir: 'out/../..' })).toThrow(/output folder.*leaves/);
    expect(() => parseFarmItem({ ...good, stem: '../x' })).toThrow(/plain file name/);
    expect(() => parseFarmItem({ ...good, stem: '.bashrc' })).toThrow(/plain file name/);
    expect(() => parseFarmItem({ ...good, batch: '../../x' })).toThrow(/batch/);
  });

  it('writes an item once however often it is retried or raced, and takes a free name beside other files', async () => {
    await writeFile(join(root, 'out', 'photo.png'), 'not ours');
    // Two workers finish item 1 at the same moment, then a late retry comes.
    const [a, b] = await Promise.all([storage.writeOnce(target(1), Buffer.from('first')), storage.writeOnce(target(1), Buffer.from('second'))]);
    const late = await storage.writeOnce(target(1), Buffer.from('third'));
    expect(a.key).toBe('out/photo-1.png');
    expect([b.key, late.key]).toEqual([a.key, a.key]);
    expect([a.already, b.already].sort()).toEqual([false, true]);
    expect(late.already).toBe(true);
    expect(a.renamed).toBe(true);
    // Another input with the same name gets the next name; the existing file is untouched.
    const other = await storage.writeOnce(target(2), Buffer.from('other'));
    expect(other.key).toBe('out/photo-2.png');
    expect((await readFile(join(root, 'out', 'photo.png'))).toString()).toBe('not ours');
    expect(['first', 'second']).toContain((await readFile(join(root, 'out', 'photo-1.png'))).toString());
    expect((await readdir(join(root, 'out'))).sort()).toEqual(['.gan-farm', 'photo-1.png', 'photo-2.png', 'photo.png']);
    await storage.forgetClaims('out', BATCH);
    expect((await readdir(join(root, 'out'))).sort()).toEqual(['photo-1.png', 'photo-2.png', 'photo.png']);
  });
});
