import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { MODEL_ID_PATTERN, RUN_ID_PATTERN, SAMPLE_FILE_PATTERN } from '../contract/ids.js';
import type { InvokeHandlers } from '../contract/ipc.js';
import type { Result } from '../contract/result.js';
import { TRAIN_FIELDS, type TrainSettings } from '../contract/training.js';
import { StudioError, toResult } from '../engine/errors.js';
import { confinedPath } from '../engine/files/confined-path.js';
import type { EngineSupervisor } from './engine-supervisor.js';

type TrainingChannel = Extract<keyof InvokeHandlers, `training:${string}`>;

interface TrainingRouteHost {
  mode: 'desktop' | 'browser';
  home: string;
  resolveInputs(inputs: string[]): Promise<string[]>;
}

/**
 * The fine-tuning channels: the page names runs by their folder name, the studio turns that
 * into a folder under `<home>/runs`, and the engine process does the work (training included).
 */
export function trainingHandlers(engine: EngineSupervisor, host: TrainingRouteHost): Pick<InvokeHandlers, TrainingChannel> {
  const dir = (id: string): string => join(host.home, 'runs', id);
  const datasets = join(host.home, 'datasets');
  /**
   * A page's settings, checked against what it may name: start-from models by library id (never
   * a host path), and in browser mode folders only among the studio's copies of uploads (the
   * desktop window's folders come from the system dialog, which the user drives).
   */
  const pageSettings = async (s: TrainSettings): Promise<TrainSettings> => {
    for (const key of ['from', 'fromB'] as const) {
      const id = s[key];
      if (id !== undefined && !MODEL_ID_PATTERN.test(id)) throw new StudioError('BAD_ARGUMENT', `${TRAIN_FIELDS[key].label} must be a model of the library, named by its id`);
    }
    if (host.mode !== 'browser') return s;
    const uploaded = 'a folder uploaded to the studio (drop or choose it on the Fine-tune page)';
    const dataA = await confinedPath([datasets], s.dataA, TRAIN_FIELDS.dataA.label, uploaded);
    const dataB = s.dataB === undefined ? undefined : await confinedPath([datasets], s.dataB, TRAIN_FIELDS.dataB.label, uploaded);
    return { ...s, dataA, ...(dataB === undefined ? {} : { dataB }) };
  };
  const withSettings = async <T>(s: TrainSettings, work: (checked: TrainSettings) => Promise<Result<T>>): Promise<Result<T>> => {
    const checked = await toResult(() => pageSettings(s));
    return checked.ok ? work(checked.data) : checked;
  };
  return {
    'training:check': async ({ inputs }) => {
      const paths = await toResult(() => host.resolveInputs(inputs));
      if (!paths.ok) return paths;
      // Uploads are deleted when the server stops; a run (and its resume) needs a lasting copy.
      const copyTo = host.mode === 'browser' ? join(host.home, 'datasets', randomUUID()) : undefined;
      return engine.request('training:check', { inputs: paths.data, ...(copyTo === undefined ? {} : { copyTo }) });
    },
    'training:estimate': ({ settings: s }) => withSettings(s, (checked) => engine.request('training:estimate', { settings: checked })),
    'training:start': ({ settings: s }) => withSettings(s, (checked) => engine.request('training:start', { settings: checked, home: host.home })),
    'training:pause': ({ runId: id }) => engine.request('training:pause', { dir: dir(id) }),
    'training:resume': ({ runId: id }) => engine.request('training:resume', { dir: dir(id) }),
    'training:stop': ({ runId: id }) => engine.request('training:stop', { dir: dir(id) }),
    'training:export': ({ runId: id, name }) => engine.request('training:export', { dir: dir(id), ...(name === undefined ? {} : { name }) }),
    'training:runs': () => engine.request('training:runs', { home: host.home }),
    'training:history': ({ runId: id }) => engine.request('training:history', { dir: dir(id) }),
    'training:delete': async ({ runId: id }): Promise<Result<{ runId: string }>> => {
      const deleted = await engine.request('training:delete', { dir: dir(id) });
      return deleted.ok ? { ok: true, data: { runId: id } } : deleted;
    },
  };
}

/** The host path of a run's sample grid, for the image routes (desktop protocol, browser server). */
export function sampleFile(home: string, id: string, file: string): string | undefined {
  if (!RUN_ID_PATTERN.test(id) || !SAMPLE_FILE_PATTERN.test(file)) return undefined;
  return join(home, 'runs', id, 'samples', file);
}
