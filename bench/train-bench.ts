/**
 * `npm run bench:train`: seconds per CycleGAN iteration, GAN Studio's trainer (one ONNX step
 * graph per iteration on the CPU provider, data loading and logging included) against PyTorch
 * 1.13 doing the same iteration (bench/torch_train_peer.py) with the same number of threads.
 * Sizes: ngf 32 / 6 blocks / 128 px and the standard ngf 64 / 9 blocks / 256 px, batch 1,
 * PatchGAN ndf 64 with 3 layers. Writes its table to docs/BENCHMARKS.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { TrainArch, TrainEvent } from '../electron/contract/training.js';
import { Tape } from '../electron/engine/graph/tape.js';
import { ModelLibrary, packageRoot } from '../electron/engine/library/index.js';
import { patchganDiscriminator, resnetGenerator } from '../electron/engine/nets/index.js';
import { openGraphRunner, type TensorInput } from '../electron/engine/runtime/index.js';
import { TrainingRun } from '../electron/engine/training/training-run.js';
import { machineLine, median, writeBenchmarkSection } from './benchmarks-file.js';
import { trainSettings } from '../electron/engine/training/train-settings.js';

const TORCH_PYTHON = '/usr/bin/python3';

async function folder(dir: string, count: number, side: number, seed: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let k = 0; k < count; k++) {
    const rgb = new Uint8Array(side * side * 3);
    let s = seed + k * 7919;
    for (let i = 0; i < side * side; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const x = i % side;
      const y = Math.floor(i / side);
      rgb[i * 3] = ((x * 255) / side + (s >>> 27)) & 255;
      rgb[i * 3 + 1] = ((y * 255) / side) & 255;
      rgb[i * 3 + 2] = (seed * 40 + k * 20) & 255;
    }
    await sharp(rgb, { raw: { width: side, height: side, channels: 3 } }).png().toFile(join(dir, `${k}.png`));
  }
}

interface Case {
  ngf: number;
  arch: TrainArch;
  blocks: number;
  size: number;
  iterations: number;
}

/**
 * What it costs that weights and Adam moments leave the provider and come back every step (the
 * step graph takes them as inputs and returns them): a graph that only passes the same tensors
 * through, timed the same way.
 */
async function stateRoundTrip(c: Case, threads: number): Promise<number> {
  const g = resnetGenerator({ ngf: c.ngf, nBlocks: c.blocks, norm: 'instance', dropout: false });
  const d = patchganDiscriminator({ inputChannels: 3, ndf: 64, nLayers: 3, norm: 'instance' });
  const t = new Tape('state_round_trip');
  const outputs: string[] = [];
  const feeds: Record<string, TensorInput> = {};
  for (const [net, graph] of [['G_A', g], ['G_B', g], ['D_A', d], ['D_B', d]] as const) {
    for (const p of graph.params) {
      for (const kind of ['p', 'm', 'v']) {
        const name = `${kind}:${net}/${p.name}`;
        outputs.push(t.rename(t.emit('Identity', [t.input(name, p.shape)], p.shape), `${name}'`));
        feeds[name] = { data: new Float32Array(p.shape.reduce((a, b) => a * b, 1)), dims: p.shape };
      }
    }
  }
  const runner = await openGraphRunner(t.toOnnx(outputs), 'cpu', { threads });
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const start = performance.now();
    await runner.run(feeds);
    if (i > 0) times.push((performance.now() - start) / 1000);
  }
  await runner.release();
  return median(times);
}

async function ours(work: string, c: Case, threads: number): Promise<{ seconds: number[]; provider: string }> {
  const settings = trainSettings({
    mode: 'cyclegan',
    dataA: join(work, 'A'),
    dataB: join(work, 'B'),
    arch: c.arch,
    ngf: c.ngf,
    iterations: c.iterations + 1,
    size: c.size,
    sampleEvery: 1_000_000,
    checkpointEvery: 1_000_000,
    name: 'bench',
    device: 'cpu',
  });
  const run = await TrainingRun.create(settings, { library: new ModelLibrary({ home: join(work, 'home') }), runDir: join(work, `run-${c.size}`) });
  const seconds: number[] = [];
  let provider = '';
  let last = performance.now();
  await run.train({
    threads,
    onEvent: (e: TrainEvent) => {
      if (e.type === 'train-started') {
        provider = e.provider;
        last = performance.now();
      }
      if (e.type === 'train-progress') {
        const now = performance.now();
        // The first iteration allocates every buffer: left out, as in the PyTorch peer.
        if (e.iteration > 1) seconds.push((now - last) / 1000);
        last = now;
      }
    },
  });
  return { seconds, provider };
}

