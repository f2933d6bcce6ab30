import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findCatalogEntry, type CatalogEntry, type DownloadProgress } from '../catalog/index.js';
import { TestServer } from '../catalog/__tests__/http-fixture.js';
import { makeZip } from '../catalog/__tests__/zip-fixture.js';
import { installCatalogModel } from '../catalog-install.js';
import { ModelLibrary } from '../model-library.js';

const CHECKPOINT = fileURLToPath(new URL('./fixtures/resnet6_instance.pth', import.meta.url));
const STARGAN = fileURLToPath(new URL('./fixtures/stargan.pth', import.meta.url));
const server = new TestServer();
let home: string;
let library: ModelLibrary;
let weights: Buffer;
const FAST = { download: { retryDelayMs: 5, maxRetries: 2 } };

beforeAll(async () => {
  await server.start();
  weights = await readFile(CHECKPOINT);
});
afterAll(async () => {
  await server.stop();
});
beforeEach(async () => {
  if (home !== undefined) await rm(home, { recursive: true, force: true });
  home = await mkdtemp(join(tmpdir(), 'gs-catalog-'));
  library = new ModelLibrary({ home, bundledDir: join(home, 'none') });
});

/** The real horse2zebra entry, served from loopback: a tiny real checkpoint stands in for the weights. */
function localEntry(url: string): CatalogEntry {
  return { ...findCatalogEntry('horse2zebra'), url, expectedBytes: weights.length };
}

const installedIds = async (): Promise<string[]> => (await library.list()).models.map((m) => m.manifest.id);

describe('installing a catalog model from a server', () => {
  it('resumes after the server drops the connection, reports progress and installs a working model', async () => {
    const url = server.serve('/h2z-drop.pth', weights, { dropAfter: { bytes: Math.floor(weights.length / 3), times: 1 } });
    const progress: DownloadProgress[] = [];
    const entry = await installCatalogModel(library, localEntry(url), { ...FAST, onProgress: (p) => progress.push(p) });
    expect(entry.manifest).toMatchObject({ id: 'cyclegan-horse2zebra', kind: 'cyclegan', reverse: 'cyclegan-zebra2horse' });
    expect(entry.manifest.licence).toMatch(/BSD/);
    expect(server.log.some((r) => r.path === '/h2z-drop.pth' && r.range !== undefined)).toBe(true);
    expect(progress.at(-1)?.receivedBytes).toBe(weights.length);
    expect(await readdir(join(home, 'downloads'))).toEqual([]);
    await library.verify(entry);
  });

  it('never turns a truncated download into a model', async () => {
    const url = server.serve('/h2z-cut.pth', weights, { truncateAt: Math.floor(weights.length / 2) });
    await expect(installCatalogModel(library, localEntry(url), FAST)).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(await installedIds()).toEqual([]);
  });

  it('cancels, keeps the partial file, and finishes from it next time', async () => {
    const url = server.serve('/h2z-stall.pth', weights, { stallAfter: { bytes: 20_000, times: 1 } });
    const controller = new AbortController();
    const run = installCatalogModel(library, localEntry(url), {
      ...FAST,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.receivedBytes >= 20_000) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await installedIds()).toEqual([]);
    expect((await readdir(join(home, 'downloads'))).some((f) => f.endsWith('.part'))).toBe(true);
    const entry = await installCatalogModel(library, localEntry(url), FAST);
    expect(existsSync(entry.onnxPath)).toBe(true);
    expect(server.log.filter((r) => r.path === '/h2z-stall.pth').at(-1)?.range).toMatch(/^bytes=\d+-$/);
  });

  it('installs a StarGAN CelebA model that crops faces to the centred square at its training size', async () => {
    const generator = await readFile(STARGAN);
    const url = server.serve('/celeba-128.zip', makeZip([{ name: '200000-G.ckpt', data: generator, method: 8 }]));
    const entry = await installCatalogModel(library, { ...findCatalogEntry('stargan-celeba-128'), url, expectedBytes: generator.length }, FAST);
    expect(entry.manifest).toMatchObject({ id: 'stargan-celeba-128', kind: 'conditional', preferredSize: 128, preprocess: { crop: 'centre-square', size: 128 } });
    expect(entry.manifest.attributes.map((a) => a.name)).toEqual(['Black_Hair', 'Blond_Hair', 'Brown_Hair', 'Male', 'Young']);
  });
});
