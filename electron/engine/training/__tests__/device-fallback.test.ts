import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { webgpuSkipReason } from '../../../../e2e/fixtures/webgpu.js';
import { trainFallbackNotice, type TrainEvent, type TrainFallback, type TrainSettings } from '../../../contract/training.js';
import { ModelLibrary } from '../../library/model-library.js';
import { estimateDuration } from '../estimate.js';
import { FAIL_DEVICE_ENV } from '../../runtime/index.js';
import { readLossLog, readRunRecord } from '../run-files.js';
import { summarizeRun } from '../runs-service.js';
import { TrainingRun } from '../training-run.js';
import { tinyCycleganSettings, writeRecipeFolders } from './synthetic-folders.js';

/**
 * A run on WebGPU (SwiftShader here) whose device fails mid-run goes on on the CPU and
 * finishes: real onnxruntime sessions on both sides, the failure injected at a step by the
 * engine's one fault point (GAN_STUDIO_FAIL_DEVICE, runtime/injected-fault.ts): a step or a
 * checkpoint's read-back that fails while the device can still be read (a kernel error, out of
 * memory), or a device that is gone (nothing can be read back). The three ways back must land on the same
 * state: the one read back from the device, the last checkpoint, the run's start. Tiny shapes:
 * SwiftShader compiles every kernel of a step graph on the processor.
 */
