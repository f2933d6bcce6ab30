import { access, cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { installTinyModel } from '../../../../e2e/fixtures/tiny-model.js';
import { INVOKE } from '../../../contract/ipc.js';
import type { ModelSummary } from '../../../contract/ipc.js';
import { ModelLibrary } from '../../library/model-library.js';
import { trainSettings } from '../../training/train-settings.js';
import { writeRunRecord } from '../../training/run-files.js';
import { TrainingHost } from '../training-host.js';
import { scratchFolder } from '../../../../e2e/fixtures/scratch-folder.js';

/**
 * Deletes only ever remove what the studio made, recorded when it made it: whatever id or run
 * settings a page sends, a folder anywhere else on disk stays (issue 14's data-loss findings).
 */
const { root: work, home } = scratchFolder('gs-deletes-', { each: true });
let victim: string;

beforeEach(async () => {
  victim = join(work, 'victim');
  await mkdir(join(victim, 'photos'), { recursive: true });
  await writeFile(join(victim, 'photos', 'keep.jpg'), 'precious');
});

async function stillThere(path: string): Promise<void> {
  await expect(access(path)).resolves.toBeUndefined();
}

describe('models:delete', () => {
  it('takes ids only: an id of ../ segments is refused by the channel and by the library, and the folder it names stays', async () => {
    // A model-shaped folder outside the library: what an id made of ../ used to reach.
    const installed = await installTinyModel(home, 'bait');
    await cp(installed.dir, join(victim, 'model'), { recursive: true });
    const library = new ModelLibrary({ home, bundledDir: join(home, 'none') });
    const hostile = [join(home, 'models', '..', '..', 'victim', 'model'), '../../victim/model', '..', 'bait/../../victim/model'];
    for (const id of hostile) {
      expect(INVOKE['models:delete'].args.safeParse({ id }).success).toBe(false);
      await expect(library.remove(id)).rejects.toThrow(/not a model id/);
    }
    await stillThere(join(victim, 'model', 'model.onnx'));
    await stillThere(join(victim, 'photos', 'keep.jpg'));
  });

  it('deletes a model the studio installed, and refuses a folder it did not make (no record)', async () => {
    await installTinyModel(home, 'mine');
    const library = new ModelLibrary({ home, bundledDir: join(home, 'none') });
    // Placed by hand: copied without the studio's record.
    await cp(join(home, 'models', 'mine'), join(work, 'copy'), { recursive: true });
    await rm(join(work, 'copy', '.gan-studio-made'));
    await writeFile(join(work, 'copy', 'manifest.json'), (await readFile(join(work, 'copy', 'manifest.json'), 'utf8')).replace('"mine"', '"by-hand"'));
    await cp(join(work, 'copy'), join(home, 'models', 'by-hand'), { recursive: true });
    await expect(library.remove('by-hand')).rejects.toThrow(/was not made by GAN Studio/);
    await stillThere(join(home, 'models', 'by-hand', 'model.onnx'));
    await library.remove('mine');
    expect((await library.list()).models.map((m) => m.manifest.id)).toEqual(['by-hand']);
    expect((await readdir(join(home, 'models'))).sort()).toEqual(['by-hand']);
  });
});

describe('training:delete', () => {
  const host = (): TrainingHost => new TrainingHost(new ModelLibrary({ home, bundledDir: join(home, 'none') }), () => undefined, async () => ({}) as ModelSummary);

  async function runWith(id: string, dataA: string, dataB?: string): Promise<string> {
    const dir = join(home, 'runs', id);
    await mkdir(dir, { recursive: true });
    const settings = trainSettings({ mode: 'cyclegan', dataA, ...(dataB === undefined ? {} : { dataB }), name: id, device: 'cpu' });
    await writeRunRecord(dir, { version: 1, settings, networks: [], conditionSize: 0, data: { counts: {}, skipped: [], attributeNames: [] }, createdAt: new Date().toISOString(), exports: [] });
    return dir;
  }

  it('never deletes what a run\'s folders point at through <home>/datasets/../..', async () => {
    // Written out, not joined: join() would normalise the ../ away. datasets/x exists, as it does once a folder was uploaded.
    await mkdir(join(home, 'datasets', 'x'), { recursive: true });
    const dir = await runWith('evil', `${home}/datasets/../../victim/photos`, `${home}/datasets/x/../../../victim/photos`);
    await host().delete(dir);
    await expect(access(dir)).rejects.toThrow();
    await stillThere(join(victim, 'photos', 'keep.jpg'));
  });

  it('deletes the studio\'s own copy of an uploaded folder with its run, and no folder the studio did not record as a copy', async () => {
    const h = host();
    const copy = await h.check([join(victim, 'photos')], join(home, 'datasets', 'upload-1'));
    // A folder under datasets/ that the studio did not make (no record): it stays.
    await mkdir(join(home, 'datasets', 'by-hand', 'photos'), { recursive: true });
    const dir = await runWith('mine', copy.folder, join(home, 'datasets', 'by-hand', 'photos'));
    await h.delete(dir);
    await expect(access(join(home, 'datasets', 'upload-1'))).rejects.toThrow();
    await stillThere(join(home, 'datasets', 'by-hand', 'photos'));
    await stillThere(join(victim, 'photos', 'keep.jpg'));
  });

  it('deletes only runs directly inside <home>/runs', async () => {
    const outside = await runWith('x', join(victim, 'photos'));
    await cp(outside, join(victim, 'run'), { recursive: true });
    for (const dir of [join(victim, 'run'), `${home}/runs/../../victim/run`, join(home, 'runs')]) {
      await expect(host().delete(dir)).rejects.toThrow(/not a run of this studio/);
    }
    await stillThere(join(victim, 'run', 'run.json'));
  });
});
