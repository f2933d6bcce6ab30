import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UploadStore } from '../upload-store.js';

let store: UploadStore;
beforeAll(async () => {
  store = await UploadStore.create();
});
afterAll(async () => {
  await store.dispose();
});

describe('UploadStore', () => {
  it('keeps a dropped folder as a folder and resolves a batch to what was dropped', async () => {
    await store.save('b1', 'trip/day/a.jpg', Readable.from([Buffer.from('A')]), 1);
    await store.save('b1', 'trip/b.jpg', Readable.from([Buffer.from('B')]), 1);
    await store.save('b1', 'single.png', Readable.from([Buffer.from('C')]), 1);
    const paths = await store.resolve('b1');
    expect(paths.map((p) => basename(p))).toEqual(['single.png', 'trip']);
    expect(paths.every((p) => store.contains(p))).toBe(true);
    expect(await readFile(`${paths[1]}/day/a.jpg`, 'utf8')).toBe('A');
  });

  it('refuses paths that would leave the batch, bad batch ids and unknown batches', async () => {
    for (const bad of ['../escape.jpg', 'a/../../b.jpg', '/etc/passwd', 'a//b.jpg', 'a\\b.jpg']) {
      await expect(store.save('b2', bad, Readable.from([Buffer.from('x')]), 1)).rejects.toThrow(/bad upload path/);
    }
    await expect(store.save('../b', 'x.jpg', Readable.from([Buffer.from('x')]), 1)).rejects.toThrow(/bad upload batch/);
    await expect(store.resolve('never-uploaded')).rejects.toThrow(/nothing was uploaded/);
  });

  it('never overwrites a file already uploaded', async () => {
    await store.save('b3', 'same.jpg', Readable.from([Buffer.from('first')]), 5);
    await expect(store.save('b3', 'same.jpg', Readable.from([Buffer.from('second')]), 6)).rejects.toThrow(/already uploaded/);
  });
});

describe('UploadStore limits', () => {
  /** A body that arrives in chunks with no declared length, as a chunked request does. */
  const chunked = (chunks: number, size: number): Readable => Readable.from(Array.from({ length: chunks }, () => Buffer.alloc(size, 7)));

  it('counts bytes as they arrive: a chunked body past the file limit or the quota is refused, and what it had sent is freed', async () => {
    const small = await UploadStore.create({ fileBytes: 1000, quotaBytes: 2500 });
    try {
      await expect(small.save('c1', 'big.jpg', chunked(11, 100), undefined)).rejects.toThrow(/big\.jpg is larger than/);
      await small.save('c1', 'a.jpg', chunked(9, 100), undefined);
      await small.save('c1', 'b.jpg', chunked(9, 100), undefined);
      await expect(small.save('c1', 'c.jpg', chunked(9, 100), undefined)).rejects.toThrow(/c\.jpg does not fit: this session's uploads are limited to/);
      await expect(small.save('c1', 'd.jpg', chunked(1, 10), 5000)).rejects.toThrow(/larger than/);
      // Only the two whole files are there: nothing half-written under any name.
      expect((await readdir(join(small.root, 'c1'))).sort()).toEqual(['a.jpg', 'b.jpg']);
      expect((await readdir(small.root)).sort()).toEqual(['c1']);
      await small.save('c1', 'e.jpg', chunked(7, 100), undefined);
    } finally {
      await small.dispose();
    }
  });

  it('an interrupted upload leaves nothing behind, so its retry succeeds; messages never name the private folder', async () => {
    const broken = new Readable({
      read() {
        this.push(Buffer.alloc(100, 1));
        this.destroy(new Error(`socket hang up at ${store.root}`));
      },
    });
    const failed = store.save('r1', 'photo.jpg', broken, 1000).catch((e: unknown) => e as Error);
    const err = await failed;
    expect(err).toBeInstanceOf(Error);
    expect(err?.message).toMatch(/photo\.jpg/);
    expect(err?.message).not.toContain(store.root);
    await expect(readdir(join(store.root, 'r1'))).resolves.toEqual([]);
    await store.save('r1', 'photo.jpg', Readable.from([Buffer.from('whole')]), 5);
    expect(await readFile(join(store.root, 'r1', 'photo.jpg'), 'utf8')).toBe('whole');
    const again = await store.save('r1', 'photo.jpg', Readable.from([Buffer.from('x')]), 1).catch((e: unknown) => e as Error);
    expect(again?.message).toBe('photo.jpg was already uploaded in this batch');
    expect(store.redact(`cannot read ${join(store.root, 'r1', 'photo.jpg')}`)).toBe('cannot read uploads/r1/photo.jpg');
  });
});
