/**
 * The op table: everything the engine knows about each layer kind of the IR, in one entry per
 * kind (`OPS` below): the values it reads, its shape rule (which the memory estimate and the
 * strip planner use), its part in a strip segment, its ONNX lowering (inference models, their
 * statistics variants and strip models alike, written by graph/onnx-writer) and its form on a
 * training tape (graph/diff-ops, whose recorded rules are its gradient).
 *
 * Adding a layer kind: its node type in ir.ts, its entry here (a missing one does not
 * compile), a GraphBuilder method for the nets, and, if its gradient is new, a diff-ops
 * function. A spatial kind describes itself as a KernelWindow, from which strips work out the
 * rows they read. Nothing in graph/, jobs/ or training/ names layer kinds.
 */
import { channelPads, convChannelPadding } from './conv-channels.js';
import * as diff from './diff-ops.js';
import { windowAttributes, windowSide, type KernelWindow } from './geometry.js';
import type { IrNode, IrNodeOf, IrOp } from './ir.js';
import type { AttrValue, OnnxWriter } from './onnx-writer.js';
import type { Tape } from './tape.js';

/** Names of the per-channel [C] mean and variance tensors a norm layer is given. */
export interface StatNames {
  readonly mean: string;
  readonly variance: string;
}

/** A node that reads one value (and maybe parameters) and makes one. */
export type UnaryNode = Extract<IrNode, { readonly input: string }>;

/** What lowering a node may ask of the model being written (see graph/onnx-emitter). */
export interface Lowering {
  readonly writer: OnnxWriter;
  /**
   * A strip model (graph/segments): the strip runner hands it rows already padded in height,
   * so spatial and padding nodes pad the width only.
   */
  readonly strip: boolean;
  /** The statistics a norm layer normalises with: null for its input's own, or given [C] tensors. */
  statistics(node: UnaryNode): StatNames | null;
  /** A parameter's shape (a conv's weights say its channels). */
  paramShape(name: string): readonly number[];
}

/** Tape values of an IR graph's values and parameters, for running it differentiably (graph/ir-apply). */
export interface TapeValues {
  get(name: string): string;
  /** A parameter's tape value; null for none, and for a fixed constant (an affine-free norm's unit scale). */
  param(name: string | null): string | null;
}

/** Amount and kind of the padding a padding node adds on every side. */
export interface EdgePadding {
  readonly amount: number;
  readonly mode: 'reflect' | 'zero';
}

/**
 * A node's part in a segment of the layer-by-layer runner (graph/segments): per-pixel work,
 * padding (at most one, right before a spatial node), or the spatial node that ends a segment.
 */
export type SegmentRole<N> =
  | { readonly role: 'pointwise' }
  | { readonly role: 'padding'; padding(node: N): EdgePadding }
  | { readonly role: 'spatial'; window(node: N): KernelWindow };

/** Everything the engine knows about one layer kind. */
export interface OpDef<N extends IrNode> {
  /** Every value the node reads, in order: activations, then parameters. */
  reads(node: N): string[];
  /**
   * Normalises with per-channel statistics of its input: tiles and strips give it those of the
   * whole image instead (its lowering asks `Lowering.statistics`).
   */
  readonly statistics: boolean;
  readonly segment: SegmentRole<N>;
  /** Output channels, from the channels of the values it reads and its parameters' shapes. */
  channels(node: N, channelsOf: (value: string) => number, paramShape: (name: string) => readonly number[]): number;
  /** Output height (or width), from the heights (or widths) of the values it reads. */
  side(node: N, sideOf: (value: string) => number): number;
  /** Appends the node's ONNX operators for inference and strip models. */
  lower(node: N, ctx: Lowering): void;
  /** Applies the node on a training tape, where diff-ops record its gradient. Returns its output. */
  onTape(node: N, t: Tape, values: TapeValues): string;
}

const sameChannels = (node: UnaryNode, channelsOf: (value: string) => number): number => channelsOf(node.input);
const withBias = (n: { input: string; weight: string; bias: string | null }): string[] => (n.bias === null ? [n.input, n.weight] : [n.input, n.weight, n.bias]);

