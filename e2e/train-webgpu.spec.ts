import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainSettings } from '../electron/contract/training.js';
import { ModelLibrary } from '../electron/engine/library/index.js';
import { openGraphRunner, vulkanLoaderPresent } from '../electron/engine/runtime/index.js';
import { Tape } from '../electron/engine/graph/tape.js';
import { TrainingRun } from '../electron/engine/training/training-run.js';
import { blobImage, tint, writeFolder } from '../electron/engine/training/__tests__/synthetic-folders.js';
import { trainSettings } from '../electron/engine/training/train-settings.js';

/**
 * Training on the GPU through onnxruntime's WebGPU provider: the same step graphs, so a run
 * must start there (not fall back) and follow the CPU run's losses. Runs wherever a WebGPU
 * device opens; elsewhere it skips and its title says why.
 */
async function webgpuUnavailable(): Promise<string | null> {
  if (process.platform === 'linux' && !vulkanLoaderPresent()) return 'no Vulkan loader (libvulkan.so.1), so no WebGPU device';
  const t = new Tape('probe');
  const x = t.input('x', [1]);
  const y = t.rename(t.emit('Relu', [x], [1]), 'y');
  try {
    const runner = await openGraphRunner(t.toOnnx([y]), 'webgpu');
    const provider = runner.provider;
    await runner.release();
    return provider === 'webgpu' ? null : `the WebGPU provider did not start (${runner.fallbacks.map((f) => f.reason).join('; ')})`;
  } catch (err) {
    return `the WebGPU provider did not start (${err instanceof Error ? err.message : String(err)})`;
  }
}

const reason = await webgpuUnavailable();
if (reason !== null) console.warn(`training on WebGPU skipped: ${reason}`);
let work: string | undefined;
afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe.skipIf(reason !== null)(`training on WebGPU${reason === null ? '' : ` (skipped: ${reason})`}`, () => {
  it('a CycleGAN run trains on the webgpu provider and tracks the CPU run', async () => {
    work = await mkdtemp(join(tmpdir(), 'gs-train-gpu-'));
    await writeFolder(join(work, 'A'), 4, 64, (s) => tint(blobImage(s, 64), true));
    await writeFolder(join(work, 'B'), 4, 64, (s) => tint(blobImage(s, 64), false), 20);
    const settings = (device: string): TrainSettings => trainSettings({
      mode: 'cyclegan',
      dataA: join(work ?? '', 'A'),
      dataB: join(work ?? '', 'B'),
      arch: 'resnet_6blocks',
      ngf: 16,
      ndf: 16,
      norm: 'instance',
      iterations: 10,
      size: 64,
      loadSize: 64,
      flip: false,
      seed: 3,
      sampleEvery: 100,
      checkpointEvery: 100,
      name: device,
      device,
    });
    const library = new ModelLibrary({ home: join(work, 'home') });
    const losses = async (device: string): Promise<{ provider: string; cycle: number[] }> => {
      const run = await TrainingRun.create(settings(device), { library, runDir: join(work ?? '', device) });
      let provider = '';
      const cycle: number[] = [];
      await run.train({
        onEvent: (e) => {
          if (e.type === 'train-started') provider = e.provider;
          if (e.type === 'train-progress') cycle.push(e.losses.cycle_A ?? Number.NaN);
        },
      });
      return { provider, cycle };
    };
    const gpu = await losses('webgpu');
    const cpu = await losses('cpu');
    expect(gpu.provider).toBe('webgpu');
    // Same data, same start: the loss curves agree to float rounding drift over 10 steps.
    gpu.cycle.forEach((v, i) => expect(Math.abs(v - (cpu.cycle[i] ?? 0))).toBeLessThan(0.05 * Math.abs(cpu.cycle[i] ?? 1)));
  }, 300_000);
});
