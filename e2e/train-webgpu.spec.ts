import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainSettings } from '../electron/contract/training.js';
import { ModelLibrary } from '../electron/engine/library/index.js';
import { describeProvider, FAIL_DEVICE_ENV, softwareVulkanOnly, vulkanDrivers } from '../electron/engine/runtime/index.js';
import { readLossLog } from '../electron/engine/training/run-files.js';
import { TrainingRun } from '../electron/engine/training/training-run.js';
import { blobImage, tinyCycleganSettings, tint, writeFolder, writeRecipeFolders } from '../electron/engine/training/__tests__/synthetic-folders.js';
import { launchChromium } from './fixtures/chromium.js';
import { runCli } from './fixtures/run-cli.js';
import { startServe } from './fixtures/studio-serve.js';
import { StudioApp } from './pages/studio-app.js';
import { webgpuSkipReason } from './fixtures/webgpu.js';

/**
 * Training on the WebGPU provider (SwiftShader on CI): the same step graphs as on the CPU, so
 * a run of each recipe must start there (not fall back) and follow the CPU run step by step,
 * losses and weights, to float rounding; a run paused and resumed on WebGPU too. Tiny shapes:
 * SwiftShader compiles every kernel of a step graph on the processor.
 */
const SIZE = 32;
/**
 * How far a GPU run may drift from the CPU run. The providers sum in other orders, and Adam's
 * first steps divide each gradient by its own size, so a gradient that is rounding noise on both
 * (a bias before a norm, whose true gradient is zero) moves its weight by +-lr on one and -+lr on
 * the other: losses drift by up to a percent or so within a few steps. What a wrong kernel does
 * is far larger: a forward error shows in the first step's losses, a gradient error turns a
 * network's update (end weights minus start weights) another way (a difference of 1 or more).
 * The exact check of one step of each recipe, gradients included, is training/__tests__/pytorch-step.
 */
const FIRST_LOSS_TOLERANCE = 1e-3;
const LOSS_TOLERANCE = 0.03;
const UPDATE_TOLERANCE = 0.5;

const skip = webgpuSkipReason();
if (skip !== null) console.warn(`training on WebGPU skipped: ${skip}`);
let work: string;
let library: ModelLibrary;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gs-train-gpu-'));
  library = new ModelLibrary({ home: join(work, 'home') });
  await writeRecipeFolders(work, SIZE);
  await writeFolder(join(work, 'T'), 3, SIZE, (s) => tint(blobImage(s, SIZE), s % 2 === 0));
  await writeFile(join(work, 'T', 'attributes.csv'), 'file,warm\nimg-000.png,0\nimg-001.png,1\nimg-002.png,0.5\n');
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The tests' tiny CycleGAN (synthetic-folders), 3 iterations of unflipped 32 px crops; `overrides` sets the recipe. */
function settings(overrides: Partial<TrainSettings>): TrainSettings {
  return tinyCycleganSettings(work, { iterations: 3, name: 't', loadSize: SIZE, flip: false, seed: 3, sampleEvery: 1000, checkpointEvery: 1000, ...overrides });
}

/** Trains a run to its end (or until `pauseAt`) and says where it ran. */
async function train(run: TrainingRun, pauseAt?: number): Promise<{ provider: string; fallbacks: string }> {
  const controller = new AbortController();
  let provider = '';
  let fallbacks = '';
  await run.train({
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === 'train-started') {
        provider = e.provider;
        fallbacks = JSON.stringify(e.fallbacks);
      }
      if (e.type === 'train-progress' && e.iteration === pauseAt) controller.abort();
    },
  });
  return { provider, fallbacks };
}

type Weights = Map<string, Map<string, Float32Array>>;

/** Every network's weights now, copied (a run's state replaces its tensors as it steps). */
function snapshot(run: TrainingRun): Weights {
  const nets = [...run.generators.map((g) => g.id), ...run.mode.discriminators];
  return new Map(nets.map((id) => [id, new Map([...run.weights(id)].map(([k, v]) => [k, Float32Array.from(v)]))]));
}

/** |a - b| / |b| over every weight of a network, where a and b are its updates (end minus start). */
function updateDifference(start: Map<string, Float32Array>, a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let diff = 0;
  let norm = 0;
  for (const [key, s] of start) {
    const [va, vb] = [a.get(key) ?? s, b.get(key) ?? s];
    for (let i = 0; i < s.length; i++) {
      const [da, db] = [(va[i] as number) - (s[i] as number), (vb[i] as number) - (s[i] as number)];
      diff += (da - db) ** 2;
      norm += db ** 2;
    }
  }
  return Math.sqrt(diff / Math.max(norm, 1e-30));
}

/** The GPU run follows the CPU run: every loss of every step, and each network's update. */
async function expectTracks(gpu: TrainingRun, cpu: TrainingRun, start: Weights): Promise<void> {
  const [a, b] = [await readLossLog(gpu.dir), await readLossLog(cpu.dir)];
  expect(a.map((r) => r.i)).toEqual(b.map((r) => r.i));
  a.forEach((row, k) => {
    for (const [name, value] of Object.entries(row)) {
      if (name === 'i' || name === 't') continue;
      const want = b[k]?.[name] ?? Number.NaN;
      const tolerance = k === 0 ? FIRST_LOSS_TOLERANCE : LOSS_TOLERANCE;
      expect(Math.abs(value - want), `${name} at iteration ${row.i}: ${value} on webgpu, ${want} on the CPU`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(want)));
    }
  });
  const [end, cpuEnd] = [snapshot(gpu), snapshot(cpu)];
  for (const [net, weights] of start) {
    const d = updateDifference(weights, end.get(net) ?? weights, cpuEnd.get(net) ?? weights);
    expect(d, `${net}'s update on webgpu against the CPU's`).toBeLessThan(UPDATE_TOLERANCE);
  }
}