/** What a per-pixel layer that reads one value shares: its input's channels and size, no statistics. */
const perPixel = {
  reads: (n: UnaryNode): string[] => [n.input],
  statistics: false,
  segment: { role: 'pointwise' },
  channels: sameChannels,
  side: (n: UnaryNode, sideOf: (value: string) => number): number => sideOf(n.input),
} as const;

type ConvNode = IrNodeOf<'conv' | 'convTranspose'>;

function convWindow(n: ConvNode): KernelWindow {
  return { kernel: n.kernel, stride: n.stride, pad: n.pad, transposed: n.op === 'convTranspose', outputPadding: n.op === 'convTranspose' ? n.outputPadding : 0 };
}

/** A Conv's inputs, its input channels padded with zeros where WebGPU needs it (graph/conv-channels). */
function channelSafeInputs(n: ConvNode, ctx: Lowering): string[] {
  const [outChannels = 0, inChannels = 0] = ctx.paramShape(n.weight);
  const extra = convChannelPadding(inChannels, outChannels);
  if (extra === 0) return withBias(n);
  const pads = ctx.writer.ints(channelPads(extra));
  const [x, w] = [`${n.output}/input-widened`, `${n.output}/weight-widened`];
  ctx.writer.node('Pad', [n.input, pads], [x]);
  ctx.writer.node('Pad', [n.weight, pads], [w]);
  return [x, w, ...(n.bias === null ? [] : [n.bias])];
}

function upsampleWindow(n: IrNodeOf<'upsample'>): KernelWindow {
  return { kernel: n.factor, stride: n.factor, pad: 0, transposed: true, outputPadding: 0 };
}

/** Conv and ConvTranspose: one window; the weights' layout says which axis holds the output channels. */
function convolution(opType: 'Conv' | 'ConvTranspose', outChannelAxis: 0 | 1): OpDef<ConvNode> {
  return {
    reads: withBias,
    statistics: false,
    segment: { role: 'spatial', window: convWindow },
    channels: (n, _channelsOf, paramShape) => paramShape(n.weight)[outChannelAxis] ?? 0,
    side: (n, sideOf) => windowSide(convWindow(n), sideOf(n.input)),
    lower: (n, ctx) => ctx.writer.node(opType, opType === 'Conv' ? channelSafeInputs(n, ctx) : withBias(n), [n.output], windowAttributes(convWindow(n), ctx.strip)),
    onTape: (n, t, v) => diff.convolution(t, v.get(n.input), v.get(n.weight), v.param(n.bias), convWindow(n)),
  };
}

/** An element-wise activation: one ONNX operator; its gradient is the diff-ops function's. */
function elementwise<N extends UnaryNode>(opType: string, onTape: (t: Tape, x: string, n: N) => string, attrs: (n: N) => Record<string, AttrValue> = () => ({})): OpDef<N> {
  return { ...perPixel, lower: (n, ctx) => ctx.writer.node(opType, [n.input], [n.output], attrs(n)), onTape: (n, t, v) => onTape(t, v.get(n.input), n) };
}

