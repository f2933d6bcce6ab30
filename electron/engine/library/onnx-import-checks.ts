import { open, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import onnxProto from 'onnx-proto';
import { describeSystemError, StudioError } from '../errors.js';
import { rawAs } from '../graph/raw-values.js';
import { refuseNonFiniteWeights } from './finite-weights.js';

const { onnx } = onnxProto;
const DataType = onnx.TensorProto.DataType;
type Tensor = onnxProto.onnx.ITensorProto;
type Graph = onnxProto.onnx.IGraphProto;

/** Bytes per element of the tensor types whose size can be checked (strings cannot). */
const ELEMENT_BYTES: ReadonlyMap<number, number> = new Map([
  [DataType.FLOAT, 4],
  [DataType.UINT8, 1],
  [DataType.INT8, 1],
  [DataType.UINT16, 2],
  [DataType.INT16, 2],
  [DataType.INT32, 4],
  [DataType.INT64, 8],
  [DataType.BOOL, 1],
  [DataType.FLOAT16, 2],
  [DataType.DOUBLE, 8],
  [DataType.UINT32, 4],
  [DataType.UINT64, 8],
  [DataType.COMPLEX64, 8],
  [DataType.COMPLEX128, 16],
  [DataType.BFLOAT16, 2],
]);

/** Protobuf cannot encode a message of 2 GiB or more, so inlined data must stay below it. */
const MAX_MODEL_BYTES = 2 ** 31 - 2 ** 20;

/** Operator domains onnxruntime implements kernels for (the default one is '' or 'ai.onnx'). */
const RUNTIME_DOMAINS = new Set(['', 'ai.onnx', 'ai.onnx.ml', 'com.microsoft', 'com.microsoft.nchwc', 'com.ms.internal.nhwc']);

export interface CheckedOnnx {
  /** The model to install: the file's own bytes, or, when it had external data, a copy with the data inlined. */
  bytes: Uint8Array;
  notes: string[];
}

function refuse(path: string, message: string): never {
  throw new StudioError('BAD_MODEL', `${path}: ${message}`);
}

/** Every tensor a model carries (initializers, sparse parts, node attributes) and every node, in every subgraph and function. */
function contentsOf(model: onnxProto.onnx.IModelProto): { tensors: Tensor[]; nodes: onnxProto.onnx.INodeProto[] } {
  const tensors: Tensor[] = [];
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const sparse = (list: readonly onnxProto.onnx.ISparseTensorProto[]): void => {
    for (const s of list) tensors.push(...(s.values ? [s.values] : []), ...(s.indices ? [s.indices] : []));
  };
  const graphs: Graph[] = model.graph ? [model.graph] : [];
  const pending = (model.functions ?? []).flatMap((f) => f.node ?? []);
  for (;;) {
    const g = graphs.pop();
    if (g !== undefined) {
      tensors.push(...(g.initializer ?? []));
      sparse(g.sparseInitializer ?? []);
      pending.push(...(g.node ?? []));
      continue;
    }
    const node = pending.pop();
    if (node === undefined) return { tensors, nodes };
    nodes.push(node);
    for (const a of node.attribute ?? []) {
      tensors.push(...(a.t ? [a.t] : []), ...(a.tensors ?? []));
      sparse([...(a.sparseTensor ? [a.sparseTensor] : []), ...(a.sparseTensors ?? [])]);
      graphs.push(...(a.g ? [a.g] : []), ...(a.graphs ?? []));
    }
  }
}

function declaredElements(path: string, t: Tensor, name: string): number {
  let n = 1;
  for (const d of t.dims ?? []) {
    const v = Number(d);
    if (!Number.isSafeInteger(v) || v < 0) refuse(path, `tensor ${name} has a dimension of ${String(d)}`);
    n *= v;
    if (!Number.isSafeInteger(n) || n > MAX_MODEL_BYTES) refuse(path, `tensor ${name} declares shape [${(t.dims ?? []).join(', ')}], far larger than any model file`);
  }
  return n;
}

/** How many elements the tensor's inline fields hold, for its type. */
function inlineElements(t: Tensor, elementBytes: number): number {
  if (t.rawData && t.rawData.byteLength > 0) return t.rawData.byteLength / elementBytes;
  switch (t.dataType) {
    case DataType.FLOAT:
      return t.floatData?.length ?? 0;
    case DataType.DOUBLE:
      return t.doubleData?.length ?? 0;
    case DataType.INT64:
      return t.int64Data?.length ?? 0;
    case DataType.UINT32:
    case DataType.UINT64:
      return t.uint64Data?.length ?? 0;
    case DataType.COMPLEX64:
      return (t.floatData?.length ?? 0) / 2;
    case DataType.COMPLEX128:
      return (t.doubleData?.length ?? 0) / 2;
    default:
      // int32_data carries every narrower integer type, bool and the 16-bit floats.
      return t.int32Data?.length ?? 0;
  }
}

/** A tensor's float values when it is float32, float64 or float16 (for the finiteness check). */
function floatValues(t: Tensor): ArrayLike<number> | undefined {
  const raw = t.rawData && t.rawData.byteLength > 0 ? t.rawData : undefined;
  if (t.dataType === DataType.FLOAT) return raw === undefined ? (t.floatData ?? []) : rawAs(raw, Float32Array);
  if (t.dataType === DataType.DOUBLE) return raw === undefined ? (t.doubleData ?? []) : rawAs(raw, Float64Array);
  if (t.dataType === DataType.FLOAT16 || t.dataType === DataType.BFLOAT16) {
    // Only whether the value is finite matters: all-ones exponent bits mean NaN or infinity.
    const halves = raw === undefined ? Uint16Array.from(t.int32Data ?? []) : rawAs(raw, Uint16Array);
    const exponent = t.dataType === DataType.FLOAT16 ? 0x7c00 : 0x7f80;
    return Array.from(halves, (h) => ((h & exponent) === exponent ? NaN : 0));
  }
  return undefined;
}

/** A data file the model points at: inside the model's folder once links are followed, or refused. */
async function externalFile(path: string, location: string, name: string): Promise<string> {
  const folder = dirname(resolve(path));
  const shownLocation = JSON.stringify(location);
  if (location === '' || isAbsolute(location) || location.includes('\0')) {
    refuse(path, `tensor ${name} keeps its data at ${shownLocation}; external data must be a relative path inside the model's folder`);
  }
  const target = resolve(folder, location);
  const inside = (root: string, p: string): boolean => {
    const r = relative(root, p);
    return r !== '' && !r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r);
  };
  if (!inside(folder, target)) refuse(path, `tensor ${name} keeps its data at ${shownLocation}, outside the model's folder ${folder}; refused`);
  let real: string;
  try {
    real = await realpath(target);
  } catch (err) {
    return refuse(path, `tensor ${name} keeps its data in ${shownLocation}, which cannot be read: ${describeSystemError(err)}`);
  }
  if (!inside(await realpath(folder), real)) refuse(path, `tensor ${name} keeps its data in ${shownLocation}, a link that leads outside the model's folder; refused`);
  if (!(await stat(real)).isFile()) refuse(path, `tensor ${name} keeps its data in ${shownLocation}, which is not a file`);
  return real;
}

