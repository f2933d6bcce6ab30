/**
 * Device check, run on a machine with a GPU (see README: "GPU checks"): the emitted
 * generators on the WebGPU provider against the CPU provider and the PyTorch reference
 * fixtures, and timings of the standard resnet_9blocks at 256 and 1024 px on both.
 * Usage: node dist/bench/gpu-check.js OUT_DIR
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitOnnx } from '../electron/engine/graph/onnx-emitter.js';
import { readSafetensors, stateDictWeights } from '../electron/engine/graph/safetensors.js';
import { randomWeights } from '../electron/engine/graph/weights.js';
import { packageRoot } from '../electron/engine/library/paths.js';
import { architectureFromMetadata, buildGenerator, describeArchitecture, type Architecture } from '../electron/engine/nets/index.js';
import { SessionManager, type TensorInput } from '../electron/engine/runtime/index.js';
import { machineLine, median } from './benchmarks-file.js';

const outDir = process.argv[2] ?? 'gpu-out';
const lines: string[] = [];
const log = (s: string): void => {
  console.log(s);
  lines.push(s);
};

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
  return m;
}

async function main(): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'gs-gpu-'));
  const sessions = new SessionManager({ idleMs: 600_000 });
  log(`machine: ${machineLine()}; date ${new Date().toISOString()}`);

  const fixtures = join(packageRoot(), 'electron/engine/nets/__tests__/fixtures');
  for (const name of ['resnet6_instance', 'resnet9_batch_dropout', 'unet128_batch', 'unet256_instance', 'stargan']) {
    const file = await readSafetensors(join(fixtures, `${name}.safetensors`));
    const arch = architectureFromMetadata(file.metadata);
    const weights = stateDictWeights(file);
    const path = join(work, `${name}.onnx`);
    await writeFile(path, emitOnnx(buildGenerator(arch), weights));
    const t = (k: string): TensorInput => ({ data: file.tensors.get(k)?.data ?? new Float32Array(), dims: file.tensors.get(k)?.shape ?? [] });
    const feeds: Record<string, TensorInput> = { input: t('__input__') };
    if (arch.family === 'stargan') feeds.condition = t('__cond__');
    const expected = t('__output__').data;
    const gpu = await sessions.run(path, 'webgpu', feeds);
    const cpu = await sessions.run(path, 'cpu', feeds);
    log(`fixture ${name}: provider ${gpu.provider}${gpu.fallbacks.map((f) => ` (fallback: ${f.provider} ${f.reason})`).join('')}; max|gpu-torch| ${maxAbsDiff(gpu.output, expected).toExponential(2)}, max|cpu-torch| ${maxAbsDiff(cpu.output, expected).toExponential(2)}`);
  }

  const arch: Architecture = { family: 'resnet', ngf: 64, nBlocks: 9, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3 };
  const graph = buildGenerator(arch);
  const model = join(work, 'resnet9.onnx');
  await writeFile(model, emitOnnx(graph, randomWeights(graph, 3)));
  for (const side of [256, 1024]) {
    const data = new Float32Array(3 * side * side).map((_, i) => Math.sin(i * 0.001) * 0.8);
    const feeds = { input: { data, dims: [1, 3, side, side] } };
    const row: string[] = [];
    let gpuOut: Float32Array | null = null;
    let cpuOut: Float32Array | null = null;
    for (const device of ['webgpu', 'cpu'] as const) {
      const first = await sessions.run(model, device, feeds);
      const times: number[] = [];
      const runs = device === 'cpu' && side === 1024 ? 3 : 10;
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        await sessions.run(model, device, feeds);
        times.push(performance.now() - start);
      }
      if (device === 'webgpu') gpuOut = first.output;
      else cpuOut = first.output;
      row.push(`${device}->${first.provider} median ${median(times).toFixed(1)} ms (${runs} runs)`);
    }
    const diff = gpuOut !== null && cpuOut !== null ? maxAbsDiff(gpuOut, cpuOut).toExponential(2) : 'n/a';
    log(`${describeArchitecture(arch)} ${side}px: ${row.join('; ')}; max|webgpu-cpu| ${diff}`);
  }
  await sessions.dispose();
  await writeFile(join(outDir, 'gpu-check.txt'), `${lines.join('\n')}\n`);
}

await main();
