/**
 * Device check, one prepared script for a machine with a GPU (see README: "GPU checks"):
 *  - the emitted generators on the WebGPU provider against the CPU provider and the PyTorch
 *    reference fixtures;
 *  - inference of the standard resnet_9blocks at 256 and 1024 px on WebGPU and the CPU, and
 *    PyTorch on the same card (bench/torch_peer.py cuda);
 *  - one CycleGAN training iteration (the whole TrainingRun loop, state kept on the device) at
 *    128 and 256 px, widths 32 and 64, against PyTorch CUDA (bench/torch_train_peer.py ... cuda);
 *  - the state round trip a step paid before the state stayed on the device.
 * Writes OUT_DIR/gpu-check.txt and its table into docs/BENCHMARKS.md under the card's name.
 * The float16 column is the engine's float16 variant (runtime/float16-choice) on WebGPU, with the
 * precision it chose and the measured difference from float32.
 * Usage: node dist/bench/gpu-check.js OUT_DIR [--quick]
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitOnnx } from '../electron/engine/graph/onnx-emitter.js';
import { readSafetensors, stateDictWeights } from '../electron/engine/graph/safetensors.js';
import { randomWeights } from '../electron/engine/graph/weights.js';
import { packageRoot } from '../electron/engine/library/paths.js';
import { architectureFromMetadata, buildGenerator, describeArchitecture, type Architecture } from '../electron/engine/nets/index.js';
import { providerSummary, SessionManager, type TensorInput } from '../electron/engine/runtime/index.js';
import { machineLine, median, writeBenchmarkSection } from './benchmarks-file.js';
import { folder, ours, stateRoundTrip, torchPeer, TORCH_PYTHON, type Case } from './train-measure.js';

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

/** The card's name, from nvidia-smi or else PyTorch; onnxruntime does not say which adapter WebGPU took. */
function cardName(): string {
  const smi = spawnSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { encoding: 'utf8' });
  if (smi.status === 0 && smi.stdout.trim() !== '') return smi.stdout.trim().split('\n')[0] ?? 'unknown GPU';
  const torch = spawnSync(TORCH_PYTHON, ['-c', 'import torch; print(torch.cuda.get_device_name(0))'], { encoding: 'utf8' });
  return torch.status === 0 ? torch.stdout.trim() : 'unknown GPU (no nvidia-smi, no PyTorch CUDA)';
}

/** PyTorch CUDA's inference medians by side (and `<side> float16`), from bench/torch_peer.py, or why not. */
function torchInference(): Map<string, string> {
  const peer = spawnSync(TORCH_PYTHON, [join(packageRoot(), 'bench', 'torch_peer.py'), 'cuda'], { encoding: 'utf8' });
  const out = new Map<string, string>();
  for (const m of (peer.stdout ?? '').matchAll(/(\d+)px( float16)?: median ([\d.]+) ms/g)) out.set(`${m[1]}${m[2] ?? ''}`, `${m[3]} ms`);
  if (out.size === 0) for (const side of ['256', '1024', '256 float16', '1024 float16']) out.set(side, `not run (${(peer.stderr || 'no output').trim().split('\n').at(-1) ?? ''})`);
  return out;
}

const ms = (seconds: number): string => `${(seconds * 1000).toFixed(1)} ms`;