function torchPeer(c: Case, threads: number): { seconds: number[]; version: string } | { skipped: string } {
  if (!existsSync(TORCH_PYTHON)) return { skipped: `${TORCH_PYTHON} not found` };
  const script = join(packageRoot(), 'bench', 'torch_train_peer.py');
  const result = spawnSync(TORCH_PYTHON, [script, String(c.ngf), String(c.blocks), String(c.size), String(threads), String(c.iterations)], { encoding: 'utf8' });
  if (result.status !== 0) return { skipped: `PyTorch peer failed: ${(result.stderr || result.stdout).trim().split('\n').at(-1) ?? ''}` };
  const parsed = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { torch: string; seconds: number[] };
  return { seconds: parsed.seconds, version: parsed.torch };
}

async function main(): Promise<void> {
  const threads = Number(process.env.BENCH_THREADS ?? cpus().length);
  const cases: Case[] = [
    { ngf: 32, arch: 'resnet_6blocks', blocks: 6, size: 128, iterations: 8 },
    { ngf: 64, arch: 'resnet_9blocks', blocks: 9, size: 256, iterations: 3 },
  ];
  const work = await mkdtemp(join(tmpdir(), 'gs-train-bench-'));
  const rows: string[] = [];
  let torchVersion = 'not run';
  try {
    await folder(join(work, 'A'), 4, 300, 1);
    await folder(join(work, 'B'), 4, 300, 2);
    for (const c of cases) {
      const mine = await ours(work, c, threads);
      const peer = torchPeer(c, threads);
      const trip = await stateRoundTrip(c, threads);
      const m = median(mine.seconds);
      const label = `CycleGAN, ngf ${c.ngf}, ${c.blocks} blocks, ${c.size} px, batch 1`;
      const tripCell = `${(trip * 1000).toFixed(0)} ms (${((100 * trip) / m).toFixed(1)}%)`;
      if ('skipped' in peer) {
        rows.push(`| ${label} | ${m.toFixed(2)} s (${mine.provider}) | ${peer.skipped} | - | ${tripCell} |`);
      } else {
        torchVersion = peer.version;
        const p = median(peer.seconds);
        rows.push(`| ${label} | ${m.toFixed(2)} s (${mine.provider}) | ${p.toFixed(2)} s | ${(m / p).toFixed(2)}x | ${tripCell} |`);
      }
      console.log(rows.at(-1));
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const date = new Date().toISOString().slice(0, 10);
  const path = await writeBenchmarkSection(
    'train',
    `## Training: seconds per CycleGAN iteration (CPU)

${date}, ${machineLine()}, ${threads} threads for both. Median over the timed iterations (the first, which allocates, left out).
GAN Studio: the whole \`TrainingRun\` loop (data loading with prefetch, one step graph with both generators,
both discriminators and Adam, state swap, loss log). PyTorch ${torchVersion}: the public training order
(forward, G step, D step) on the same networks (bench/torch_train_peer.py). PatchGAN ndf 64, 3 layers.
Goal: at most 1.0x PyTorch's time. "State round trip": the part of each iteration spent passing weights and
Adam moments out of onnxruntime and back in (the step graph returns them as outputs; timed with a graph that
only passes them through). On the CPU provider host memory is the device's memory, so this is the whole cost
of weights not staying put; on a GPU provider the same tensors also cross the bus.

| iteration | GAN Studio | PyTorch | ratio | state round trip |
| --- | --- | --- | --- | --- |
${rows.join('\n')}`,
  );
  console.log(`wrote ${path}`);
}

await main();
