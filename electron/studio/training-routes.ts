import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { RUN_ID_PATTERN } from '../contract/finetune.js';
import type { InvokeHandlers } from '../contract/ipc.js';
import type { Result } from '../contract/result.js';
import { TRAIN_ARCHS, TRAIN_MODES } from '../contract/training.js';
import { toResult } from '../engine/errors.js';
import type { EngineSupervisor } from './engine-supervisor.js';

type TrainingChannel = Extract<keyof InvokeHandlers, `training:${string}`>;

const runId = z.string().regex(RUN_ID_PATTERN, 'not a run name');
const size = z.number().int().min(16).max(1024);
const settings = z
  .object({
    mode: z.enum(TRAIN_MODES),
    dataA: z.string().min(1),
    dataB: z.string().min(1).optional(),
    edges: z.boolean(),
    from: z.string().min(1).optional(),
    fromB: z.string().min(1).optional(),
    arch: z.enum(TRAIN_ARCHS),
    ngf: z.number().int().min(1).max(256),
    ndf: z.number().int().min(1).max(256),
    dLayers: z.number().int().min(1).max(5),
    norm: z.enum(['instance', 'batch']),
    iterations: z.number().int().min(1).max(10_000_000),
    size,
    loadSize: size,
    batch: z.number().int().min(1).max(64),
    flip: z.boolean(),
    lr: z.number().positive().max(1),
    lambdaCycle: z.number().min(0),
    lambdaIdentity: z.number().min(0),
    lambdaL1: z.number().min(0),
    seed: z.number().int(),
    poolSize: z.number().int().min(0).optional(),
    sampleEvery: z.number().int().min(1),
    checkpointEvery: z.number().int().min(1),
    name: z.string().min(1).max(80),
    device: z.string().min(1),
  })
  .strict();

export const trainingArgSchemas: { [C in TrainingChannel]: z.ZodType } = {
  'training:check': z.object({ inputs: z.array(z.string().min(1)).min(1).max(100_000) }).strict(),
  'training:estimate': z.object({ settings }).strict(),
  'training:start': z.object({ settings }).strict(),
  'training:pause': z.object({ runId }).strict(),
  'training:resume': z.object({ runId }).strict(),
  'training:stop': z.object({ runId }).strict(),
  'training:export': z.object({ runId, name: z.string().min(1).max(80).optional() }).strict(),
  'training:runs': z.object({}).strict(),
  'training:history': z.object({ runId }).strict(),
  'training:delete': z.object({ runId }).strict(),
};

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
  return {
    'training:check': async ({ inputs }) => {
      const paths = await toResult(() => host.resolveInputs(inputs));
      if (!paths.ok) return paths;
      // Uploads are deleted when the server stops; a run (and its resume) needs a lasting copy.
      const copyTo = host.mode === 'browser' ? join(host.home, 'datasets', randomUUID()) : undefined;
      return engine.request('training:check', { inputs: paths.data, ...(copyTo === undefined ? {} : { copyTo }) });
    },
    'training:estimate': ({ settings: s }) => engine.request('training:estimate', { settings: s }),
    'training:start': ({ settings: s }) => engine.request('training:start', { settings: s, home: host.home }),
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
  if (!RUN_ID_PATTERN.test(id) || !/^iter-\d{7}\.png$/.test(file)) return undefined;
  return join(home, 'runs', id, 'samples', file);
}
