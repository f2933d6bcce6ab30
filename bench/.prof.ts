import { emitOnnx } from '../electron/engine/graph/onnx-emitter.js';
import { randomWeights } from '../electron/engine/graph/weights.js';
import { buildGenerator } from '../electron/engine/nets/index.js';
import { openGraphRunner } from '../electron/engine/runtime/index.js';
const arch = { family: 'resnet', ngf: 4, nBlocks: 2, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3 } as const;
const graph = buildGenerator(arch);
const model = emitOnnx(graph, randomWeights(graph, 11));
for (const side of [32, 16]) {
const feeds = { input: { data: new Float32Array(3 * side * side).fill(0.1), dims: [1, 3, side, side] } };
for (let k = 0; k < 2; k++) {
  let t = performance.now();
  const r = await openGraphRunner(model, 'webgpu');
  const c = performance.now() - t; t = performance.now();
  await r.run(feeds); const r1 = performance.now() - t; t = performance.now();
  await r.run(feeds); const r2 = performance.now() - t;
  console.log(side, r.provider, 'create', c.toFixed(0), 'run1', r1.toFixed(0), 'run2', r2.toFixed(0));
  await r.release();
}}
