import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchFolder } from '../../../e2e/fixtures/scratch-folder.js';
import { StudioError } from '../../engine/errors.js';
import { SettingsStore, defaultSettings } from '../settings-store.js';

const { root: home } = scratchFolder('gs-settings-');

describe('SettingsStore', () => {
  it('starts from the defaults and persists changes across instances', async () => {
    const store = new SettingsStore(home);
    expect(await store.get()).toEqual(defaultSettings());
    await store.set({ theme: 'dark', device: 'cpu', outputDir: '/tmp/somewhere' });
    const again = await new SettingsStore(home).get();
    expect(again).toMatchObject({ theme: 'dark', device: 'cpu', outputDir: '/tmp/somewhere', quality: 92 });
  });

  it("offers the output folders used lately, newest first, and takes the default one from the system's Pictures folder", async () => {
    const dir = join(home, 'recent');
    const store = new SettingsStore(dir, '/home/ana/Bilder');
    expect((await store.get()).outputDir).toBe('/home/ana/Bilder/GAN Studio');
    await store.set({ outputDir: '/tmp/a' });
    await store.set({ outputDir: '/tmp/b' });
    await store.set({ outputDir: '/tmp/a' });
    expect((await new SettingsStore(dir).get()).recentFolders).toEqual(['/tmp/a', '/tmp/b', '/home/ana/Bilder/GAN Studio']);
  });

  it('keeps the valid fields of a damaged file and defaults the others', async () => {
    await writeFile(join(home, 'settings.json'), JSON.stringify({ theme: 'dark', quality: 900, device: 'quantum' }));
    expect(await new SettingsStore(home).get()).toMatchObject({ theme: 'dark', quality: 92, device: 'auto' });
    await writeFile(join(home, 'settings.json'), 'not json');
    expect(await new SettingsStore(home).get()).toEqual(defaultSettings());
  });

  it('refuses a bad value with an error naming the field, and saves nothing', async () => {
    const store = new SettingsStore(home);
    await store.set({ theme: 'light' });
    const before = await readFile(store.path, 'utf8');
    const error = await store.set({ quality: 0 } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).code).toBe('BAD_ARGUMENT');
    expect((error as StudioError).message).toMatch(/quality/);
    expect(await readFile(store.path, 'utf8')).toBe(before);
    await expect(store.set({ outputDir: 'relative/out' })).rejects.toThrow(/outputDir: the output folder must be a full path/);
  });

  it('keeps attribute presets per model, refuses bad ones, and salvages the good ones of a damaged file', async () => {
    const store = new SettingsStore(home);
    const dusk = { name: 'Dusk', values: { time_of_day: 0.5, fog: 0.2 } };
    await store.set({ attributePresets: { 'scene-attributes': [dusk] } });
    expect((await new SettingsStore(home).get()).attributePresets).toEqual({ 'scene-attributes': [dusk] });
    await expect(store.set({ attributePresets: { 'scene-attributes': [dusk, { ...dusk, name: 'dusk' }] } })).rejects.toThrow(/two presets are named "dusk"/);
    await expect(store.set({ attributePresets: { 'scene-attributes': [{ name: ' ', values: {} }] } })).rejects.toThrow(/a preset needs a name/);
    await expect(store.set({ attributePresets: { x: [{ name: 'Bad', values: { fog: Number.NaN } }] } })).rejects.toThrow(/attributePresets/);

    await writeFile(
      join(home, 'settings.json'),
      JSON.stringify({ attributePresets: { 'scene-attributes': [dusk, { name: 42 }, { ...dusk, name: 'DUSK' }], broken: 'nope', faces: [{ name: 'Blond', values: { Blond_Hair: 1 } }] } }),
    );
    expect((await new SettingsStore(home).get()).attributePresets).toEqual({ 'scene-attributes': [dusk], faces: [{ name: 'Blond', values: { Blond_Hair: 1 } }] });
  });
});
