import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../errors.js';
import { cachedCheckpointPath, downloadCatalogModel, type CatalogDownloadStage } from '../catalog-download.js';
import type { DownloadProgress } from '../downloader.js';
import { findCatalogEntry, type CatalogEntry } from '../official-models.js';
import { makeBytes, rejection, startedServer, tempFolderEach } from './http-fixture.js';
import { makeZip } from './zip-fixture.js';

const server = startedServer();
let cacheDir: string;
const FAST = { retryDelayMs: 5 };

tempFolderEach('gs-cache-', (path) => (cacheDir = path));

/** A real catalog entry pointed at the loopback server, with a small expected size. */
function local(name: string, url: string, expectedBytes: number): CatalogEntry {
  return { ...findCatalogEntry(name), url, expectedBytes };
}

describe('downloadCatalogModel', () => {
  it('downloads a .pth, resuming a dropped connection, installs it and cleans the cache', async () => {
    const weights = makeBytes(400_000, 31);
    const url = server.serve('/cyclegan/horse2zebra.pth', weights, { dropAfter: { bytes: 150_000, times: 1 } });
    const entry = local('cyclegan-horse2zebra', url, 400_000);
    const stages: CatalogDownloadStage[] = [];
    const progress: DownloadProgress[] = [];
    const installed = await downloadCatalogModel(entry, {
      cacheDir,
      download: FAST,
      onStage: (s) => stages.push(s),
      onProgress: (p) => progress.push(p),
      install: async (checkpoint, e) => {
        expect(checkpoint).toBe(join(cacheDir, 'cyclegan-horse2zebra.pth'));
        expect(e).toBe(entry);
        expect((await readFile(checkpoint)).equals(weights)).toBe(true);
        return { id: e.name };
      },
    });
    expect(installed).toEqual({ id: 'cyclegan-horse2zebra' });
    expect(stages).toEqual(['download', 'install']);
    expect(progress.at(-1)?.receivedBytes).toBe(400_000);
    expect(server.requestsFor('/cyclegan/horse2zebra.pth').map((r) => r.status)).toEqual([200, 206]);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('extracts the generator from a zip archive, checks its size, installs it and cleans up', async () => {
    const generator = makeBytes(120_000, 32);
    const archive = makeZip([
      { name: '200000-G.ckpt', data: generator, method: 8 },
      { name: '200000-D.ckpt', data: makeBytes(300_000, 33), method: 0 },
    ]);
    const url = server.serve('/stargan/celeba-128x128-5attrs.zip', archive);
    const entry = local('stargan-celeba-128', url, 120_000);
    const stages: CatalogDownloadStage[] = [];
    let seen: Buffer | undefined;
    await downloadCatalogModel(entry, {
      cacheDir,
      download: FAST,
      onStage: (s) => stages.push(s),
      install: async (checkpoint) => {
        expect(checkpoint).toBe(join(cacheDir, 'stargan-celeba-128.ckpt'));
        seen = await readFile(checkpoint);
      },
    });
    expect(seen?.equals(generator)).toBe(true);
    expect(stages).toEqual(['download', 'extract', 'install']);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('names the catalog entry when install throws, keeps the checkpoint, and reuses it next time', async () => {
    const weights = makeBytes(100_000, 34);
    const url = server.serve('/pix2pix/day2night.pth', weights);
    const entry = local('pix2pix-day2night', url, 100_000);

    const err = await rejection(
      downloadCatalogModel(entry, {
        cacheDir,
        download: FAST,
        install: () => Promise.reject(new StudioError('BAD_CHECKPOINT', 'unexpected key model.99.weight')),
      }),
    );
    expect(err.code).toBe('BAD_CHECKPOINT');
    expect(err.message).toBe('pix2pix-day2night: unexpected key model.99.weight');
    const plain = await rejection(downloadCatalogModel(entry, { cacheDir, install: () => Promise.reject(new Error('boom')) }));
    expect(plain.code).toBe('INTERNAL');
    expect(plain.message).toBe('pix2pix-day2night: installing failed: boom');
    expect(existsSync(cachedCheckpointPath(cacheDir, entry))).toBe(true);

    const before = server.requestsFor('/pix2pix/day2night.pth').length;
    const stages: CatalogDownloadStage[] = [];
    const ok = await downloadCatalogModel(entry, { cacheDir, onStage: (s) => stages.push(s), install: () => Promise.resolve('done') });
    expect(ok).toBe('done');
    expect(stages).toEqual(['install']);
    expect(server.requestsFor('/pix2pix/day2night.pth')).toHaveLength(before);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('refuses a download of the wrong size before install, naming the entry', async () => {
    const url = server.serve('/cyclegan/zebra2horse.pth', makeBytes(50_000, 35));
    const entry = local('cyclegan-zebra2horse', url, 100_000);
    let called = false;
    const err = await rejection(
      downloadCatalogModel(entry, {
        cacheDir,
        download: FAST,
        install: () => {
          called = true;
          return Promise.resolve();
        },
      }),
    );
    expect(called).toBe(false);
    expect(err.code).toBe('IO_ERROR');
    expect(err.message).toMatch(/^cyclegan-zebra2horse: http:\/\/127\.0\.0\.1:\d+\/cyclegan\/zebra2horse\.pth: the server announces 50000 bytes, expected between 90000 and 110000; nothing was kept$/);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('reports a missing archive member and a 404 with the entry name', async () => {
    const url = server.serve('/stargan/wrong.zip', makeZip([{ name: 'other.ckpt', data: makeBytes(1000), method: 8 }]));
    const err = await rejection(downloadCatalogModel(local('stargan-celeba-256', url, 1000), { cacheDir, install: () => Promise.resolve() }));
    expect(err.code).toBe('BAD_CHECKPOINT');
    expect(err.message).toMatch(/^stargan-celeba-256: .*the archive has no member 200000-G\.ckpt \(it holds other\.ckpt\)$/);
    expect(await readdir(cacheDir)).toEqual([]);

    const missing = server.url('/cyclegan/nothing.pth');
    const notFound = await rejection(downloadCatalogModel(local('cyclegan-map2sat', missing, 1000), { cacheDir, install: () => Promise.resolve() }));
    expect(notFound.message).toBe(`cyclegan-map2sat: ${missing}: server answered 404 Not Found`);
  });

  it('keeps the partial download when cancelled, as CANCELLED', async () => {
    const url = server.serve('/cyclegan/monet2photo.pth', makeBytes(200_000, 36), { stallAfter: { bytes: 60_000, times: 1 } });
    const entry = local('cyclegan-monet2photo', url, 200_000);
    const controller = new AbortController();
    const err = await rejection(
      downloadCatalogModel(entry, {
        cacheDir,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.receivedBytes >= 60_000) controller.abort();
        },
        install: () => Promise.resolve(),
      }),
    );
    expect(err.code).toBe('CANCELLED');
    expect(err.message).toMatch(/^cyclegan-monet2photo: download of .* cancelled/);
    expect((await readdir(cacheDir)).sort()).toEqual(['cyclegan-monet2photo.pth.part', 'cyclegan-monet2photo.pth.part.json']);
  });
});
