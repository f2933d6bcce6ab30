import onnxProto from 'onnx-proto';
import { tensorFloats } from './onnx-weights.js';

const { onnx } = onnxProto;
const { FLOAT, FLOAT16 } = onnx.TensorProto.DataType;

type TensorProto = onnxProto.onnx.ITensorProto;

/**
 * Inputs that stay float32 in a float16 graph: ONNX types them apart from the data
 * (Resize's roi and scales are `tensor(float)` whatever the image's type).
 */
const FLOAT32_SLOTS: Readonly<Record<string, readonly number[]>> = { Resize: [1, 2] };

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half-precision bits of a float32, rounded to nearest even; out of range becomes infinity. */
export function toHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0] ?? 0;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant === 0 ? 0 : 0x200);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    return sign | (rest > halfway || (rest === halfway && (half & 1) === 1) ? half + 1 : half);
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry out of the mantissa rounds into the exponent, which is the right result (up to infinity).
  return sign | (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1) ? half + 1 : half);
}

function halfTensor(t: TensorProto): TensorProto {
  const values = tensorFloats(t);
  const bits = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) bits[i] = toHalfBits(values[i] ?? 0);
  return { ...t, dataType: FLOAT16, floatData: [], rawData: new Uint8Array(bits.buffer) };
}

/** Why a model cannot have a float16 variant, or null. */
function unsupported(graph: onnxProto.onnx.IGraphProto): string | null {
  for (const t of graph.initializer ?? []) if ((t.externalData ?? []).length > 0) return `its tensor ${t.name ?? ''} is stored outside the file`;
  for (const n of graph.node ?? []) if ((n.attribute ?? []).some((a) => a.g !== null && a.g !== undefined)) return `its ${n.opType ?? ''} node has a subgraph`;
  return null;
}

/**
 * The float16 variant of a float32 model, for GPU providers: every float32 weight and constant
 * stored as float16 (half the bytes), the arithmetic in float16, and the graph's inputs and
 * outputs still float32 (a Cast at each end), so callers feed and read it exactly as the
 * original. Throws, with the reason, for a model this cannot convert.
 */
export function float16Variant(model: Uint8Array): Uint8Array {
  const proto = onnx.ModelProto.decode(model);
  const graph = proto.graph;
  if (graph === null || graph === undefined) throw new Error('the file holds no ONNX graph');
  const why = unsupported(graph);
  if (why !== null) throw new Error(`no float16 variant: ${why}`);

  const nodes = graph.node ?? [];
  const keep32 = new Set<string>();
  for (const n of nodes) for (const slot of FLOAT32_SLOTS[n.opType ?? ''] ?? []) if (n.input?.[slot] !== undefined) keep32.add(n.input[slot]);

  graph.initializer = (graph.initializer ?? []).map((t) => (t.dataType === FLOAT && !keep32.has(t.name ?? '') ? halfTensor(t) : t));
  for (const n of nodes) {
    for (const a of n.attribute ?? []) {
      if (n.opType === 'Constant' && a.t?.dataType === FLOAT && !keep32.has(n.output?.[0] ?? '')) a.t = halfTensor(a.t);
      if (n.opType === 'Cast' && a.name === 'to' && Number(a.i) === FLOAT) a.i = FLOAT16;
    }
  }

  // Inputs: a Cast to float16, read by the nodes that read the input; outputs: made in float16 under a new name, then cast back.
  const head: onnxProto.onnx.INodeProto[] = [];
  const renamed = new Map<string, string>();
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  for (const input of graph.input ?? []) {
    const name = input.name ?? '';
    if (initializers.has(name) || input.type?.tensorType?.elemType !== FLOAT) continue;
    renamed.set(name, `${name}#float16`);
    head.push({ opType: 'Cast', name: `Cast:${name}#float16`, input: [name], output: [`${name}#float16`], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT16 }] });
  }
  const tail: onnxProto.onnx.INodeProto[] = [];
  const outputs = new Map<string, string>();
  for (const output of graph.output ?? []) {
    const name = output.name ?? '';
    if (output.type?.tensorType?.elemType !== FLOAT) continue;
    outputs.set(name, `${name}#float16`);
    tail.push({ opType: 'Cast', name: `Cast:${name}`, input: [`${name}#float16`], output: [name], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }] });
  }
  for (const n of nodes) {
    n.input = (n.input ?? []).map((x) => (keep32.has(x) ? x : (renamed.get(x) ?? x)));
    n.output = (n.output ?? []).map((x) => outputs.get(x) ?? x);
  }
  graph.node = [...head, ...nodes, ...tail];
  // Intermediate types change; onnxruntime infers them again.
  graph.valueInfo = [];
  return onnx.ModelProto.encode(proto).finish();
}
