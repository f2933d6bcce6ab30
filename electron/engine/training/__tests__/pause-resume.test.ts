import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainSettings } from '../../../contract/training.js';
import { ModelLibrary } from '../../library/model-library.js';
import { readLossLog } from '../run-files.js';
import { TrainingRun } from '../training-run.js';
import { blobImage, tinyCycleganSettings, tint, writeFolder } from './synthetic-folders.js';

/**
 * A paused and resumed run must be the run that was never paused: same weights, same losses.
 * That holds only if the checkpoint carries everything (weights, Adam moments, the image pools,
 * both random streams at the right position despite prefetching).
 */
let work: string;
let library: ModelLibrary;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gs-resume-'));
  library = new ModelLibrary({ home: join(work, 'home') });
  await writeFolder(join(work, 'A'), 5, 40, (s) => tint(blobImage(s, 40), true));
  await writeFolder(join(work, 'B'), 5, 40, (s) => tint(blobImage(s, 40), false), 30);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function settings(): TrainSettings {
  return tinyCycleganSettings(work, {
    iterations: 24,
    loadSize: 36,
    seed: 5,
    // Small enough to fill before the pause, so pooled fakes are judged and checkpointed.
    poolSize: 4,
    sampleEvery: 1000,
    checkpointEvery: 1000,
    name: 't',
  });
}

describe('pause and resume', () => {
  it('a run paused at iteration 9 and resumed ends with the same weights and losses as an uninterrupted one', async () => {
    const straight = await TrainingRun.create(settings(), { library, runDir: join(work, 'straight') });
    await straight.train({ threads: 1 });

    const paused = await TrainingRun.create(settings(), { library, runDir: join(work, 'paused') });
    const controller = new AbortController();
    const outcome = await paused.train({
      threads: 1,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'train-progress' && e.iteration === 9) controller.abort();
      },
    });
    expect(outcome).toEqual({ status: 'paused', iteration: 9 });

    const resumed = await TrainingRun.resume(join(work, 'paused'));
    expect(resumed.completedIterations).toBe(9);
    expect(await resumed.train({ threads: 1 })).toEqual({ status: 'completed', iteration: 24 });

    for (const net of ['G_A', 'G_B', 'D_A', 'D_B']) {
      const a = straight.weights(net);
      const b = resumed.weights(net);
      for (const [key, value] of a) expect(Array.from(b.get(key) ?? []), `${net}/${key}`).toEqual(Array.from(value));
    }
    const lossesA = (await readLossLog(straight.dir)).map(({ t: _t, ...rest }) => rest);
    const lossesB = (await readLossLog(resumed.dir)).map(({ t: _t, ...rest }) => rest);
    expect(lossesB).toEqual(lossesA);
  }, 120_000);
});
