/**
 * `npm run bench:train`: seconds per CycleGAN iteration, GAN Studio's trainer (one ONNX step
 * graph per iteration on the CPU provider, data loading and logging included) against PyTorch
 * 1.13 doing the same iteration (bench/torch_train_peer.py) with the same number of threads.
 * Sizes: ngf 32 / 6 blocks / 128 px and the standard ngf 64 / 9 blocks / 256 px, batch 1,
 * PatchGAN ndf 64 with 3 layers. Writes its table to docs/BENCHMARKS.md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, median, writeBenchmarkSection } from './benchmarks-file.js';
import { folder, ours, stateRoundTrip, torchPeer, type Case } from './train-measure.js';

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
      const mine = await ours(work, c, 'cpu', threads);
      const peer = torchPeer(c, threads);
      const trip = (await stateRoundTrip(c.ngf, c.blocks, 'cpu', { threads })).crossing;
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
