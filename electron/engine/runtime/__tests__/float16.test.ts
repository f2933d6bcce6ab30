import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTinyModel } from '../../../../e2e/fixtures/tiny-model.js';
import { maxDifference, webgpuSkipReason } from '../../../../e2e/fixtures/webgpu.js';
import { float16Variant, toHalfBits } from '../../graph/float16-variant.js';
import { inspectOnnx } from '../../graph/onnx-inspect.js';
import { emitOnnx } from '../../graph/onnx-emitter.js';
import { Tape } from '../../graph/tape.js';
import { randomWeights } from '../../graph/weights.js';
import { buildGenerator, GENERATOR_FAMILIES, sizeMultiple, type Architecture } from '../../nets/index.js';
import { openGraphRunner } from '../graph-runner.js';
import { SessionManager } from '../session-manager.js';

/** A tiny network of each registered family, the resize upsampling too (its Resize scales must stay float32). */
const TINY: Record<string, Architecture> = {
  resnet: { family: 'resnet', ngf: 4, nBlocks: 1, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3, upsample: 'resize' },
  unet: { family: 'unet', ngf: 4, numDowns: 5, norm: 'batch', dropout: false, inputChannels: 3, outputChannels: 3 },
  stargan: { family: 'stargan', convDim: 4, cDim: 2, repeatNum: 1 },
};

const image = (side: number): Float32Array => new Float32Array(3 * side * side).map((_, i) => Math.sin(i * 0.37) * 0.8 + Math.cos(i * 0.011) * 0.2);
const meanLevels = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + Math.abs(v - (b[i] ?? Number.NaN)), 0) * (127.5 / a.length);

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'gs-float16-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('float16 variants', () => {
  it('rounds to the nearest half, ties to even, with infinity beyond 65504', () => {
    expect([1, -2, 0.5, 65504, 65519, 65520, 1e9, 2 ** -24, 2 ** -26, 0].map(toHalfBits)).toEqual([0x3c00, 0xc000, 0x3800, 0x7bff, 0x7bff, 0x7c00, 0x7c00, 0x0001, 0x0000, 0x0000]);
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // halfway between 1 and the next half: even
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toHalfBits(Number.NaN) & 0x7c00).toBe(0x7c00);
  });

  it('covers every registered family', () => {
    expect(Object.keys(TINY).sort()).toEqual(GENERATOR_FAMILIES.map((f) => f.name).sort());
  });

  it.each(Object.entries(TINY))('%s: half the weight bytes, float32 in and out, the same picture', async (_name, arch) => {
    const graph = buildGenerator(arch);
    const model = emitOnnx(graph, randomWeights(graph, 5));
    const half = float16Variant(model);
    expect(half.length).toBeLessThan(model.length * 0.6);
    expect(inspectOnnx(half).inputs).toEqual(inspectOnnx(model).inputs);
    expect(inspectOnnx(half).outputs).toEqual(inspectOnnx(model).outputs);
    const side = Math.max(32, sizeMultiple(arch));
    const feeds = Object.fromEntries(graph.inputs.map((i) => [i.name, i.layout === 'image' ? { data: image(side), dims: [1, 3, side, side] } : { data: new Float32Array(i.channels).fill(0.5), dims: [1, i.channels] }]));
    // On the CPU onnxruntime computes the float16 nodes in float32, so this checks the graph and the weights' rounding.
    const [full, halved] = [await openGraphRunner(model, 'cpu'), await openGraphRunner(half, 'cpu')];
    const a = (await full.run(feeds)).get(graph.output.name) ?? new Float32Array();
    const b = (await halved.run(feeds)).get(graph.output.name) ?? new Float32Array();
    await full.release();
    await halved.release();
    expect(maxDifference(a, new Float32Array(a.length))).toBeGreaterThan(0.05);
    expect(meanLevels(a, b)).toBeLessThan(0.5);
  });
});

