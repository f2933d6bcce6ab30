import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchFolder } from '../../../../e2e/fixtures/scratch-folder.js';
import { installTinyModel } from '../../../../e2e/fixtures/tiny-model.js';
import { ModelLibrary } from '../model-library.js';
import { studioHome } from '../paths.js';

const { root: home } = scratchFolder('gs-lib-', { each: true });

describe('ModelLibrary', () => {
  it('lists installed and bundled models and reports broken folders without failing', async () => {
    await installTinyModel(home, 'good');
    const bundled = join(home, 'bundled');
    await mkdir(join(bundled, 'bad-json'), { recursive: true });
    await writeFile(join(bundled, 'bad-json', 'manifest.json'), '{ not json');
    await mkdir(join(bundled, 'no-manifest'), { recursive: true });
    await mkdir(join(bundled, 'bad-kind'), { recursive: true });
    const manifest = JSON.parse(await readFile(join(home, 'models', 'good', 'manifest.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(bundled, 'bad-kind', 'manifest.json'), JSON.stringify({ ...manifest, id: 'bad-kind', kind: 'diffusion' }));

    const library = new ModelLibrary({ home, bundledDir: bundled });
    const { models, problems } = await library.list();
    expect(models.map((m) => [m.manifest.id, m.origin])).toEqual([['good', 'installed']]);
    const reasons = Object.fromEntries(problems.map((p) => [p.path.split('/').pop(), p.reason]));
    expect(reasons['bad-json']).toMatch(/not valid JSON/);
    expect(reasons['no-manifest']).toMatch(/manifest\.json is missing/);
    expect(reasons['bad-kind']).toMatch(/kind/);
  });

  it('resolves by id and by folder path, and refuses unknown ids with the known ones', async () => {
    const entry = await installTinyModel(home, 'alpha');
    const library = new ModelLibrary({ home, bundledDir: join(home, 'none') });
    expect((await library.resolve('alpha')).onnxPath).toBe(entry.onnxPath);
    expect((await library.resolve(entry.dir)).manifest.id).toBe('alpha');
    await expect(library.resolve('beta')).rejects.toThrow(/no model "beta".*alpha/);
  });

  it('detects a model file that no longer matches its sha256', async () => {
    const entry = await installTinyModel(home, 'tampered');
    const library = new ModelLibrary({ home, bundledDir: join(home, 'none') });
    await library.verify(entry);
    const bytes = await readFile(entry.onnxPath);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await writeFile(entry.onnxPath, bytes);
    await expect(library.verify(entry)).rejects.toThrow(/does not match its manifest's sha256/);
  });

  it('refuses to install over an existing id and deletes installed models', async () => {
    await installTinyModel(home, 'dup');
    await expect(installTinyModel(home, 'dup')).rejects.toThrow(/already installed/);
    const library = new ModelLibrary({ home, bundledDir: join(home, 'none') });
    await library.remove('dup');
    expect((await library.list()).models).toEqual([]);
  });

  it('rejects an invalid manifest with every problem named', async () => {
    await expect(installTinyModel(home, 'Bad Id!', undefined, { preferredSize: 2 })).rejects.toThrow(/id:.*preferredSize/s);
  });

  it('uses GAN_STUDIO_HOME, else the platform app-data folder', () => {
    expect(studioHome({ GAN_STUDIO_HOME: '/x/y' }, 'linux')).toBe('/x/y');
    expect(studioHome({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/gan-studio');
    expect(studioHome({ APPDATA: 'C:/Users/a/AppData/Roaming' }, 'win32')).toMatch(/Roaming.gan-studio$/);
    expect(studioHome({}, 'darwin')).toMatch(/Library.Application Support.gan-studio$/);
  });
});
