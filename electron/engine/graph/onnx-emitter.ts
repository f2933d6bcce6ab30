import type { IrGraph, IrNode } from './ir.js';
import { FLOAT, OnnxWriter, type Dim } from './onnx-writer.js';
import { nodeInputs, normalises, opOf, type Lowering, type StatNames, type UnaryNode } from './op-table.js';
import type { Segment } from './segments.js';
import { channelCounts } from './shapes.js';
import { checkWeights, type WeightMap } from './weights.js';

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
export function statNames(k: number): StatNames {
  return { mean: `stats/${k}/mean`, variance: `stats/${k}/var` };
}

/** Channels of each normalisation layer, in graph order (the layout of the statistics). */
export function normLayerChannels(graph: IrGraph): number[] {
  const channels = channelCounts(graph);
  return graph.nodes.filter(normalises).map((n) => channels.get(n.input) ?? 0);
}

/** A graph's parameter shapes, as lowerings ask for them. */
function paramShapes(graph: IrGraph): (name: string) => readonly number[] {
  const shapes = new Map(graph.params.map((p) => [p.name, p.shape]));
  return (name) => shapes.get(name) ?? [];
}

/** Every node through its op-table lowering. */
function lowerAll(nodes: readonly IrNode[], ctx: Lowering): void {
  for (const node of nodes) opOf(node).lower(node, ctx);
}

/** The graph's parameters and constants the model uses, as initializers. */
function writeWeights(writer: OnnxWriter, graph: IrGraph, weights: WeightMap, used: (name: string) => boolean): void {
  for (const p of graph.params) {
    if (!used(p.name)) continue;
    const data = weights.get(p.name);
    if (data === undefined) throw new Error(`weights lack ${p.name}`);
    writer.floats(p.name, p.shape, data);
  }
  for (const c of graph.constants) {
    if (used(c.name)) writer.floats(c.name, c.shape, new Float32Array(c.shape.reduce((a, b) => a * b, 1)).fill(c.fill));
  }
}

/**
 * Lowers an IR graph plus its weights to a serialized ONNX model with dynamic batch, height
 * and width. Weights are checked first: a missing or misshaped tensor is an error naming it.
 */
export function emitOnnx(graph: IrGraph, weights: WeightMap, options: EmitOptions = {}): Uint8Array {
  checkWeights(graph, weights);
  const writer = new OnnxWriter(graph.name);
  writeWeights(writer, graph, weights, () => true);
  const imageDims = (channels: number): Dim[] => ['batch', channels, 'height', 'width'];
  for (const i of graph.inputs) writer.input(i.name, i.layout === 'image' ? imageDims(i.channels) : ['batch', i.channels]);
  writer.output(graph.output.name, imageDims(graph.output.channels));

  const mode = options.normStats ?? 'image';
  const channels = normLayerChannels(graph);
  let k = 0;
  const statistics = (node: UnaryNode): StatNames | null => {
    if (mode === 'image') return null;
    const names = statNames(k);
    const dims = [channels[k] ?? 0];
    k += 1;
    if (mode === 'inject') {
      writer.input(names.mean, dims);
      writer.input(names.variance, dims);
      return names;
    }
    // Normalise with the statistics just computed (not a separate InstanceNormalization):
    // the layer then depends on them, so onnxruntime computes them at once and frees the
    // activation, instead of keeping every layer's input alive for reductions run last.
    lowerStatistics(writer, node.input, names);
    writer.output(names.mean, dims);
    writer.output(names.variance, dims);
    return names;
  };
  lowerAll(graph.nodes, { writer, strip: false, statistics, paramShape: paramShapes(graph) });
  return writer.encode(options);
}

/**
 * Per-channel mean and (biased) variance over height and width of a one-image batch, as
 * InstanceNormalization uses, as [C] vectors: var = sum(x^2) / n - mean^2. ReduceSumSquare
 * needs no full-size temporary, which keeps the statistics pass close to the memory of a plain run.
 */
