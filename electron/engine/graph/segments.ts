import type { KernelWindow } from './geometry.js';
import { windowSide } from './geometry.js';
import type { IrGraph, IrNode } from './ir.js';
import { nodeInputs, normalises, opOf, type EdgePadding, type UnaryNode } from './op-table.js';
import { channelCounts } from './shapes.js';

/**
 * One step of a graph run layer by layer over a whole image: it reads values that are stored
 * in full (its `inputs`), applies per-pixel nodes (normalisation with given statistics,
 * activations, additions, concatenation), optionally one padding node, and ends in at most one
 * spatial node (conv or transposed conv). Its output is stored in full again. Because every
 * value a segment reads is already complete, a segment can run in horizontal strips of any
 * height: a strip of output rows needs only the input rows under its kernel.
 */
export interface Segment {
  /** The value this segment produces (stored in full, or the graph output). */
  readonly output: string;
  readonly channels: number;
  /** Stored values the segment reads, all of the same height and width. */
  readonly inputs: readonly string[];
  /** Graph inputs of vector layout it reads (the condition of conditional models). */
  readonly vectors: readonly string[];
  /** Per-pixel nodes, in graph order, ending in the spatial node's input (or the output). */
  readonly pointwise: readonly IrNode[];
  /** Norm nodes among `pointwise`: each needs its input's whole-image statistics. */
  readonly norms: readonly UnaryNode[];
  /** The padding node before the spatial node, and what it adds. */
  readonly pad: UnaryNode | null;
  readonly padding: EdgePadding | null;
  /** The spatial node that ends the segment, and its window. */
  readonly spatial: UnaryNode | null;
  readonly window: KernelWindow | null;
}

export interface SegmentPlan {
  readonly segments: readonly Segment[];
  /** Stored values whose per-channel statistics some later segment needs. */
  readonly needsStatistics: ReadonlySet<string>;
  /** For each stored value, the index of the last segment that reads it (when it can be freed). */
  readonly lastUse: ReadonlyMap<string, number>;
}

/** A graph the layer-by-layer runner cannot take: the caller falls back to whole-image or tiles. */
export class UnsupportedGraphError extends Error {}

const roleOf = (node: IrNode): string => opOf(node).segment.role;

/**
 * Cuts a generator graph into segments. A value is stored in full when a spatial node makes
 * it, when a norm reads it (its statistics must be complete before anyone normalises it), when
 * more than one node reads it (a residual or skip connection), or when it is the graph output.
 */
export function planSegments(graph: IrGraph): SegmentPlan {
  const producer = new Map<string, IrNode>();
  const readers = new Map<string, number>();
  const params = new Set([...graph.params.map((p) => p.name), ...graph.constants.map((c) => c.name)]);
  for (const node of graph.nodes) {
    producer.set(node.output, node);
    for (const name of nodeInputs(node)) if (!params.has(name)) readers.set(name, (readers.get(name) ?? 0) + 1);
  }
  const imageInputs = new Set(graph.inputs.filter((i) => i.layout === 'image').map((i) => i.name));
  const vectorInputs = new Set(graph.inputs.filter((i) => i.layout === 'vector').map((i) => i.name));
  const stored = new Set<string>(imageInputs);
  const needsStatistics = new Set<string>();
  for (const node of graph.nodes) {
    if (roleOf(node) === 'spatial') stored.add(node.output);
    if (normalises(node)) {
      stored.add(node.input);
      needsStatistics.add(node.input);
    }
    if ((readers.get(node.output) ?? 0) > 1) stored.add(node.output);
  }
  stored.add(graph.output.name);

  const channels = channelCounts(graph);
  const segments: Segment[] = [];
  const lastUse = new Map<string, number>();
  for (const node of graph.nodes) {
    if (!stored.has(node.output)) continue;
    const index = segments.length;
    const role = opOf(node).segment;
    const spatial = role.role === 'spatial' && 'input' in node ? node : null;
    const window = role.role === 'spatial' ? role.window(node) : null;
    // Walk back from the segment's last per-pixel value to stored values.
    const start = spatial === null ? node.output : spatial.input;
    let pad: UnaryNode | null = null;
    let padding: EdgePadding | null = null;
    let head = start;
    const headNode = producer.get(head);
    const headRole = headNode === undefined ? undefined : opOf(headNode).segment;
    if (headNode !== undefined && headRole?.role === 'padding' && 'input' in headNode && !stored.has(head)) {
      if (window === null || window.transposed) throw new UnsupportedGraphError(`padding node ${head} does not feed a convolution`);
      pad = headNode;
      padding = headRole.padding(headNode);
      head = headNode.input;
    }
    const members = new Set<IrNode>();
    const inputs = new Set<string>();
    const vectors = new Set<string>();
    const visit = (name: string): void => {
      if (vectorInputs.has(name)) {
        vectors.add(name);
        return;
      }
      if (stored.has(name)) {
        inputs.add(name);
        return;
      }
      const p = producer.get(name);
      if (p === undefined) throw new UnsupportedGraphError(`value ${name} has no producer`);
      if (roleOf(p) !== 'pointwise') throw new UnsupportedGraphError(`${p.op} node ${name} sits between per-pixel nodes; only one padding node may precede a convolution`);
      if (members.has(p)) return;
      members.add(p);
      for (const input of nodeInputs(p)) if (!params.has(input)) visit(input);
    };
    if (spatial === null && role.role === 'pointwise') {
      members.add(node);
      for (const input of nodeInputs(node)) if (!params.has(input)) visit(input);
    } else if (spatial !== null) {
      visit(head);
    } else {
      throw new UnsupportedGraphError(`${node.op} node ${node.output} cannot start a segment`);
    }
    const pointwise = graph.nodes.filter((n) => members.has(n));
    for (const name of inputs) lastUse.set(name, index);
    segments.push({
      output: node.output,
      channels: channels.get(node.output) ?? 0,
      inputs: [...inputs],
      vectors: [...vectors],
      pointwise,
      norms: pointwise.filter(normalises),
      pad,
      padding,
      spatial,
      window,
    });
  }
  if (segments.length === 0 || segments[segments.length - 1]?.output !== graph.output.name) {
    throw new UnsupportedGraphError('the graph output is not made by its last node');
  }
  return { segments, needsStatistics, lastUse };
}

/** Output height or width of a segment for an input side of `n`. */
export function segmentSide(segment: Segment, n: number): number {
  if (segment.window === null) return n;
  return windowSide(segment.window, n + 2 * (segment.padding?.amount ?? 0));
}