/** One entry per layer kind; the mapped type makes a missing entry a compile error. */
export const OPS: { readonly [K in IrOp]: OpDef<IrNodeOf<K>> } = {
  conv: convolution('Conv', 0),
  // PyTorch stores transposed-conv weights as [in, out, k, k], as ONNX does.
  convTranspose: convolution('ConvTranspose', 1),
  instanceNorm: {
    ...perPixel,
    reads: (n) => [n.input, n.scale, n.shift],
    statistics: true,
    lower: (n, ctx) => {
      const given = ctx.statistics(n);
      // Given statistics: BatchNormalization in inference form computes exactly
      // scale * (x - mean) / sqrt(var + eps) + shift with per-channel inputs, in one operator.
      if (given === null) ctx.writer.node('InstanceNormalization', [n.input, n.scale, n.shift], [n.output], { epsilon: { float: n.epsilon } });
      else ctx.writer.node('BatchNormalization', [n.input, n.scale, n.shift, given.mean, given.variance], [n.output], { epsilon: { float: n.epsilon } });
    },
    // Training: BatchNorm layers use the statistics of the whole batch, as in train mode;
    // InstanceNorm layers (StarGAN's too, despite its running statistics) each image's own.
    onTape: (n, t, v) => diff.normalize(t, v.get(n.input), v.param(n.scale), v.param(n.shift), n.batchStatistics === true ? 'batch' : 'instance', n.epsilon),
  },
  pad: {
    ...perPixel,
    segment: { role: 'padding', padding: (n) => n },
    side: (n, sideOf) => sideOf(n.input) + 2 * n.amount,
    lower: (n, ctx) => {
      const a = n.amount;
      const pads = ctx.strip ? [0, 0, 0, a, 0, 0, 0, a] : [0, 0, a, a, 0, 0, a, a];
      ctx.writer.node('Pad', [n.input, ctx.writer.ints(pads)], [n.output], { mode: n.mode === 'reflect' ? 'reflect' : 'constant' });
    },
    onTape: (n, t, v) => diff.pad(t, v.get(n.input), n.amount, n.mode),
  },
  upsample: {
    ...perPixel,
    // Nearest upsampling by f is the transposed window of kernel f and stride f with
    // weights of one: output row y reads input row floor(y / f), so strips need no halo.
    segment: { role: 'spatial', window: upsampleWindow },
    side: (n, sideOf) => sideOf(n.input) * n.factor,
    lower: (n, ctx) => {
      const scales = ctx.writer.floats(`${n.output}/scales`, [4], Float32Array.of(1, 1, n.factor, n.factor));
      ctx.writer.node('Resize', [n.input, '', scales], [n.output], diff.NEAREST_RESIZE);
    },
    onTape: (n, t, v) => diff.upsampleNearest(t, v.get(n.input), n.factor),
  },
  relu: elementwise('Relu', diff.relu),
  tanh: elementwise('Tanh', diff.tanh),
  sigmoid: elementwise('Sigmoid', diff.sigmoid),
  leakyRelu: elementwise<IrNodeOf<'leakyRelu'>>('LeakyRelu', (t, x, n) => diff.leakyRelu(t, x, n.alpha), (n) => ({ alpha: { float: n.alpha } })),
  add: {
    ...perPixel,
    reads: (n) => [...n.inputs],
    channels: (n, channelsOf) => channelsOf(n.inputs[0]),
    side: (n, sideOf) => sideOf(n.inputs[0]),
    lower: (n, ctx) => ctx.writer.node('Add', n.inputs, [n.output]),
    onTape: (n, t, v) => diff.add(t, v.get(n.inputs[0]), v.get(n.inputs[1])),
  },
  concat: {
    ...perPixel,
    reads: (n) => [...n.inputs],
    channels: (n, channelsOf) => n.inputs.reduce((sum, name) => sum + channelsOf(name), 0),
    side: (n, sideOf) => sideOf(n.inputs[0] ?? ''),
    lower: (n, ctx) => ctx.writer.node('Concat', n.inputs, [n.output], { axis: 1 }),
    onTape: (n, t, v) => diff.concat(t, n.inputs.map((name) => v.get(name))),
  },
  spatialBroadcast: {
    ...perPixel,
    reads: (n) => [n.input, n.like],
    side: (n, sideOf) => sideOf(n.like),
    lower: (n, ctx) => {
      // [B, C] -> [B, C, 1, 1], then Expand against [1, 1, H, W] taken from `like`.
      const w = ctx.writer;
      const [v4, shape, target] = [`${n.output}/v4`, `${n.output}/shape`, `${n.output}/target`];
      w.node('Unsqueeze', [n.input, w.ints([2, 3])], [v4]);
      w.node('Shape', [n.like], [shape], { start: 2, end: 4 });
      w.node('Concat', [w.ints([1, 1]), shape], [target], { axis: 0 });
      w.node('Expand', [v4, target], [n.output]);
    },
    onTape: (n, t, v) => diff.spatialBroadcast(t, v.get(n.input), v.get(n.like)),
  },
};

/** The op table's entry for a node. */
export function opOf<N extends IrNode>(node: N): OpDef<N> {
  // TypeScript cannot tie OPS[node.op] to N itself; the mapped type above guarantees it.
  return OPS[node.op] as unknown as OpDef<N>;
}

/** Whether a node normalises with its input's statistics (see OpDef.statistics). */
export function normalises(node: IrNode): node is UnaryNode {
  return opOf(node).statistics && 'input' in node;
}

/** Names every value a node reads, in order. */
export function nodeInputs(node: IrNode): string[] {
  return opOf(node).reads(node);
}
