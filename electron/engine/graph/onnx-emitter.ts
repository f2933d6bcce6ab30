import onnxProto from 'onnx-proto';
import { nodeInputs, type IrGraph, type IrNode } from './ir.js';
import { channelCounts, type Segment } from './segments.js';
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

/** Names int64 constants (shapes, axes, pads) as initializers, each distinct value once. */
function int64Constants(initializers: TensorProto[]): (values: number[]) => string {
  const names = new Map<string, string>();
  return (values) => {
    const key = values.join(',');
    let name = names.get(key);
    if (name === undefined) {
      name = `i64/${key}`;
      names.set(key, name);
      initializers.push(int64Tensor(name, values));
    }
    return name;
  };
}

export interface EmitOptions {
  /** Free-form strings stored in the model's metadata_props (architecture, source, ...). */
  metadata?: Record<string, string>;
  producerVersion?: string;
  /**
   * How normalisation layers get their statistics. 'image' (default): from the image being
   * translated. 'collect' (batch of one): the same, and every layer's per-channel mean and
   * variance are extra outputs. 'inject': taken from extra inputs, so that tiles of a large image can be
   * normalised with the statistics of the whole image (see imaging/tiling).
   */
  normStats?: 'image' | 'collect' | 'inject';
}

/** Names of the statistics tensors of norm layer k (outputs with 'collect', inputs with 'inject'). */
export function statNames(k: number): { mean: string; variance: string } {
  return { mean: `stats/${k}/mean`, variance: `stats/${k}/var` };
}

/** Channels of each normalisation layer, in graph order (the layout of the statistics). */
export function normLayerChannels(graph: IrGraph): number[] {
  const shapes = new Map<string, readonly number[]>([
    ...graph.params.map((p) => [p.name, p.shape] as const),
    ...graph.constants.map((c) => [c.name, c.shape] as const),
  ]);
  return graph.nodes.flatMap((n) => (n.op === 'instanceNorm' ? [shapes.get(n.scale)?.[0] ?? 0] : []));
}

/**
 * Lowers an IR graph plus its weights to a serialized ONNX model with dynamic batch, height
 * and width. Weights are checked first: a missing or misshaped tensor is an error naming it.
 */
