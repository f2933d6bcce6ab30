/**
 * What a training step pays to pass its state (every weight and both Adam moments) out of
 * onnxruntime and back in, against a step whose state stays on the device (GraphRunner's
 * keepOnDevice: `preferredOutputLocation: 'gpu-buffer'` outputs fed back as they are).
 * The same CycleGAN step graph runs both ways on the WebGPU provider from the same start; the
 * two must end with the same weights. On SwiftShader (no GPU here) the "device" is host memory,
 * so the figures are relative: the crossing is onnxruntime's staging copies, not a PCIe bus.
 *
 * Usage: node dist/bench/state-roundtrip-bench.js [--size 32] [--width 8] [--steps 4] [--no-write]
 * (VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json where there is no GPU)
 */
import { loadavg } from 'node:os';
import { randomWeights } from '../electron/engine/graph/weights.js';
import { patchganDiscriminator, resnetGenerator } from '../electron/engine/nets/index.js';
import { describeProvider, openGraphRunner, type Feed, type GraphRunner } from '../electron/engine/runtime/index.js';
import { CycleganMode } from '../electron/engine/training/modes/index.js';
import { trainSettings } from '../electron/engine/training/train-settings.js';
import { NetState } from '../electron/engine/training/net-state.js';
import { BC2, STEP_SIZE, type StepGraph } from '../electron/engine/training/step-graphs.js';
import { machineLine, median, writeBenchmarkSection } from './benchmarks-file.js';
import { stateRoundTrip } from './train-measure.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const size = arg('--size', 32);
const width = arg('--width', 8);
const steps = arg('--steps', 4);
const device = process.argv.includes('--cpu') ? 'cpu' : 'webgpu';

function buildStep(): StepGraph {
  const g = () => resnetGenerator({ ngf: width, nBlocks: 6, norm: 'instance', dropout: false });
  const d = () => patchganDiscriminator({ inputChannels: 3, ndf: width, nLayers: 3, norm: 'instance' });
  const mode = new CycleganMode(trainSettings({ mode: 'cyclegan', dataA: '', batch: 1, size }), 0);
  return mode.buildStep(new Map([['G_A', g()], ['G_B', g()], ['D_A', d()], ['D_B', d()]]));
}

function dataFeeds(step: StepGraph, k: number): Record<string, Feed> {
  const feeds: Record<string, Feed> = {};
  for (const [name, dims] of step.dataInputs) {
    const n = dims.reduce((a, b) => a * b, 1);
    feeds[name] = { data: name.startsWith('pool/use') ? new Float32Array(n) : new Float32Array(n).map((_, i) => Math.sin(i * 0.01 + k)), dims };
  }
  feeds[STEP_SIZE] = { data: Float32Array.of(4e-4), dims: [] };
  feeds[BC2] = { data: Float32Array.of(0.05), dims: [] };
  return feeds;
}

interface Measured {
  ms: number[];
  state: NetState;
  runner: GraphRunner;
}

/** Runs the step `steps + 1` times (the first compiles the kernels and is not timed). */
async function measure(step: StepGraph, keep: boolean): Promise<Measured> {
  const nets = [...step.nets].map(([id, graph]) => ({ id, graph }));
  const state = NetState.fresh(nets, new Map(nets.map((n, k) => [n.id, randomWeights(n.graph, k + 1)])));
  const runner = await openGraphRunner(step.model, device, keep ? { keepOnDevice: state.outputNames() } : {});
  if (runner.provider !== device) throw new Error(`the step opened on ${runner.provider}, not ${device}: ${JSON.stringify(runner.fallbacks)}`);
  const ms: number[] = [];
  for (let k = 0; k <= steps; k++) {
    const start = performance.now();
    state.absorb(await runner.step({ ...dataFeeds(step, k), ...state.feeds() }));
    if (k > 0) ms.push(performance.now() - start);
  }
  return { ms, state, runner };
}

