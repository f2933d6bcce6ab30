import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { webgpuSkipReason } from '../../../../e2e/fixtures/webgpu.js';
import { readSafetensors, type TensorFile } from '../../graph/safetensors.js';
import type { IrGraph } from '../../graph/ir.js';
import { patchganDiscriminator, resnetGenerator, starganGenerator, unetGenerator } from '../../nets/index.js';
import { openGraphRunner, type TensorInput } from '../../runtime/index.js';
import type { TrainMode } from '../../../contract/training.js';
import { ConditionalMode, CycleganMode, Pix2pixMode } from '../modes/index.js';
import { BC2, STEP_SIZE, type StepGraph } from '../step-graphs.js';
import { stateNames } from '../trainable-net.js';
import { trainSettings } from '../train-settings.js';

/**
 * One whole training iteration of each recipe against PyTorch 1.13 running the public training
 * code's order of operations on the same tiny networks and data (fixtures/make_training_fixtures.py):
 * every loss term, every weight gradient (relative error under 1e-3) and the weights after Adam,
 * on the CPU provider and on WebGPU (SwiftShader on CI: the same graph, so the same numbers).
 */
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

function tensor(file: TensorFile, name: string): Float32Array {
  const t = file.tensors.get(name);
  if (t === undefined) throw new Error(`fixture lacks ${name}`);
  return t.data;
}

const norm2 = (a: Float32Array): number => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

/**
 * ||a - b|| / ||b||, with ||b|| floored at 1e-4 of the network's largest gradient: a bias right
 * before an affine-free norm has a true gradient of zero, where both sides are rounding noise.
 */
function relativeError(a: Float32Array, b: Float32Array, floor: number): number {
  let diff = 0;
  for (let i = 0; i < b.length; i++) diff += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
  return Math.sqrt(diff) / Math.max(norm2(b), floor);
}

interface Comparison {
  losses: Map<string, { ours: number; torch: number }>;
  worstGradient: { name: string; error: number };
  /** Weights whose post-Adam value is off by more than 10% of the learning rate. */
  updateMismatches: number;
  updateCount: number;
}

const skipWebgpu = webgpuSkipReason();
if (skipWebgpu !== null) console.warn(`training step on WebGPU skipped: ${skipWebgpu}`);
const DEVICES = ['cpu', ...(skipWebgpu === null ? ['webgpu' as const] : [])] as const;
/** SwiftShader compiles a step graph's kernels on the processor: minutes on a loaded machine. */
const SLOW = 300_000;

async function runStep(file: TensorFile, step: StepGraph, device: (typeof DEVICES)[number]): Promise<Comparison> {
  const feeds: Record<string, TensorInput> = {};
  for (const [name, dims] of step.dataInputs) {
    if (name === 'pool/use_A' || name === 'pool/use_B') {
      feeds[name] = { data: Float32Array.of(Number(file.metadata[name.slice(5)])), dims };
    } else {
      feeds[name] = { data: tensor(file, name), dims };
    }
  }
  const lr = 2e-4;
  feeds[STEP_SIZE] = { data: Float32Array.of(lr / (1 - 0.5)), dims: [] };
  feeds[BC2] = { data: Float32Array.of(Math.sqrt(1 - 0.999)), dims: [] };
  for (const [net, graph] of step.nets) {
    for (const p of graph.params) {
      const names = stateNames(net, p.name);
      const size = p.shape.reduce((a, b) => a * b, 1);
      feeds[names.param] = { data: tensor(file, `${net}/${p.name}`), dims: p.shape };
      feeds[names.m] = { data: new Float32Array(size), dims: p.shape };
      feeds[names.v] = { data: new Float32Array(size), dims: p.shape };
    }
  }
  const runner = await openGraphRunner(step.model, device);
  // The step must run where it was sent, not on a fallback.
  expect(runner.provider, JSON.stringify(runner.fallbacks)).toBe(device);
  const out = await runner.run(feeds);
  await runner.release();

  const losses = new Map<string, { ours: number; torch: number }>();
  for (const name of step.losses) losses.set(name, { ours: out.get(name)?.[0] ?? Number.NaN, torch: tensor(file, name)[0] ?? Number.NaN });
  let worstGradient = { name: '', error: 0 };
  let updateMismatches = 0;
  let updateCount = 0;
  for (const [net, graph] of step.nets) {
    const floor = 1e-4 * Math.max(...graph.params.map((p) => norm2(tensor(file, `g:${net}/${p.name}`))));
    for (const p of graph.params) {
      const key = `${net}/${p.name}`;
      const ours = out.get(`g:${key}`);
      if (ours === undefined) throw new Error(`no gradient output for ${key}`);
      const error = relativeError(ours, tensor(file, `g:${key}`), floor);
      if (error > worstGradient.error || worstGradient.name === '') worstGradient = { name: key, error };
      // Adam turns a rounding-noise gradient into a full lr-sized step of random sign: only
      // weights with a real gradient can be compared after the update.
      if (norm2(tensor(file, `g:${key}`)) < floor) continue;
      const updated = out.get(stateNames(net, p.name).newParam);
      const expected = tensor(file, `new:${key}`);
      if (updated === undefined) throw new Error(`no updated weight for ${key}`);
      for (let i = 0; i < expected.length; i++) {
        updateCount += 1;
        if (Math.abs((updated[i] ?? 0) - (expected[i] ?? 0)) > 0.1 * lr) updateMismatches += 1;
      }
    }
  }
  return { losses, worstGradient, updateMismatches, updateCount };
}

