import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainSettings } from '../../../contract/training.js';
import { ModelLibrary } from '../../library/model-library.js';
import { estimateDuration } from '../estimate.js';
import { checkTrainingFolder, deleteRun, listRuns } from '../runs-service.js';
import { TrainingRun } from '../training-run.js';
import { blobImage, tinyCycleganSettings, writeFolder } from './synthetic-folders.js';
import { scratchFolder } from '../../../../e2e/fixtures/scratch-folder.js';

/** The runs list and folder check the fine-tune page shows, on real runs and folders. */
const { root: work, home } = scratchFolder('gs-runs-');
let library: ModelLibrary;

beforeAll(async () => {
  library = new ModelLibrary({ home });
  await writeFolder(join(work, 'A'), 3, 32, (s) => blobImage(s, 32));
  await writeFolder(join(work, 'B'), 3, 32, (s) => blobImage(s, 32), 40);
  await writeFile(join(work, 'B', 'notes.png'), 'not an image');
});

const settings = (name: string, iterations: number): TrainSettings =>
  tinyCycleganSettings(work, { iterations, loadSize: 32, flip: false, sampleEvery: 2, checkpointEvery: 2, name });

describe('runs service', () => {
  it('lists completed, paused and interrupted runs with their progress, newest first', async () => {
    const done = await TrainingRun.create(settings('done', 2), { library, runDir: join(home, 'runs', 'done') });
    await done.train();
    const paused = await TrainingRun.create(settings('paused', 6), { library, runDir: join(home, 'runs', 'paused') });
    const stop = new AbortController();
    await paused.train({ signal: stop.signal, onEvent: (e) => e.type === 'train-progress' && e.iteration === 2 && stop.abort() });
    const killed = await TrainingRun.create(settings('killed', 6), { library, runDir: join(home, 'runs', 'killed') });
    const stop2 = new AbortController();
    await killed.train({ signal: stop2.signal, onEvent: (e) => e.type === 'train-progress' && e.iteration === 2 && stop2.abort() });
    // What a kill -9 leaves: the lock file of a process that no longer exists.
    await writeFile(join(home, 'runs', 'killed', 'training.lock'), '999999\n');
    await writeFile(join(home, 'runs', 'stray.txt'), 'not a run');

    const runs = await listRuns(home);
    expect(runs.map((r) => [r.name, r.status, r.iteration, r.iterations])).toEqual([
      ['killed', 'interrupted', 2, 6],
      ['paused', 'paused', 2, 6],
      ['done', 'completed', 2, 2],
    ]);
    expect(runs[2]?.latestSample).toMatch(/iter-0000002\.png$/);
    expect(runs[2]?.counts).toEqual({ A: 3, B: 3 });

    await deleteRun(join(home, 'runs', 'done'));
    await expect(access(join(home, 'runs', 'done'))).rejects.toThrow();
    await expect(deleteRun(join(work, 'A'))).rejects.toThrow(/run\.json/);
  }, 120_000);

  it('checks a folder before training: count, previews, skipped files and warnings', async () => {
    const check = await checkTrainingFolder(join(work, 'B'), 2);
    expect(check.count).toBe(3);
    expect(check.previews).toHaveLength(2);
    expect(check.skipped.map((s) => s.path)).toEqual([join(work, 'B', 'notes.png')]);
    expect(check.warnings.join(' ')).toContain('only 3 images: expect overfitting');
    expect(check.warnings.join(' ')).toContain('1 file will be skipped');
  });

  it('estimates a run\'s duration by timing real iterations', async () => {
    const estimate = await estimateDuration(settings('estimate', 1000), library, 2);
    expect(estimate.provider).toBe('cpu');
    expect(estimate.secondsPerIteration).toBeGreaterThan(0);
    expect(estimate.totalSeconds).toBeCloseTo(estimate.secondsPerIteration * 1000, 5);
  }, 60_000);
});
