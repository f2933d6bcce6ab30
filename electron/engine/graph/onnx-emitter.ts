import onnxProto from 'onnx-proto';
import type { IrGraph, IrNode } from './ir.js';
import { checkWeights, type WeightMap } from './weights.js';

const { onnx } = onnxProto;

/** ONNX opset the emitter targets: supported by every onnxruntime provider we use. */
export const OPSET = 17;
const IR_VERSION = 8;

type Attribute = onnxProto.onnx.IAttributeProto;
type NodeProto = onnxProto.onnx.INodeProto;
type TensorProto = onnxProto.onnx.ITensorProto;

function intsAttr(name: string, ints: number[]): Attribute {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints };
}
function floatAttr(name: string, f: number): Attribute {
  return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f };
}
function intAttr(name: string, i: number): Attribute {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}
function stringAttr(name: string, s: string): Attribute {
  return { name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(s) };
}

function floatTensor(name: string, dims: readonly number[], data: Float32Array): TensorProto {
  // raw_data is little-endian float32, which is what a Float32Array holds on every platform we ship.
  return {
    name,
    dims: [...dims],
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

function int64Tensor(name: string, values: number[]): TensorProto {
  const data = new BigInt64Array(values.map((v) => BigInt(v)));
  return {
    name,
    dims: [values.length],
    dataType: onnx.TensorProto.DataType.INT64,
    rawData: new Uint8Array(data.buffer),
  };
}

function valueInfo(name: string, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export interface EmitOptions {
  /** Free-form strings stored in the model's metadata_props (architecture, source, ...). */
  metadata?: Record<string, string>;
  producerVersion?: string;
}

/**
 * Lowers an IR graph plus its weights to a serialized ONNX model with dynamic batch, height
 * and width. Weights are checked first: a missing or misshaped tensor is an error naming it.
 */
export function emitOnnx(graph: IrGraph, weights: WeightMap, options: EmitOptions = {}): Uint8Array {
  checkWeights(graph, weights);
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const int64Consts = new Map<string, string>();

  const int64Const = (values: number[]): string => {
    const key = values.join(',');
    let name = int64Consts.get(key);
    if (name === undefined) {
      name = `i64/${key}`;
      int64Consts.set(key, name);
      initializers.push(int64Tensor(name, values));
    }
    return name;
  };

  for (const p of graph.params) {
    const data = weights.get(p.name);
    if (data === undefined) throw new Error(`unreachable: ${p.name} checked above`);
    initializers.push(floatTensor(p.name, p.shape, data));
  }
  for (const c of graph.constants) {
    const size = c.shape.reduce((a, b) => a * b, 1);
    initializers.push(floatTensor(c.name, c.shape, new Float32Array(size).fill(c.fill)));
  }

  for (const node of graph.nodes) lower(node, nodes, int64Const);

  const imageDims = (channels: number): (number | string)[] => ['batch', channels, 'height', 'width'];
  const model: onnxProto.onnx.IModelProto = {
    irVersion: IR_VERSION,
    producerName: 'gan-studio',
    producerVersion: options.producerVersion ?? '0',
    opsetImport: [{ domain: '', version: OPSET }],
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: graph.name,
      node: nodes,
      initializer: initializers,
      input: graph.inputs.map((i) =>
        valueInfo(i.name, i.layout === 'image' ? imageDims(i.channels) : ['batch', i.channels]),
      ),
      output: [valueInfo(graph.output.name, imageDims(graph.output.channels))],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

function lower(node: IrNode, out: NodeProto[], int64Const: (v: number[]) => string): void {
  const emit = (opType: string, input: string[], output: string[], attribute: Attribute[] = []): void => {
    out.push({ opType, input, output, attribute, name: `${opType}:${output[0] ?? ''}` });
  };
  switch (node.op) {
    case 'conv': {
      const input = [node.input, node.weight, ...(node.bias === null ? [] : [node.bias])];
      emit('Conv', input, [node.output], [
        intsAttr('kernel_shape', [node.kernel, node.kernel]),
        intsAttr('strides', [node.stride, node.stride]),
        intsAttr('pads', [node.pad, node.pad, node.pad, node.pad]),
      ]);
      return;
    }
    case 'convTranspose': {
      const input = [node.input, node.weight, ...(node.bias === null ? [] : [node.bias])];
      emit('ConvTranspose', input, [node.output], [
        intsAttr('kernel_shape', [node.kernel, node.kernel]),
        intsAttr('strides', [node.stride, node.stride]),
        intsAttr('pads', [node.pad, node.pad, node.pad, node.pad]),
        intsAttr('output_padding', [node.outputPadding, node.outputPadding]),
      ]);
      return;
    }
    case 'instanceNorm':
      emit('InstanceNormalization', [node.input, node.scale, node.shift], [node.output], [
        floatAttr('epsilon', node.epsilon),
      ]);
      return;
    case 'pad': {
      const a = node.amount;
      emit('Pad', [node.input, int64Const([0, 0, a, a, 0, 0, a, a])], [node.output], [
        stringAttr('mode', node.mode === 'reflect' ? 'reflect' : 'constant'),
      ]);
      return;
    }
    case 'relu':
      emit('Relu', [node.input], [node.output]);
      return;
    case 'tanh':
      emit('Tanh', [node.input], [node.output]);
      return;
    case 'sigmoid':
      emit('Sigmoid', [node.input], [node.output]);
      return;
    case 'leakyRelu':
      emit('LeakyRelu', [node.input], [node.output], [floatAttr('alpha', node.alpha)]);
      return;
    case 'add':
      emit('Add', [...node.inputs], [node.output]);
      return;
    case 'concat':
      emit('Concat', [...node.inputs], [node.output], [intAttr('axis', 1)]);
      return;
    case 'spatialBroadcast': {
      // [B, C] -> [B, C, 1, 1], then Expand against [1, 1, H, W] taken from `like`.
      const v4 = `${node.output}/v4`;
      const shape = `${node.output}/shape`;
      const target = `${node.output}/target`;
      emit('Unsqueeze', [node.input, int64Const([2, 3])], [v4]);
      emit('Shape', [node.like], [shape], [intAttr('start', 2), intAttr('end', 4)]);
      emit('Concat', [int64Const([1, 1]), shape], [target], [intAttr('axis', 0)]);
      emit('Expand', [v4, target], [node.output]);
      return;
    }
  }
}
