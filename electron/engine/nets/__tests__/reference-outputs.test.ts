import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitOnnx, normLayerChannels, statNames } from '../../graph/onnx-emitter.js';
import { readSafetensors, stateDictWeights, type TensorFile } from '../../graph/safetensors.js';
import { SessionManager, type TensorInput } from '../../runtime/index.js';
import { architectureFromMetadata, buildGenerator, type Architecture } from '../index.js';

/**
 * Each fixture holds a state dict made by real PyTorch with modules written to the public
 * reference definitions, an input, and PyTorch's output (see fixtures/README.md). The graph
 * emitted for the same architecture, run by onnxruntime on the CPU, must reproduce it.
 */
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const CASES = [
  'resnet6_instance',
  'resnet9_batch_dropout',
  'resnet9_instance_dropout',
  'unet128_batch',
  'unet256_instance',
  'stargan',
  // GAN Studio's own resize-then-convolve variant (upsample = resize), against PyTorch's nearest Upsample + conv.
  'resnet3_instance_resize',
  'unet64_batch_resize',
  'stargan_resize',
  // And its conditioning variant (conditioning = blocks): every residual block adds a 1 x 1 conv of the condition to its normalised features.
  'stargan_blocks_resize',
] as const;

function tensor(file: TensorFile, name: string): TensorInput {
  const t = file.tensors.get(name);
  if (t === undefined) throw new Error(`fixture lacks ${name}`);
  return { data: t.data, dims: t.shape };
}

let work: string;
const sessions = new SessionManager();
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gs-ref-'));
});
afterAll(async () => {
  await sessions.dispose();
  await rm(work, { recursive: true, force: true });
});

async function emitFixture(name: string): Promise<{ file: TensorFile; path: string; arch: Architecture }> {
  const file = await readSafetensors(join(FIXTURES, `${name}.safetensors`));
  const arch = architectureFromMetadata(file.metadata);
  const graph = buildGenerator(arch);
  const weights = stateDictWeights(file);
  // Every key of the checkpoint is either a graph parameter or one the graph ignores on purpose.
  const known = new Set([...graph.params.map((p) => p.name), ...graph.unusedKeys]);
  expect([...weights.keys()].filter((k) => !known.has(k))).toEqual([]);
  const path = join(work, `${name}.onnx`);
  await writeFile(path, emitOnnx(graph, weights));
  return { file, path, arch };
}

describe('emitted generators match PyTorch reference outputs', () => {
  for (const name of CASES) {
    it(name, async () => {
      const { file, path, arch } = await emitFixture(name);
      const feeds: Record<string, TensorInput> = { input: tensor(file, '__input__') };
      if (arch.family === 'stargan') feeds.condition = tensor(file, '__cond__');
      const result = await sessions.run(path, 'cpu', feeds);
      const expected = tensor(file, '__output__');
      expect(result.dims).toEqual(expected.dims);
      let maxDiff = 0;
      for (let i = 0; i < expected.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs((result.output[i] ?? NaN) - (expected.data[i] ?? NaN)));
      expect(maxDiff).toBeLessThan(1e-4);
    });
  }

  it('runs with a dynamic batch: each item equals its single-image output', async () => {
    const { file, path } = await emitFixture('resnet6_instance');
    const one = tensor(file, '__input__');
    const [, c, h, w] = one.dims as [number, number, number, number];
    const shifted = one.data.map((v) => -v);
    const batch = new Float32Array(one.data.length * 2);
    batch.set(one.data, 0);
    batch.set(shifted, one.data.length);
    const both = await sessions.run(path, 'cpu', { input: { data: batch, dims: [2, c, h, w] } });
    const single = await sessions.run(path, 'cpu', { input: { data: shifted, dims: [1, c, h, w] } });
    const expected = tensor(file, '__output__').data;
    const size = c * h * w;
    for (let i = 0; i < size; i += 7) {
      expect(Math.abs((both.output[i] ?? 0) - (expected[i] ?? 0))).toBeLessThan(1e-4);
      expect(Math.abs((both.output[size + i] ?? 0) - (single.output[i] ?? 0))).toBeLessThan(1e-5);
    }
  });

  it('reproduces the reference when norm statistics are collected in one run and injected in another', async () => {
    const file = await readSafetensors(join(FIXTURES, 'resnet9_batch_dropout.safetensors'));
    const graph = buildGenerator(architectureFromMetadata(file.metadata));
    const weights = stateDictWeights(file);
    const collectPath = join(work, 'collect.onnx');
    const injectPath = join(work, 'inject.onnx');
    await writeFile(collectPath, emitOnnx(graph, weights, { normStats: 'collect' }));
    await writeFile(injectPath, emitOnnx(graph, weights, { normStats: 'inject' }));
    const input = tensor(file, '__input__');
    const collected = await sessions.run(collectPath, 'cpu', { input });
    const feeds: Record<string, TensorInput> = { input };
    const channels = normLayerChannels(graph);
    expect(channels).toHaveLength(23);
    channels.forEach((c, k) => {
      const names = statNames(k);
      for (const name of [names.mean, names.variance]) feeds[name] = { data: collected.outputs.get(name)?.data ?? new Float32Array(), dims: [c] };
    });
    const injected = await sessions.run(injectPath, 'cpu', feeds);
    const expected = tensor(file, '__output__').data;
    let maxDiff = 0;
    for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs((injected.output[i] ?? NaN) - (expected[i] ?? NaN)));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('refuses weights that do not fit, naming the keys', () => {
    const graph = buildGenerator({ family: 'resnet', ngf: 4, nBlocks: 1, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3 });
    const weights = new Map(graph.params.map((p) => [p.name, new Float32Array(p.shape.reduce((a, b) => a * b, 1))]));
    weights.delete('model.1.weight');
    weights.set('model.4.bias', new Float32Array(3));
    expect(() => emitOnnx(graph, weights)).toThrow(/missing model\.1\.weight.*model\.4\.bias \(expected \[8\] = 8 values, got 3\)/);
  });
});
