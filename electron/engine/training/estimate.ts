import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainSettingNames, TrainSettings } from '../../contract/training.js';
import type { ModelLibrary } from '../library/model-library.js';
import { TrainingRun } from './training-run.js';

export interface DurationEstimate {
  secondsPerIteration: number;
  /** For the settings' whole run. */
  totalSeconds: number;
  provider: string;
}

/**
 * Times a few real iterations of the run the settings describe (same data, networks and
 * device) in a throwaway folder, so the fine-tune page can say how long a run will take before
 * it starts. The first iteration allocates and is left out. `names`: how refusals name the settings.
 */
export async function estimateDuration(settings: TrainSettings, library: ModelLibrary, probeIterations = 3, names: TrainSettingNames = 'key'): Promise<DurationEstimate> {
  const dir = await mkdtemp(join(tmpdir(), 'gan-studio-estimate-'));
  try {
    const probe: TrainSettings = { ...settings, iterations: probeIterations + 1, sampleEvery: 1_000_000, checkpointEvery: 1_000_000 };
    const run = await TrainingRun.create(probe, { library, runDir: dir, names });
    const times: number[] = [];
    let provider = '';
    let last = 0;
    // The first iteration on a provider allocates: timed are the ones after it. A move to the
    // CPU mid-run (the device failed) starts the timing again there.
    let first = true;
    await run.train({
      onEvent: (e) => {
        const now = performance.now();
        if (e.type === 'train-started' || e.type === 'train-fallback') {
          provider = e.provider;
          times.length = 0;
          first = true;
        }
        if (e.type !== 'train-progress') return;
        if (!first) times.push((now - last) / 1000);
        first = false;
        last = now;
      },
    });
    const perIteration = times.length === 0 ? Number.NaN : times.reduce((a, b) => a + b, 0) / times.length;
    return { secondsPerIteration: perIteration, totalSeconds: perIteration * settings.iterations, provider };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