async function main(): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const quick = process.argv.includes('--quick');
  const work = await mkdtemp(join(tmpdir(), 'gs-gpu-'));
  const sessions = new SessionManager({ idleMs: 600_000 });
  const halfSessions = new SessionManager({ idleMs: 600_000, float16: { cacheDir: join(work, 'float16') } });
  const card = cardName();
  log(`machine: ${machineLine()}; card ${card}; date ${new Date().toISOString()}`);
  const inferenceRows: string[] = [];
  const peerInference = torchInference();

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
    const half = await halfSessions.run(model, 'webgpu', feeds);
    const halfTimes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const start = performance.now();
      await halfSessions.run(model, 'webgpu', feeds);
      halfTimes.push(performance.now() - start);
    }
    const halfCell = `${half.provider} ${half.precision} median ${median(halfTimes).toFixed(1)} ms (${half.precisionReason ?? ''})`;
    log(`${describeArchitecture(arch)} ${side}px: ${row.join('; ')}; ${halfCell}; max|webgpu-cpu| ${diff}; PyTorch CUDA ${peerInference.get(`${side}`) ?? 'n/a'}, float16 ${peerInference.get(`${side} float16`) ?? 'n/a'}`);
    inferenceRows.push(`| ${side} x ${side} | ${row.join('; ')} | ${halfCell} | ${peerInference.get(`${side}`) ?? 'n/a'} | ${peerInference.get(`${side} float16`) ?? 'n/a'} | ${diff} |`);
  }
  await sessions.dispose();
  await halfSessions.dispose();

  // Training: one CycleGAN iteration, the state kept on the device between steps.
  await folder(join(work, 'A'), 4, 300, 1);
  await folder(join(work, 'B'), 4, 300, 2);
  const trainRows: string[] = [];
  const cases: Case[] = [
    { ngf: 32, arch: 'resnet_6blocks', blocks: 6, size: 128, iterations: quick ? 2 : 5 },
    { ngf: 64, arch: 'resnet_9blocks', blocks: 9, size: 128, iterations: quick ? 2 : 5 },
    { ngf: 32, arch: 'resnet_6blocks', blocks: 6, size: 256, iterations: quick ? 2 : 5 },
    { ngf: 64, arch: 'resnet_9blocks', blocks: 9, size: 256, iterations: quick ? 2 : 5 },
  ];
  for (const c of cases) {
    const mine = await ours(work, c, 'webgpu');
    const peer = torchPeer(c, cpus().length, 'cuda');
    const m = median(mine.seconds);
    const p = 'skipped' in peer ? null : median(peer.seconds);
    const label = `CycleGAN ngf ${c.ngf}, ${c.blocks} blocks, ${c.size} px`;
    log(`${label}: GAN Studio ${ms(m)} on ${mine.provider}; PyTorch CUDA ${p === null ? ('skipped' in peer ? peer.skipped : '') : ms(p)}`);
    trainRows.push(`| ${label} | ${ms(m)} (${mine.provider}) | ${p === null ? ('skipped' in peer ? peer.skipped : '') : ms(p)} | ${p === null ? '-' : `${(m / p).toFixed(2)}x`} |`);
  }
  const trip = await stateRoundTrip(64, 9, 'webgpu');
  const tripLine = `state round trip of a width-64 CycleGAN (${trip.mb.toFixed(0)} MB): ${ms(trip.crossing - trip.kept)} per step before (out and back in ${ms(trip.crossing)}, kept ${ms(trip.kept)}); now none per step, one read of ${ms(trip.read)} per checkpoint`;
  log(tripLine);
  await writeFile(join(outDir, 'gpu-check.txt'), `${lines.join('\n')}\n`);
  const path = await writeBenchmarkSection(
    'gpu-check-training',
    `## GPU check: ${card} (WebGPU provider), inference and training

${new Date().toISOString().slice(0, 10)}, ${machineLine()}; \`node dist/bench/gpu-check.js\`; the provider: ${providerSummary('webgpu', [])}.
Goals (issue 17): WebGPU float16 inference within 3x of PyTorch CUDA float16 at 1024 px; a 256 px CycleGAN iteration within 2x of PyTorch CUDA.

| resnet_9blocks ngf 64 | float32 (WebGPU; CPU) | float16 variant (WebGPU) | PyTorch CUDA float32 | PyTorch CUDA float16 | max abs WebGPU vs CPU |
| --- | --- | --- | --- | --- | --- |
${inferenceRows.join('\n')}

| one CycleGAN iteration (batch 1, PatchGAN ndf 64) | GAN Studio (WebGPU, state on the device) | PyTorch CUDA | ratio |
| --- | --- | --- | --- |
${trainRows.join('\n')}

${tripLine}.`,
  );
  log(`wrote ${path}`);
}

await main();