async function main(): Promise<void> {
  // The crossing alone at the recipe's size (width-64 resnet_9blocks generators, ms).
  const trip = await stateRoundTrip(64, 9, device, { runs: steps });
  const bus = { mb: trip.mb, crossing: trip.crossing * 1000, kept: trip.kept * 1000, read: trip.read * 1000 };
  const roundTrip = bus.crossing - bus.kept;
  // With the state kept, a step crosses nothing; a checkpoint (every 200 iterations by default) reads it once.
  const perStepAfter = bus.read / 200;
  console.log(`passthrough of a width-64 CycleGAN state (${bus.mb.toFixed(0)} MB): out and back in ${bus.crossing.toFixed(0)} ms, kept ${bus.kept.toFixed(0)} ms, one read ${bus.read.toFixed(0)} ms`);
  const step = buildStep();
  const params = [...step.nets.values()].reduce((n, g) => n + g.params.reduce((m, p) => m + p.shape.reduce((a, b) => a * b, 1), 0), 0);
  const stateMB = (3 * params * 4) / 2 ** 20;
  const load = loadavg()[0]?.toFixed(1) ?? '?';

  const crossing = await measure(step, false);
  const kept = await measure(step, true);
  // Reading the state back (a checkpoint, or the run's end) is the only crossing left.
  const download = (values: Parameters<GraphRunner['download']>[0]): ReturnType<GraphRunner['download']> => kept.runner.download(values);
  const readStart = performance.now();
  const end = await kept.state.tensors(download);
  const readMs = performance.now() - readStart;
  await kept.state.settle(download);
  const host = await crossing.state.tensors();
  let diff = 0;
  for (const [name, t] of host) {
    const other = end.get(name)?.data ?? new Float32Array();
    for (let i = 0; i < t.data.length; i++) diff = Math.max(diff, Math.abs((t.data[i] as number) - (other[i] as number)));
  }
  const [a, b] = [median(crossing.ms), median(kept.ms)];
  const adapter = describeProvider(kept.runner.provider);
  await crossing.runner.release();
  await kept.runner.release();

  const lines = [
    `width-64 CycleGAN state (${bus.mb.toFixed(0)} MB): round trip ${roundTrip.toFixed(0)} ms per step before; after, 0 per step and one read of ${bus.read.toFixed(0)} ms per checkpoint (${perStepAfter.toFixed(1)} ms per step at the default 200): ${(roundTrip / Math.max(perStepAfter, 1e-3)).toFixed(0)}x less`,
    `state round trip per CycleGAN step on ${adapter}: ${size} px, widths ${width}, ${params} parameters (${stateMB.toFixed(1)} MB of weights and moments)`,
    `state out and back in every step: median ${a.toFixed(0)} ms per step; state kept on the device: ${b.toFixed(0)} ms per step (${steps} steps each)`,
    `round trip ${(a - b).toFixed(0)} ms per step (${(((a - b) / a) * 100).toFixed(1)}% of a step); bytes over the bus per step ${(2 * stateMB).toFixed(1)} MB before, 0 after (one read of ${stateMB.toFixed(1)} MB, ${readMs.toFixed(0)} ms, per checkpoint and at the end)`,
    `max |weights after, both ways| ${diff.toExponential(2)}; load average ${load}`,
  ];
  for (const l of lines) console.log(l);
  if (process.argv.includes('--no-write')) return;
  await writeBenchmarkSection(
    `state-roundtrip-${device}`,
    `## Training state kept on the device: ${adapter}

${machineLine()}; ${new Date().toISOString().slice(0, 10)}; load average ${load} (a shared 2-core machine)${device === 'webgpu' ? '; SwiftShader, a CPU Vulkan driver, so these are relative figures: its "device memory" is host memory' : ''}.
\`node dist/bench/state-roundtrip-bench.js --size ${size} --width ${width} --steps ${steps}\`: one CycleGAN iteration (two resnet_6blocks generators, two 3-layer PatchGANs, ${params} parameters, ${stateMB.toFixed(1)} MB of weights and Adam moments), ${steps} timed steps after a first that compiles.

| state between steps | median per step | crossing per step |
| --- | --- | --- |
| passed out of onnxruntime and back in (before) | ${a.toFixed(0)} ms | ${(2 * stateMB).toFixed(1)} MB |
| kept in GPU buffers (\`preferredOutputLocation: 'gpu-buffer'\`, fed back) | ${b.toFixed(0)} ms | 0 (${stateMB.toFixed(1)} MB read once per checkpoint and at the end: ${readMs.toFixed(0)} ms) |

The crossing at the recipe's size, alone: a graph that passes a width-64 CycleGAN's ${bus.mb.toFixed(0)} MB of weights and moments (resnet_9blocks generators, 3-layer PatchGANs) through, ${steps} timed runs each way.

| | per step |
| --- | --- |
| state out and back in (before): run with plain arrays in and out | ${bus.crossing.toFixed(0)} ms |
| state kept in GPU buffers: the same run, buffers in and out | ${bus.kept.toFixed(0)} ms |
| **round trip before** (the difference) | **${roundTrip.toFixed(0)} ms** |
| **after**: no crossing per step; one read of the state per checkpoint (${bus.read.toFixed(0)} ms, the first read, which also compiles the read-back graph), every 200 iterations by default | **${perStepAfter.toFixed(1)} ms** (${(roundTrip / Math.max(perStepAfter, 1e-3)).toFixed(0)}x less) |

Round trip in the tiny step above (its compute dominates, and the machine's load moves it by more than the crossing: read it as noise): ${(a - b).toFixed(0)} ms per step, ${(((a - b) / a) * 100).toFixed(1)}% of the step. Both ways end with the same weights (max difference ${diff.toExponential(2)}).`,
  );
}

await main();