describe('SessionManager with float16 variants', () => {
  const input = { data: image(16), dims: [1, 3, 16, 16] };

  it('runs a faithful variant, keeps it and the decision in the cache, and decides once per device', async () => {
    const modelPath = (await installTinyModel(home, 'tiny')).onnxPath;
    const cacheDir = join(home, 'cache-faithful');
    // The CPU is let in here only because it is the device at hand; by default only GPUs get variants.
    const sessions = new SessionManager({ float16: { cacheDir, providers: ['cpu'] } });
    const plain = new SessionManager();
    const [half, full] = [await sessions.run(modelPath, 'cpu', { input }), await plain.run(modelPath, 'cpu', { input })];
    expect(half.precision).toBe('float16');
    expect(half.precisionReason).toMatch(/^float16: 0\.\d+ levels mean .* from float32 on cpu$/);
    expect(full.precision).toBe('float32');
    expect(meanLevels(full.output, half.output)).toBeLessThan(0.5);
    const files = (await readdir(cacheDir)).sort();
    expect(files).toEqual([expect.stringMatching(/^[0-9a-f]{32}\.cpu\.json$/), expect.stringMatching(/^[0-9a-f]{32}\.float16\.onnx$/)]);
    expect((await stat(join(cacheDir, files[1] ?? ''))).size).toBeLessThan((await stat(modelPath)).size);

    // A later process reads the decision: a decision file saying float32 is obeyed without a new probe.
    const decision = join(cacheDir, files[0] ?? '');
    await writeFile(decision, JSON.stringify({ precision: 'float32', reason: 'float32: decided before' }));
    const again = new SessionManager({ float16: { cacheDir, providers: ['cpu'] } });
    const result = await again.run(modelPath, 'cpu', { input });
    expect([result.precision, result.precisionReason]).toEqual(['float32', 'float32: decided before']);
    expect(result.output).toEqual(full.output);
    await Promise.all([sessions.dispose(), plain.dispose(), again.dispose()]);
  });

  it('keeps float32 for a model that float16 cannot hold, and says by how much', async () => {
    // x * 1e5 * 1e-5: exact in float32; in float16 1e5 is infinity.
    const t = new Tape('overflow');
    const x = t.input('input', [1, 3, 16, 16]);
    const y = t.rename(t.emit('Mul', [t.emit('Mul', [x, t.constant(1e5)], [1, 3, 16, 16]), t.constant(1e-5)], [1, 3, 16, 16]), 'output');
    const modelPath = join(home, 'overflow.onnx');
    await writeFile(modelPath, t.toOnnx([y]));
    const sessions = new SessionManager({ float16: { cacheDir: join(home, 'cache-overflow'), providers: ['cpu'] } });
    const result = await sessions.run(modelPath, 'cpu', { input });
    expect(result.precision).toBe('float32');
    expect(result.precisionReason).toMatch(/^float32: float16 is Infinity levels mean .* over 1$/);
    expect(maxDifference(result.output, input.data)).toBeLessThan(1e-5);
    await sessions.dispose();
  });

  it('never makes a variant for the CPU unless asked', async () => {
    const modelPath = (await installTinyModel(home, 'tiny-cpu')).onnxPath;
    const cacheDir = join(home, 'cache-default');
    const sessions = new SessionManager({ float16: { cacheDir } });
    expect((await sessions.run(modelPath, 'cpu', { input })).precision).toBe('float32');
    await expect(readdir(cacheDir)).rejects.toThrow(/ENOENT/);
    await sessions.dispose();
  });
});

const skip = webgpuSkipReason();
describe.skipIf(skip !== null)(`float16 on WebGPU${skip === null ? '' : ` (skipped: ${skip})`}`, () => {
  it('on a device without shader-f16 (SwiftShader) runs float32 and says why', async () => {
    const modelPath = (await installTinyModel(home, 'tiny-gpu')).onnxPath;
    const cacheDir = join(home, 'cache-webgpu');
    const sessions = new SessionManager({ float16: { cacheDir } });
    const input = { data: image(16), dims: [1, 3, 16, 16] };
    const result = await sessions.run(modelPath, 'webgpu', { input });
    const cpu = await new SessionManager().run(modelPath, 'cpu', { input });
    expect(result.provider).toBe('webgpu');
    expect(result.precision).toBe('float32');
    expect(result.precisionReason).toMatch(/^float32: no float16 variant on webgpu \(.*f16/);
    expect(maxDifference(result.output, cpu.output)).toBeLessThan(1e-4);
    const decision = (await readdir(cacheDir)).find((f) => f.endsWith('.webgpu.json')) ?? '';
    expect(JSON.parse(await readFile(join(cacheDir, decision), 'utf8'))).toMatchObject({ precision: 'float32' });
    await sessions.dispose();
  }, 300_000);
});
