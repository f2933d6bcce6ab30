/**
 * The float16 variants of the bundled starters against float32, on the CPU provider: file size,
 * and the difference of outputs on a fixed input at each model's size. On the CPU onnxruntime
 * computes float16 nodes in float32, so this is the error of storing the weights in half
 * precision only; a GPU that computes in float16 adds its own rounding (bench/gpu-check.ts
 * measures that on the card, and the engine decides per device with a probe run).
 * Usage: npm run build && node dist/bench/float16-error.js
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { float16Variant } from '../electron/engine/graph/float16-variant.js';
import { inspectOnnx } from '../electron/engine/graph/onnx-inspect.js';
import { bundledModelsDir } from '../electron/engine/library/paths.js';
import { openGraphRunner, type TensorInput } from '../electron/engine/runtime/index.js';
import { machineLine, writeBenchmarkSection } from './benchmarks-file.js';

const STARTERS: [string, number][] = [['day2night', 256], ['night2day', 256], ['scene-attributes', 256], ['edges2handbags', 128]];

const rows: string[] = [];
for (const [name, side] of STARTERS) {
  const model = new Uint8Array(await readFile(join(bundledModelsDir(), name, 'model.onnx')));
  const half = float16Variant(model);
  const feeds: Record<string, TensorInput> = {};
  for (const input of inspectOnnx(model).inputs) {
    const image = input.dims.length === 4;
    const dims = image ? [1, 3, side, side] : [1, Number(input.dims[1])];
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = image ? 0.8 * Math.sin(i * 0.0137) * Math.cos(i * 0.00071) : 0.5;
    feeds[input.name] = { data, dims };
  }
  const [full, halved] = [await openGraphRunner(model, 'cpu'), await openGraphRunner(half, 'cpu')];
  const output = full.outputNames[0] ?? '';
  const a = (await full.run(feeds)).get(output) ?? new Float32Array();
  const b = (await halved.run(feeds)).get(output) ?? new Float32Array();
  await full.release();
  await halved.release();
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] ?? 0) - (b[i] ?? 0)) * 127.5;
    sum += d;
    max = Math.max(max, d);
  }
  const row = `| ${name} | ${side} x ${side} | ${(model.length / 1e6).toFixed(2)} MB | ${(half.length / 1e6).toFixed(2)} MB | ${(sum / a.length).toFixed(3)} | ${max.toFixed(2)} |`;
  console.log(row);
  rows.push(row);
}
const path = await writeBenchmarkSection(
  'float16-error',
  `## Float16 variants of the starters: size and the error of half-precision weights (CPU provider)

${new Date().toISOString().slice(0, 10)}, ${machineLine()}; \`npm run build && node dist/bench/float16-error.js\`.
On the CPU onnxruntime computes float16 nodes in float32, so these differences come from the
weights' rounding alone; a GPU computing in float16 adds its own. The engine runs a variant only
on a GPU provider, and only where its probe run stays within 1 level mean of float32 on that
device (\`runtime/float16-choice.ts\`). Differences in 8-bit levels, on a fixed input.

| model | size | float32 file | float16 file | mean difference | largest |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}`,
);
console.log(`wrote ${path}`);
