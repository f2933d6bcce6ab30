import ort from 'onnxruntime-node';
import { Tape } from '/work/wt/gpu/dist/electron/engine/graph/tape.js';
const t = new Tape('probe');
const x = t.input('x', [4]);
const y = t.rename(t.emit('Add', [x, t.constant(1)], [4]), 'y');
const s = await ort.InferenceSession.create(t.toOnnx([y]), { executionProviders: ['webgpu'], preferredOutputLocation: 'gpu-buffer', logSeverityLevel: 3 });
const t2 = new Tape('read');
const a = t2.input('a', [4]);
const b = t2.rename(t2.emit('Identity', [a], [4]), 'b');
const r2 = await ort.InferenceSession.create(t2.toOnnx([b]), { executionProviders: ['webgpu'], logSeverityLevel: 3 });
let feed = new ort.Tensor('float32', new Float32Array([1,2,3,4]), [4]);
for (let i = 0; i < 3; i++) {
  const out = await s.run({ x: feed });
  if (i > 0) feed.dispose();
  feed = out.y;
  const back = await r2.run({ a: feed });
  console.log(i, back.b.location, back.b.data);
}