function lowerStatistics(w: OnnxWriter, x: string, names: StatNames): void {
  const p = names.variance;
  const reduce = { axes: [2, 3], keepdims: 1 };
  w.node('ReduceMean', [x], [`${p}/mean4`], reduce);
  w.node('Reshape', [`${p}/mean4`, w.ints([-1])], [names.mean]);
  w.node('ReduceSumSquare', [x], [`${p}/sumsq`], reduce);
  w.node('Shape', [x], [`${p}/hw`], { start: 2, end: 4 });
  w.node('ReduceProd', [`${p}/hw`], [`${p}/n64`], { keepdims: 0 });
  w.node('Cast', [`${p}/n64`], [`${p}/n`], { to: FLOAT });
  w.node('Div', [`${p}/sumsq`, `${p}/n`], [`${p}/meansq`]);
  w.node('Mul', [`${p}/mean4`, `${p}/mean4`], [`${p}/sqmean`]);
  w.node('Sub', [`${p}/meansq`, `${p}/sqmean`], [`${p}/var4`]);
  w.node('Reshape', [`${p}/var4`, w.ints([-1])], [names.variance]);
}

/** Input and output names of a segment model (see emitSegment). */
export const SEGMENT_MASK = 'strip/mask';
export function segmentStatNames(normOutput: string): StatNames {
  return { mean: `${normOutput}/mean`, variance: `${normOutput}/var` };
}
export function segmentSumNames(output: string): { sum: string; sumSquares: string } {
  return { sum: `${output}/rowsum`, sumSquares: `${output}/rowsumsq` };
}

/** True when a segment's spatial node sees zero padding in height (the strip runner masks those rows). */
export function segmentHasZeroPad(segment: Segment): boolean {
  const w = segment.window;
  return w !== null && !w.transposed && (w.pad > 0 || segment.padding?.mode === 'zero');
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
  const writer = new OnnxWriter(`${graph.name}/${segment.output}`);
  const channels = channelCounts(graph);
  for (const name of segment.inputs) writer.input(name, [1, channels.get(name) ?? 0, 'rows', 'width']);
  for (const name of segment.vectors) writer.input(name, [1, channels.get(name) ?? 0]);
  const statistics = (node: UnaryNode): StatNames => {
    const names = segmentStatNames(node.output);
    const c = channels.get(node.input) ?? 0;
    writer.input(names.mean, [c]);
    writer.input(names.variance, [c]);
    return names;
  };
  const ctx = { writer, strip: true, statistics, paramShape: paramShapes(graph) };
  lowerAll(segment.pointwise, ctx);

  // The padding node (if any) and the spatial node, the first of them reading masked rows.
  const spatial = [segment.pad, segment.spatial].filter((n): n is UnaryNode => n !== null);
  const first = spatial[0];
  if (first !== undefined && segmentHasZeroPad(segment)) {
    const masked = `${first.input}/masked`;
    writer.input(SEGMENT_MASK, [1, 1, 'rows', 1]);
    writer.node('Mul', [first.input, SEGMENT_MASK], [masked]);
    spatial[0] = { ...first, input: masked };
  }
  lowerAll(spatial, ctx);

  const used = new Set([...segment.pointwise, ...spatial].flatMap(nodeInputs));
  writeWeights(writer, graph, weights, (name) => used.has(name));
  writer.output(segment.output, [1, segment.channels, 'out_rows', 'out_width']);
  if (rowSums) {
    const names = segmentSumNames(segment.output);
    // Sums along each row only: a row holds at most a few thousand values, so float32 is
    // accurate there, and the runner adds the rows up in float64.
    writer.node('ReduceSum', [segment.output, writer.ints([3])], [names.sum], { keepdims: 0 });
    writer.node('ReduceSumSquare', [segment.output], [names.sumSquares], { axes: [3], keepdims: 0 });
    writer.output(names.sum, [1, segment.channels, 'out_rows']);
    writer.output(names.sumSquares, [1, segment.channels, 'out_rows']);
  }
  return writer.encode();
}
