import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
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
    await expect(store.save('b3', 'same.jpg', Readable.from([Buffer.from('second')]), 6)).rejects.toThrow(/EEXIST|exists/);
  });
});