async function readRange(path: string, file: string, offset: number, length: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const out = new Uint8Array(length);
    const { bytesRead } = await handle.read(out, 0, length, offset);
    if (bytesRead !== length) refuse(path, `${file} ended after ${bytesRead} of ${length} bytes`);
    return out;
  } finally {
    await handle.close();
  }
}

/**
 * Checks an ONNX model before it is installed, so that a bad file fails at import with a
 * reason and never when the user translates: every tensor's declared size against the data
 * present, external data only from files inside the model's folder (then inlined, so the
 * installed model.onnx stands alone), finite float weights, and operators only from domains
 * onnxruntime implements. The trial run (runtime) then proves the kernels exist.
 */
export async function checkOnnxModel(path: string, fileBytes: Uint8Array): Promise<CheckedOnnx> {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(fileBytes);
  } catch (err) {
    return refuse(path, `not a readable ONNX model (${(err as Error).message})`);
  }
  const notes: string[] = [];
  let inlined = 0;
  let total = fileBytes.byteLength;
  const floats: [string, ArrayLike<number>][] = [];
  const { tensors, nodes } = contentsOf(model);
  for (const t of tensors) {
    const name = JSON.stringify(t.name ?? '');
    const type = Number(t.dataType ?? 0);
    const elementBytes = ELEMENT_BYTES.get(type);
    if (type === DataType.STRING) continue;
    if (elementBytes === undefined) refuse(path, `tensor ${name} has element type ${type}, which GAN Studio does not check or run`);
    const declared = declaredElements(path, t, name);
    const bytes = declared * elementBytes;
    if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
      const info = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
      const file = await externalFile(path, info.get('location') ?? '', name);
      const offset = Number(info.get('offset') ?? '0');
      const size = (await stat(file)).size;
      const length = info.has('length') ? Number(info.get('length')) : size - offset;
      if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0 || offset + length > size) {
        refuse(path, `tensor ${name} reads bytes ${offset}..${offset + length} of ${JSON.stringify(info.get('location'))}, which holds ${size}`);
      }
      if (length !== bytes) refuse(path, `tensor ${name} declares shape [${(t.dims ?? []).join(', ')}] (${bytes} bytes), but its external data is ${length} bytes`);
      total += length;
      if (total > MAX_MODEL_BYTES) refuse(path, 'the model with its external data is 2 GiB or more, which GAN Studio cannot install as one file');
      t.rawData = await readRange(path, file, offset, length);
      t.externalData = [];
      t.dataLocation = onnx.TensorProto.DataLocation.DEFAULT;
      inlined++;
    } else {
      const held = inlineElements(t, elementBytes);
      if (held !== declared) {
        refuse(path, `tensor ${name} declares shape [${(t.dims ?? []).join(', ')}] (${declared} values), but the file holds ${held}`);
      }
    }
    const values = floatValues(t);
    if (values !== undefined) floats.push([name, values]);
  }
  refuseNonFiniteWeights(path, floats);
  const localFunctions = new Set((model.functions ?? []).map((f) => `${f.domain ?? ''}:${f.name ?? ''}`));
  const imported = new Set((model.opsetImport ?? []).map((o) => o.domain ?? ''));
  for (const node of nodes) {
    const domain = node.domain ?? '';
    const op = JSON.stringify(node.opType ?? '');
    if (localFunctions.has(`${domain}:${node.opType ?? ''}`)) continue;
    if (!imported.has(domain) && !(domain === 'ai.onnx' && imported.has(''))) {
      refuse(path, `operator ${op} is from domain ${JSON.stringify(domain)}, which the model does not import`);
    }
    if (!RUNTIME_DOMAINS.has(domain)) {
      refuse(path, `operator ${op} is from domain ${JSON.stringify(domain)}, a custom operator onnxruntime does not implement`);
    }
  }
  if (inlined === 0) return { bytes: fileBytes, notes };
  notes.push(`external data of ${inlined} tensor${inlined === 1 ? '' : 's'} copied into the installed model`);
  return { bytes: onnx.ModelProto.encode(model).finish(), notes };
}