const SIZE = 32;
const skip = webgpuSkipReason();
if (skip !== null) console.warn(`training fallback from WebGPU skipped: ${skip}`);
let work: string;
let library: ModelLibrary;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gs-fallback-'));
  library = new ModelLibrary({ home: join(work, 'home') });
  await writeRecipeFolders(work, SIZE);
});
afterEach(() => {
  delete process.env[FAIL_DEVICE_ENV];
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The tiny CycleGAN (synthetic-folders) on webgpu, 4 unflipped iterations, a pool of 1 (filled after the first step, then used). */
function settings(overrides: Partial<TrainSettings> = {}): TrainSettings {
  return tinyCycleganSettings(work, { iterations: 4, name: 't', loadSize: SIZE, flip: false, seed: 3, poolSize: 1, sampleEvery: 2, checkpointEvery: 2, device: 'webgpu', ...overrides });
}

interface Trained {
  run: TrainingRun;
  events: TrainEvent[];
}

/** Creates and trains a run to its end in `<work>/<name>`, the device made to fail as `fault` says. */
async function train(name: string, s: TrainSettings, fault?: string): Promise<Trained> {
  if (fault !== undefined) process.env[FAIL_DEVICE_ENV] = fault;
  const run = await TrainingRun.create(s, { library, runDir: join(work, name) });
  const events: TrainEvent[] = [];
  // One thread: the CPU's sums in one order, so runs that reach the same state are equal to the bit.
  expect(await run.train({ threads: 1, onEvent: (e) => events.push(e) })).toEqual({ status: 'completed', iteration: s.iterations });
  delete process.env[FAIL_DEVICE_ENV];
  return { run, events };
}

function allWeights(run: TrainingRun): Map<string, Float32Array> {
  const nets = [...run.generators.map((g) => g.id), ...run.mode.discriminators];
  return new Map(nets.flatMap((id) => [...run.weights(id)].map(([key, value]) => [`${id}/${key}`, value] as const)));
}

function expectSameWeights(a: TrainingRun, b: TrainingRun): void {
  const [wa, wb] = [allWeights(a), allWeights(b)];
  expect([...wb.keys()]).toEqual([...wa.keys()]);
  for (const [key, value] of wa) expect(Array.from(wb.get(key) ?? []), key).toEqual(Array.from(value));
}

/** Losses by iteration, without the clock. */
async function losses(run: TrainingRun): Promise<Record<string, number>[]> {
  return (await readLossLog(run.dir)).map(({ t: _t, ...rest }) => rest);
}

const progressed = (events: TrainEvent[]): number[] => events.flatMap((e) => (e.type === 'train-progress' ? [e.iteration] : []));

function theFallback(events: TrainEvent[]): Extract<TrainEvent, { type: 'train-fallback' }> {
  const moves = events.filter((e): e is Extract<TrainEvent, { type: 'train-fallback' }> => e.type === 'train-fallback');
  expect(moves).toHaveLength(1);
  return moves[0] as Extract<TrainEvent, { type: 'train-fallback' }>;
}

/** What a finished run that moved to the CPU must show: where it ran, what it recorded, what it wrote. */
async function expectFinishedOnCpu(t: Trained, move: Omit<TrainFallback, 'reason' | 'at' | 'provider' | 'to'>): Promise<void> {
  const { run, events } = t;
  const started = events[0];
  expect(started?.type === 'train-started' && started.provider, JSON.stringify(started)).toBe('webgpu');
  const event = theFallback(events);
  expect(event.fallback).toMatchObject({ provider: 'webgpu', to: 'cpu', ...move });
  expect(event.fallback.reason).toMatch(/device lost/);
  expect(event.provider).toBe('cpu');
  expect(event.fallbacks).toContainEqual({ provider: 'webgpu', reason: `failed at iteration ${move.failedAt}: ${event.fallback.reason}` });
  expect(trainFallbackNotice(event.fallback)).toContain(`webgpu failed at iteration ${move.failedAt} (device lost`);
  expect(trainFallbackNotice(event.fallback)).toContain(`training goes on on the CPU from iteration ${move.iteration}`);
  // Every iteration counted once: the log has each, the last progress is the last iteration.
  expect((await readLossLog(run.dir)).map((l) => l.i)).toEqual([1, 2, 3, 4]);
  expect(progressed(events).at(-1)).toBe(4);
  expect(run.completedIterations).toBe(4);
  // Recorded where the run is described: run.json, the checkpoint, the runs list.
  expect((await readRunRecord(run.dir)).fallbacks).toEqual([event.fallback]);
  const checkpoint = JSON.parse(await readFile(join(run.dir, 'checkpoint.json'), 'utf8')) as { iteration: number; provider: string; stateFile: string };
  expect(checkpoint).toMatchObject({ iteration: 4, provider: 'cpu' });
  expect(existsSync(join(run.dir, checkpoint.stateFile))).toBe(true);
  const summary = await summarizeRun(run.dir);
  expect(summary).toMatchObject({ status: 'completed', iteration: 4, fallbacks: [event.fallback] });
  // The run's outputs: sample grids and finite weights.
  expect(existsSync(join(run.dir, 'samples', 'iter-0000004.png'))).toBe(true);
  for (const [key, value] of allWeights(run)) expect(value.every(Number.isFinite), key).toBe(true);
}

describe.skipIf(skip !== null)(`a training run whose WebGPU device fails mid-run${skip === null ? '' : ` (skipped: ${skip})`}`, () => {
  let readBack: Trained;

  it('a step that fails at iteration 3 is done again on the CPU from the state read back from the device, and the run finishes there', async () => {
    readBack = await train('read-back', settings(), 'step:3');
    await expectFinishedOnCpu(readBack, { failedAt: 3, iteration: 2, from: 'device' });
    expect(progressed(readBack.events)).toEqual([1, 2, 3, 4]);
    expect(existsSync(join(readBack.run.dir, 'samples', 'iter-0000002.png'))).toBe(true);
  }, 300_000);

  it('a device lost at iteration 4 (nothing can be read back) goes back to the checkpoint at 2: iterations 3 and 4 again on the CPU, the same run to the bit', async () => {
    // Iteration 3 ran on the device and changed the weights and the pool; all of it is dropped.
    const lost = await train('lost', settings(), 'step:4,lost');
    await expectFinishedOnCpu(lost, { failedAt: 4, iteration: 2, from: 'checkpoint' });
    expect(progressed(lost.events)).toEqual([1, 2, 3, 3, 4]);
    // Read back at 2 or checkpointed at 2: the same state, so the same steps after it.
    expect(await losses(lost.run)).toEqual(await losses(readBack.run));
    expectSameWeights(lost.run, readBack.run);
  }, 300_000);

  it('a checkpoint whose read-back fails at iteration 2 is written from the CPU once the state is read back: the same run as the first to the bit', async () => {
    const checkpoint = await train('read-fails', settings(), 'read:1');
    await expectFinishedOnCpu(checkpoint, { failedAt: 2, iteration: 2, from: 'device' });
    expect(progressed(checkpoint.events)).toEqual([1, 2, 3, 4]);
    expect(checkpoint.events.filter((e) => e.type === 'train-checkpoint').map((e) => e.iteration)).toEqual([2, 4]);
    expect(await losses(checkpoint.run)).toEqual(await losses(readBack.run));
    expectSameWeights(checkpoint.run, readBack.run);
  }, 300_000);

  it('a device lost at the first checkpoint goes back to the start: every iteration on the CPU, as a CPU run does', async () => {
    const fromStart = await train('read-lost', settings(), 'read:1,lost');
    await expectFinishedOnCpu(fromStart, { failedAt: 2, iteration: 0, from: 'start' });
    expect(progressed(fromStart.events)).toEqual([1, 2, 1, 2, 3, 4]);
    const cpu = await train('cycle-cpu', settings({ device: 'cpu' }));
    expect(await losses(fromStart.run)).toEqual(await losses(cpu.run));
    expectSameWeights(fromStart.run, cpu.run);
  }, 300_000);

  it('the duration estimate of a run whose device fails while it is timed is the CPU\'s', async () => {
    process.env[FAIL_DEVICE_ENV] = 'step:2';
    const estimate = await estimateDuration(settings({ name: 'estimate' }), library, 3);
    expect(estimate.provider).toBe('cpu');
    expect(estimate.secondsPerIteration).toBeGreaterThan(0);
    expect(estimate.totalSeconds).toBeCloseTo(estimate.secondsPerIteration * 4);
  }, 300_000);

  it('pix2pix: a device lost before the first checkpoint goes back to the start and trains every iteration on the CPU, as a CPU run does', async () => {
    const s = settings({ mode: 'pix2pix', dataB: join(work, 'inv'), norm: 'batch', iterations: 4, checkpointEvery: 1000, sampleEvery: 1000 });
    const fromStart = await train('p2p-start', s, 'step:2,lost');
    await expectFinishedOnCpu(fromStart, { failedAt: 2, iteration: 0, from: 'start' });
    expect(progressed(fromStart.events)).toEqual([1, 1, 2, 3, 4]);
    const cpu = await train('p2p-cpu', { ...s, device: 'cpu' });
    expect(await losses(fromStart.run)).toEqual(await losses(cpu.run));
    expectSameWeights(fromStart.run, cpu.run);
  }, 300_000);
});

describe('the fault point', () => {
  it('never touches the CPU provider: a CPU run with a fault set trains without a move', async () => {
    const t = await train('cpu-fault', settings({ device: 'cpu', iterations: 2 }), 'step:1,lost');
    expect(t.events.some((e) => e.type === 'train-fallback')).toBe(false);
    expect((await readRunRecord(t.run.dir)).fallbacks).toBeUndefined();
  });
});