describe.skipIf(skip !== null)(`training on WebGPU${skip === null ? '' : ` (skipped: ${skip})`}`, () => {
  it('CycleGAN: a run paused and resumed on webgpu tracks the uninterrupted CPU run', async () => {
    const s = settings({ iterations: 3, poolSize: 1 });
    const cpu = await TrainingRun.create({ ...s, name: 'cpu' }, { library, runDir: join(work, 'cycle-cpu') });
    const start = snapshot(cpu);
    await train(cpu);
    const gpu = await TrainingRun.create({ ...s, name: 'gpu', device: 'webgpu' }, { library, runDir: join(work, 'cycle-gpu') });
    const first = await train(gpu, 1);
    expect(first.provider, first.fallbacks).toBe('webgpu');
    expect(gpu.completedIterations).toBe(1);
    const resumed = await TrainingRun.resume(join(work, 'cycle-gpu'));
    expect((await train(resumed)).provider).toBe('webgpu');
    expect(resumed.completedIterations).toBe(3);
    await expectTracks(resumed, cpu, start);
  }, 300_000);

  it.each([
    ['pix2pix (ResNet, batch norm)', { mode: 'pix2pix', dataA: join('%', 'A'), dataB: join('%', 'inv'), norm: 'batch' }],
    ['conditional (StarGAN generator, attributes.csv)', { mode: 'conditional', dataA: join('%', 'inv'), dataB: join('%', 'T'), arch: 'stargan' }],
  ] as const)('%s: a webgpu run tracks the CPU run', async (name, overrides) => {
    const at = (p: string): string => p.replace('%', work);
    const s = settings({ ...overrides, dataA: at(overrides.dataA), dataB: at(overrides.dataB), iterations: 2 });
    const id = name.split(' ')[0] as string;
    const cpu = await TrainingRun.create({ ...s, name: 'cpu' }, { library, runDir: join(work, `${id}-cpu`) });
    const start = snapshot(cpu);
    await train(cpu);
    const gpu = await TrainingRun.create({ ...s, name: 'gpu', device: 'webgpu' }, { library, runDir: join(work, `${id}-gpu`) });
    const ran = await train(gpu);
    expect(ran.provider, ran.fallbacks).toBe('webgpu');
    await expectTracks(gpu, cpu, start);
  }, 300_000);

  it('gan-studio train: a device that fails mid-run is told in one notice line, the run finishes on the CPU, and its summary says so', async () => {
    // The engine's fault point (runtime/injected-fault.ts) fails the second step on webgpu; the
    // move itself is tested in training/__tests__/device-fallback.test.ts.
    const args = ['train', '--json', '--mode', 'cyclegan', '--a', join(work, 'A'), '--b', join(work, 'B'), '--arch', 'resnet_6blocks', '--ngf', '4', '--ndf', '4', '--d-layers', '2'];
    // In the studio home's runs, for the studio's view of it below.
    const flags = ['--size', String(SIZE), '--load-size', String(SIZE), '--iterations', '3', '--device', 'webgpu', '--threads', '1', '--no-export', '--run', join(work, 'home', 'runs', 'cli-run')];
    const result = await runCli([...args, ...flags], { env: { GAN_STUDIO_HOME: join(work, 'home'), [FAIL_DEVICE_ENV]: 'step:2' } });
    expect(result.code, result.stderr).toBe(0);
    // The failed provider named as it is: on SwiftShader, the processor, never a GPU.
    const webgpu = describeProvider('webgpu');
    if (softwareVulkanOnly(vulkanDrivers()) !== null) expect(webgpu).toMatch(/the processor, not a GPU/);
    expect(result.stderr).toContain(`on ${webgpu}\n`);
    const notices = result.stderr.split('\n').filter((l) => l.startsWith('notice:'));
    expect(notices).toEqual([`notice: ${webgpu} failed at iteration 2 (device lost (injected at step 2 by ${FAIL_DEVICE_ENV})); training goes on on the CPU from iteration 1, its state read back from the device`]);
    const lines = result.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.type === 'fallback')).toMatchObject({ provider: 'cpu', failed: 'webgpu', failedAt: 2, iteration: 1, from: 'device' });
    expect(lines.filter((l) => l.type === 'progress').map((l) => l.iteration)).toEqual([1, 2, 3]);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', status: 'completed', provider: 'cpu', fallbacks: [{ provider: 'webgpu', reason: expect.stringMatching(/^failed at iteration 2: device lost/) as unknown }] });
  }, 300_000);

  it('the studio shows that run as moved to the CPU: in the runs list, and as a notice and the device in the run view', async () => {
    const serve = await startServe({ GAN_STUDIO_HOME: join(work, 'home'), HOME: work });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const app = new StudioApp(page);
      await app.open(serve.url);
      await app.goTo('Fine-tune');
      const row = app.finetune.runRow('cli-run');
      await expect.poll(() => row.getByTestId('run-fallback').innerText()).toBe('webgpu failed at iteration 2: on the CPU from iteration 1');
      await row.getByRole('button', { name: 'Open' }).click();
      const notice = app.finetune.live().getByTestId('device-fallback');
      await expect.poll(() => notice.innerText()).toMatch(/^webgpu failed at iteration 2 \(device lost .*\); training goes on on the CPU from iteration 1, its state read back from the device$/);
      expect(await app.finetune.figure('device').innerText()).toBe('cpu');
    } finally {
      await browser.close();
      await serve.stop();
    }
  }, 120_000);
});
