import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTinyModel } from '../../../../e2e/fixtures/tiny-model.js';
import { maxDifference, webgpuSkipReason } from '../../../../e2e/fixtures/webgpu.js';
import { emitOnnx } from '../../graph/onnx-emitter.js';
import { randomWeights } from '../../graph/weights.js';
import { StripTranslator } from '../../jobs/strip-translator.js';
import { buildGenerator, GENERATOR_FAMILIES, patchganDiscriminator, sizeMultiple, type Architecture } from '../../nets/index.js';
import { Tape } from '../../graph/tape.js';
import { openGraphRunner } from '../graph-runner.js';
import { DeviceValue, type Feed, type TensorInput } from '../ort-session.js';
import { providerSummary } from '../provider-policy.js';
import { SessionManager } from '../session-manager.js';
import { softwareVulkanOnly, vulkanDrivers } from '../vulkan-drivers.js';

/**
 * The WebGPU provider computes what the CPU provider computes: every generator family, whole
 * and in the layer-by-layer strips, at tiny shapes (on CI the device is SwiftShader, a CPU
 * Vulkan driver, so it is slow). Equal means equal to float rounding: a wrong kernel, layout
 * or padding on the GPU path is off by far more than TOLERANCE.
 */
const TOLERANCE = 1e-4;
/** SwiftShader compiles every kernel of every session on the processor: on a loaded machine a test takes minutes. */
const SLOW = 300_000;

/** A tiny network of each registered family (a new family must add one here). */
const TINY: Record<string, Architecture> = {
  resnet: { family: 'resnet', ngf: 4, nBlocks: 1, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3 },
  unet: { family: 'unet', ngf: 4, numDowns: 5, norm: 'batch', dropout: false, inputChannels: 3, outputChannels: 3 },
  stargan: { family: 'stargan', convDim: 4, cDim: 2, repeatNum: 1 },
};

/** Smooth input with some structure, in the model's [-1, 1] range. */
function input(channels: number, side: number): Float32Array {
  return new Float32Array(channels * side * side).map((_, i) => Math.sin(i * 0.37) * 0.8 + Math.cos(i * 0.011) * 0.2);
}

const skip = webgpuSkipReason();
if (skip !== null) console.warn(`WebGPU parity skipped: ${skip}`);

let home: string;
const sessions = new SessionManager();
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'gs-webgpu-'));
});
afterAll(async () => {
  await sessions.dispose();
  await rm(home, { recursive: true, force: true });
});

