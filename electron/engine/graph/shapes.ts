import type { IrGraph } from './ir.js';
import { opOf } from './op-table.js';

/** Channels, height and width of one image of a value (a batch has `batch` of them). */
export interface ValueShape {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

function paramShapes(graph: IrGraph): (name: string) => readonly number[] {
  const shapes = new Map<string, readonly number[]>([...graph.params, ...graph.constants].map((p) => [p.name, p.shape] as const));
  return (name) => shapes.get(name) ?? [];
}

/** Channels of every value of the graph (its inputs and every node's output), by the op table's rules. */
export function channelCounts(graph: IrGraph): Map<string, number> {
  const paramShape = paramShapes(graph);
  const out = new Map<string, number>(graph.inputs.map((i) => [i.name, i.channels] as const));
  const channelsOf = (name: string): number => out.get(name) ?? 0;
  for (const node of graph.nodes) out.set(node.output, opOf(node).channels(node, channelsOf, paramShape));
  return out;
}

/**
 * Shapes of every value when the image inputs are `width` x `height` (vector inputs count as
 * 1 x 1), by the op table's rules.
 */
export function valueShapes(graph: IrGraph, width: number, height: number): Map<string, ValueShape> {
  const channels = channelCounts(graph);
  const out = new Map<string, ValueShape>();
  for (const input of graph.inputs) {
    out.set(input.name, input.layout === 'image' ? { channels: input.channels, height, width } : { channels: input.channels, height: 1, width: 1 });
  }
  const heightOf = (name: string): number => out.get(name)?.height ?? 0;
  const widthOf = (name: string): number => out.get(name)?.width ?? 0;
  for (const node of graph.nodes) {
    const op = opOf(node);
    out.set(node.output, { channels: channels.get(node.output) ?? 0, height: op.side(node, heightOf), width: op.side(node, widthOf) });
  }
  return out;
}