export function emitOnnx(graph: IrGraph, weights: WeightMap, options: EmitOptions = {}): Uint8Array {
  checkWeights(graph, weights);
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const int64Const = int64Constants(initializers);

  for (const p of graph.params) {
    const data = weights.get(p.name);
    if (data === undefined) throw new Error(`unreachable: ${p.name} checked above`);
    initializers.push(floatTensor(p.name, p.shape, data));
  }
  for (const c of graph.constants) {
    const size = c.shape.reduce((a, b) => a * b, 1);
    initializers.push(floatTensor(c.name, c.shape, new Float32Array(size).fill(c.fill)));
  }

  const mode = options.normStats ?? 'image';
  const statInputs: onnxProto.onnx.IValueInfoProto[] = [];
  const statOutputs: onnxProto.onnx.IValueInfoProto[] = [];
  const channels = normLayerChannels(graph);
  let normIndex = 0;
  for (const node of graph.nodes) {
    if (node.op === 'instanceNorm' && mode !== 'image') {
      const k = normIndex++;
      const names = statNames(k);
      const dims = [channels[k] ?? 0];
      if (mode === 'collect') {
        // Normalise with the statistics just computed (not a separate InstanceNormalization):
        // the layer then depends on them, so onnxruntime computes them at once and frees the
        // activation, instead of keeping every layer's input alive for reductions run last.
        lowerStatistics(node.input, names, nodes, int64Const);
        lowerInjectedNorm(node, names, nodes);
        statOutputs.push(valueInfo(names.mean, dims), valueInfo(names.variance, dims));
      } else {
        lowerInjectedNorm(node, names, nodes);
        statInputs.push(valueInfo(names.mean, dims), valueInfo(names.variance, dims));
      }
      continue;
    }
    lower(node, nodes, int64Const);
  }

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
      input: [
        ...graph.inputs.map((i) => valueInfo(i.name, i.layout === 'image' ? imageDims(i.channels) : ['batch', i.channels])),
        ...statInputs,
      ],
      output: [valueInfo(graph.output.name, imageDims(graph.output.channels)), ...statOutputs],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/**
 * Per-channel mean and (biased) variance over height and width of a one-image batch, as
 * InstanceNormalization uses, as [C] vectors: var = sum(x^2) / n - mean^2. ReduceSumSquare needs no full-size temporary, which keeps the
 * statistics pass close to the memory of a plain run.
 */
function lowerStatistics(x: string, names: { mean: string; variance: string }, out: NodeProto[], int64Const: (v: number[]) => string): void {
  const p = names.variance;
  const push = (opType: string, input: string[], output: string, attribute: Attribute[] = []): void => {
    out.push({ opType, input, output: [output], attribute, name: `${opType}:${output}` });
  };
  const axes = intsAttr('axes', [2, 3]);
  push('ReduceMean', [x], `${p}/mean4`, [axes, intAttr('keepdims', 1)]);
  push('Reshape', [`${p}/mean4`, int64Const([-1])], names.mean);
  push('ReduceSumSquare', [x], `${p}/sumsq`, [axes, intAttr('keepdims', 1)]);
  push('Shape', [x], `${p}/hw`, [intAttr('start', 2), intAttr('end', 4)]);
  push('ReduceProd', [`${p}/hw`], `${p}/n64`, [intAttr('keepdims', 0)]);
  push('Cast', [`${p}/n64`], `${p}/n`, [intAttr('to', onnx.TensorProto.DataType.FLOAT)]);
  push('Div', [`${p}/sumsq`, `${p}/n`], `${p}/meansq`);
  push('Mul', [`${p}/mean4`, `${p}/mean4`], `${p}/sqmean`);
  push('Sub', [`${p}/meansq`, `${p}/sqmean`], `${p}/var4`);
  push('Reshape', [`${p}/var4`, int64Const([-1])], names.variance);
}

/**
 * Normalisation with given statistics: BatchNormalization in inference form computes exactly
 * scale * (x - mean) / sqrt(var + eps) + shift with per-channel inputs, in one fused operator.
 */
function lowerInjectedNorm(node: Extract<IrNode, { op: 'instanceNorm' }>, names: { mean: string; variance: string }, out: NodeProto[]): void {
  out.push({
    opType: 'BatchNormalization',
    input: [node.input, node.scale, node.shift, names.mean, names.variance],
    output: [node.output],
    attribute: [floatAttr('epsilon', node.epsilon)],
    name: `BatchNormalization:${node.output}`,
  });
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

/** Input and output names of a segment model (see emitSegment). */
export const SEGMENT_MASK = 'strip/mask';
export function segmentStatNames(normOutput: string): { mean: string; variance: string } {
  return { mean: `${normOutput}/mean`, variance: `${normOutput}/var` };
}
export function segmentSumNames(output: string): { sum: string; sumSquares: string } {
  return { sum: `${output}/rowsum`, sumSquares: `${output}/rowsumsq` };
}

/** True when a segment's spatial node sees zero padding in height (the strip runner masks those rows). */
export function segmentHasZeroPad(segment: Segment): boolean {
  const s = segment.spatial;
  return s?.op === 'conv' && (s.pad > 0 || segment.pad?.mode === 'zero');
}

/**
 * Lowers one segment (graph/segments) to an ONNX model that runs on a horizontal strip of
 * rows. Height padding is not in the model: the strip runner gathers the rows a strip needs,
 * reflected at the image's top and bottom as the graph would, and marks rows that must be
 * zero in `strip/mask` (zeroed after the per-pixel nodes, as zero padding would be). Width
 * padding stays in the model, since strips span the whole width. Norms take their statistics
 * as inputs; when `rowSums` is set the model also returns per-row sums and sums of squares of
 * its output, from which the runner builds that value's whole-image statistics.
 */
export function emitSegment(graph: IrGraph, segment: Segment, weights: WeightMap, rowSums: boolean): Uint8Array {
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const int64Const = int64Constants(initializers);
  const channels = channelCounts(graph);
  const used = new Set<string>();
  const inputs: onnxProto.onnx.IValueInfoProto[] = [];
  for (const name of segment.inputs) inputs.push(valueInfo(name, [1, channels.get(name) ?? 0, 'rows', 'width']));
  for (const name of segment.vectors) inputs.push(valueInfo(name, [1, channels.get(name) ?? 0]));

  for (const node of segment.pointwise) {
    if (node.op === 'instanceNorm') {
      const names = segmentStatNames(node.output);
      const c = channels.get(node.input) ?? 0;
      inputs.push(valueInfo(names.mean, [c]), valueInfo(names.variance, [c]));
      lowerInjectedNorm(node, names, nodes);
    } else {
      lower(node, nodes, int64Const);
    }
    for (const name of nodeInputs(node)) used.add(name);
  }

  const spatial = segment.spatial;
  if (spatial !== null) {
    let x = segment.pad?.input ?? spatial.input;
    if (segmentHasZeroPad(segment)) {
      inputs.push(valueInfo(SEGMENT_MASK, [1, 1, 'rows', 1]));
      nodes.push({ opType: 'Mul', input: [x, SEGMENT_MASK], output: [`${x}/masked`], name: `Mul:${x}/masked` });
      x = `${x}/masked`;
    }
    if (segment.pad !== null) {
      const a = segment.pad.amount;
      const padded = `${segment.pad.output}/width`;
      nodes.push({
        opType: 'Pad',
        input: [x, int64Const([0, 0, 0, a, 0, 0, 0, a])],
        output: [padded],
        attribute: [stringAttr('mode', segment.pad.mode === 'reflect' ? 'reflect' : 'constant')],
        name: `Pad:${padded}`,
      });
      x = padded;
    }
    const input = [x, spatial.weight, ...(spatial.bias === null ? [] : [spatial.bias])];
    for (const name of input.slice(1)) used.add(name);
    const p = spatial.pad;
    const attribute = [
      intsAttr('kernel_shape', [spatial.kernel, spatial.kernel]),
      intsAttr('strides', [spatial.stride, spatial.stride]),
      intsAttr('pads', [0, p, 0, p]),
    ];
    if (spatial.op === 'convTranspose') attribute.push(intsAttr('output_padding', [0, spatial.outputPadding]));
    nodes.push({ opType: spatial.op === 'conv' ? 'Conv' : 'ConvTranspose', input, output: [segment.output], attribute, name: `${spatial.op}:${segment.output}` });
  }

  for (const p of graph.params) {
    if (!used.has(p.name)) continue;
    const data = weights.get(p.name);
    if (data === undefined) throw new Error(`weights lack ${p.name}`);
    initializers.push(floatTensor(p.name, p.shape, data));
  }
  for (const c of graph.constants) {
    if (!used.has(c.name)) continue;
    initializers.push(floatTensor(c.name, c.shape, new Float32Array(c.shape.reduce((a, b) => a * b, 1)).fill(c.fill)));
  }

  const outputs = [valueInfo(segment.output, [1, segment.channels, 'out_rows', 'out_width'])];
  if (rowSums) {
    const names = segmentSumNames(segment.output);
    // Sums along each row only: a row holds at most a few thousand values, so float32 is
    // accurate there, and the runner adds the rows up in float64.
    nodes.push({ opType: 'ReduceSum', input: [segment.output, int64Const([3])], output: [names.sum], attribute: [intAttr('keepdims', 0)], name: `ReduceSum:${names.sum}` });
    nodes.push({ opType: 'ReduceSumSquare', input: [segment.output], output: [names.sumSquares], attribute: [intsAttr('axes', [3]), intAttr('keepdims', 0)], name: `ReduceSumSquare:${names.sumSquares}` });
    outputs.push(valueInfo(names.sum, [1, segment.channels, 'out_rows']), valueInfo(names.sumSquares, [1, segment.channels, 'out_rows']));
  }
  const model: onnxProto.onnx.IModelProto = {
    irVersion: IR_VERSION,
    producerName: 'gan-studio',
    producerVersion: '0',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: { name: `${graph.name}/${segment.output}`, node: nodes, initializer: initializers, input: inputs, output: outputs },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