describe('the software adapter', () => {
  // Where a GPU's driver is installed, auto rightly takes it: this is about a software-only system (CI).
  it.skipIf(skip !== null || softwareVulkanOnly(vulkanDrivers()) === null)('is passed over by auto, with the reason in the one provider line, and used when webgpu is named', async () => {
    const graph = buildGenerator(TINY.resnet as Architecture);
    const model = emitOnnx(graph, randomWeights(graph, 3));
    const auto = await openGraphRunner(model, 'auto');
    expect(auto.provider).toBe('cpu');
    expect(providerSummary(auto.provider, auto.fallbacks)).toMatch(/^cpu \(webgpu skipped: the only Vulkan driver is SwiftShader, which runs on the processor \(--device webgpu uses it\)\)$/);
    await auto.release();
    const named = await openGraphRunner(model, 'webgpu');
    expect(named.provider).toBe('webgpu');
    expect(providerSummary(named.provider, named.fallbacks)).toMatch(/^webgpu \(on SwiftShader, a software Vulkan driver/);
    await named.release();
  }, SLOW);
});

describe('state kept on the device', () => {
  /** x -> x + 1 and a loss-like sum: what a training step does to its state, in small. */
  function stepGraph(): Uint8Array {
    const t = new Tape('keep');
    const x = t.input('x', [4]);
    const next = t.rename(t.emit('Add', [x, t.constant(1)], [4]), "x'");
    const sum = t.rename(t.emit('ReduceSum', [x, t.ints([0])], [1], { keepdims: 1 }), 'sum');
    return t.toOnnx([next, sum]);
  }

  it.skipIf(skip !== null)('on webgpu the kept outputs stay in GPU buffers, are fed back as they are and read back on request', async () => {
    const runner = await openGraphRunner(stepGraph(), 'webgpu', { keepOnDevice: ["x'"] });
    expect(runner.provider).toBe('webgpu');
    let x: Feed = { data: Float32Array.of(1, 2, 3, 4), dims: [4] };
    const sums: number[] = [];
    for (let k = 0; k < 3; k++) {
      const out = await runner.step({ x });
      sums.push(out.host.get('sum')?.[0] ?? Number.NaN);
      expect(out.host.has("x'")).toBe(false);
      const kept = out.device.get("x'");
      expect(kept).toBeInstanceOf(DeviceValue);
      if (x instanceof DeviceValue) x.dispose();
      x = kept as DeviceValue;
    }
    expect(sums).toEqual([10, 14, 18]);
    const back = await runner.download(new Map([['state', x as DeviceValue]]));
    expect([...(back.get('state') ?? [])]).toEqual([4, 5, 6, 7]);
    (x as DeviceValue).dispose();
    await runner.release();
  }, SLOW);

  it('on the CPU the same outputs come back as plain arrays', async () => {
    const runner = await openGraphRunner(stepGraph(), 'cpu', { keepOnDevice: ["x'"] });
    const out = await runner.step({ x: { data: Float32Array.of(1, 2, 3, 4), dims: [4] } });
    expect(out.device.size).toBe(0);
    expect([...(out.host.get("x'") ?? [])]).toEqual([2, 3, 4, 5]);
    await runner.release();
  });
});

describe.skipIf(skip !== null)(`WebGPU against the CPU${skip === null ? '' : ` (skipped: ${skip})`}`, () => {
  it('has a tiny network for every registered family', () => {
    expect(Object.keys(TINY).sort()).toEqual(GENERATOR_FAMILIES.map((f) => f.name).sort());
  });

  it.each(Object.entries(TINY))('%s: the whole graph gives the CPU provider\'s output', async (_name, arch) => {
    const graph = buildGenerator(arch);
    const model = emitOnnx(graph, randomWeights(graph, 11));
    const side = Math.max(32, sizeMultiple(arch));
    const feeds = Object.fromEntries(
      graph.inputs.map((i) => [i.name, i.layout === 'image' ? { data: input(i.channels, side), dims: [1, i.channels, side, side] } : { data: Float32Array.from({ length: i.channels }, (_, k) => (k + 1) / (i.channels + 1)), dims: [1, i.channels] }]),
    );
    const gpu = await openGraphRunner(model, 'webgpu');
    const cpu = await openGraphRunner(model, 'cpu');
    try {
      expect(gpu.provider, JSON.stringify(gpu.fallbacks)).toBe('webgpu');
      const [a, b] = [await gpu.run(feeds), await cpu.run(feeds)];
      const [onGpu, onCpu] = [a.get(graph.output.name) ?? new Float32Array(), b.get(graph.output.name) ?? new Float32Array()];
      // A network whose output is flat would match whatever the kernels did.
      expect(maxDifference(onCpu, new Float32Array(onCpu.length))).toBeGreaterThan(0.05);
      expect(maxDifference(onGpu, onCpu)).toBeLessThan(TOLERANCE);
    } finally {
      await gpu.release();
      await cpu.release();
    }
  }, SLOW);

  it('a discriminator over 3 + 3 channels (pix2pix\'s), a Conv that WebGPU gets wrong unpadded (graph/conv-channels)', async () => {
    const graph = patchganDiscriminator({ inputChannels: 6, ndf: 4, nLayers: 1, norm: 'batch' });
    const model = emitOnnx(graph, randomWeights(graph, 5));
    const feeds = { [graph.inputs[0]?.name ?? '']: { data: input(6, 16), dims: [1, 6, 16, 16] } };
    const gpu = await openGraphRunner(model, 'webgpu');
    const cpu = await openGraphRunner(model, 'cpu');
    try {
      expect(gpu.provider).toBe('webgpu');
      const [a, b] = [(await gpu.run(feeds)).get(graph.output.name) ?? [], (await cpu.run(feeds)).get(graph.output.name) ?? []];
      expect(maxDifference(a, b)).toBeLessThan(TOLERANCE);
    } finally {
      await gpu.release();
      await cpu.release();
    }
  }, SLOW);

  it.each(Object.entries(TINY))('%s: the layer-by-layer strips give the CPU strips\' pixels', async (name, arch) => {
    const entry = await installTinyModel(home, `strip-${name}`, arch);
    const side = Math.max(48, sizeMultiple(arch));
    const rgb = new Uint8Array(side * side * 3).map((_, i) => (i * 37 + (i >> 7) * 11) & 255);
    const extraFeeds: Record<string, TensorInput> = arch.family === 'stargan' ? { condition: { data: new Float32Array([1, 0.5]), dims: [1, 2] } } : {};
    const strips = new StripTranslator(entry, sessions, join(home, 'scratch'));
    // A budget small enough that every layer runs in several strips.
    const options = { budgetBytes: 2 ** 16, extraFeeds };
    const gpu = await strips.translate(rgb, side, side, 'webgpu', options);
    const cpu = await strips.translate(rgb, side, side, 'cpu', options);
    expect(gpu.provider, JSON.stringify(gpu.fallbacks)).toBe('webgpu');
    expect(gpu.outputStripRows).toBeLessThan(side);
    // Pixels are rounded to levels: rounding may tip a value that sits at a half level.
    expect(maxDifference(gpu.rgb, cpu.rgb)).toBeLessThanOrEqual(1);
    expect(gpu.rgb.filter((v, i) => v !== cpu.rgb[i]).length).toBeLessThan(gpu.rgb.length / 1000);
  }, SLOW);
});