function expectMatches(c: Comparison): void {
  for (const [name, { ours, torch }] of c.losses) {
    expect(Math.abs(ours - torch) / Math.max(Math.abs(torch), 1e-6), name).toBeLessThan(1e-4);
  }
  expect(c.worstGradient.error, `worst gradient: ${c.worstGradient.name}`).toBeLessThan(1e-3);
  // Adam's first step moves each weight by about lr * sign(gradient); only weights whose
  // gradient is at rounding level may differ in sign.
  expect(c.updateMismatches / c.updateCount).toBeLessThan(1e-3);
}

const d = (inputChannels: number, norm: 'instance' | 'batch'): IrGraph => patchganDiscriminator({ inputChannels, ndf: 4, nLayers: 2, norm });
/** A mode's step graph over the given networks, at the reference loss weights, with every gradient an output. */
const stepOf = (Mode: typeof CycleganMode | typeof Pix2pixMode, mode: TrainMode, o: { batch: number; size: number; conditionSize?: number }, nets: Record<string, IrGraph>): StepGraph =>
  new Mode(trainSettings({ mode, dataA: '', batch: o.batch, size: o.size }), o.conditionSize ?? 0).buildStep(new Map(Object.entries(nets)), true);

describe('training step against PyTorch autograd and Adam', () => {
  it.each(DEVICES)('CycleGAN on %s: LSGAN, cycle and identity losses, pooled and fresh fakes', async (device) => {
    const file = await readSafetensors(join(FIXTURES, 'cyclegan.safetensors'));
    const g = (): IrGraph => resnetGenerator({ ngf: 4, nBlocks: 2, norm: 'instance', dropout: false });
    const step = stepOf(CycleganMode, 'cyclegan', { batch: 1, size: 32 }, { G_A: g(), G_B: g(), D_A: d(3, 'instance'), D_B: d(3, 'instance') });
    const c = await runStep(file, step, device);
    expect(c.losses.size).toBe(8);
    expectMatches(c);
  }, SLOW);

  it.each(DEVICES)('pix2pix on %s: U-Net and PatchGAN with batch norm over a batch of 2, D steps before G', async (device) => {
    const file = await readSafetensors(join(FIXTURES, 'pix2pix.safetensors'));
    const g = unetGenerator({ numDowns: 5, ngf: 4, norm: 'batch', dropout: false });
    const step = stepOf(Pix2pixMode, 'pix2pix', { batch: 2, size: 32 }, { G: g, D: d(6, 'batch') });
    expectMatches(await runStep(file, step, device));
  }, SLOW);

  it.each(DEVICES)('conditional on %s: StarGAN generator and a PatchGAN that both see the condition', async (device) => {
    const file = await readSafetensors(join(FIXTURES, 'conditional.safetensors'));
    const g = starganGenerator({ convDim: 4, cDim: 2, repeatNum: 1 });
    const step = stepOf(ConditionalMode, 'conditional', { batch: 2, size: 16, conditionSize: 2 }, { G: g, D: d(8, 'instance') });
    expectMatches(await runStep(file, step, device));
  }, SLOW);

  it.each(DEVICES)('conditional on %s: GAN Studio\'s variant, a shift from the condition in every residual block, with resize upsampling', async (device) => {
    const file = await readSafetensors(join(FIXTURES, 'conditional_blocks.safetensors'));
    const g = starganGenerator({ convDim: 4, cDim: 2, repeatNum: 2, upsample: 'resize', conditioning: 'blocks' });
    const step = stepOf(ConditionalMode, 'conditional', { batch: 2, size: 16, conditionSize: 2 }, { G: g, D: d(8, 'instance') });
    expectMatches(await runStep(file, step, device));
  }, SLOW);
});
