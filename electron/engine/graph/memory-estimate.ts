import type { IrGraph } from './ir.js';
import { nodeInputs } from './op-table.js';
import { valueShapes } from './shapes.js';

export interface MemoryEstimate {
  /** Bytes of the largest single activation. */
  largestActivation: number;
  /** Bytes of the activations alive at once at the worst point, as the graph is written. */
  peakLive: number;
  /** The estimate the engine plans with: the whole process's peak, from the measurements above. */
  plannedBytes: number;
}

/**
 * onnxruntime fuses and reuses buffers but also needs workspace (im2col, packed weights). Peak
 * RSS measured for resnet_9blocks ngf 64 on the CPU provider without the memory arena, the
 * whole process included: 547 MB at 512 px (live-tensor peak here 136 MB) and 1384 MB at
 * 1024 px (540 MB). peakLive x 2.5 + weights x 2 + 150 MB covers both (581 and 1591 MB).
 * Whole-image runs keep the arena for speed and peak higher (750 MB at 512 px), so the
 * estimate decides between whole and tiled a little generously for them.
 */
const LIVE_FACTOR = 2.5;
const WEIGHT_FACTOR = 2;
const PROCESS_BYTES = 150 * 2 ** 20;

/**
 * Estimates the activation memory of one forward pass at a given input size by walking the
 * graph: shapes follow the op table's rules, a tensor is alive from its node to its last
 * reader. float32 throughout. The same estimate serves the CPU and GPU providers.
 */
export function estimateMemory(graph: IrGraph, width: number, height: number, batch = 1): MemoryEstimate {
  const shapes = valueShapes(graph, width, height);
  const lastUse = new Map<string, number>();
  graph.nodes.forEach((node, i) => {
    for (const name of nodeInputs(node)) lastUse.set(name, i);
  });
  lastUse.set(graph.output.name, graph.nodes.length);

  const bytes = (name: string): number => {
    const s = shapes.get(name);
    return s === undefined ? 0 : s.channels * s.height * s.width * 4 * batch;
  };
  let live = graph.inputs.reduce((sum, i) => sum + bytes(i.name), 0);
  let peak = live;
  let largest = 0;
  graph.nodes.forEach((node, i) => {
    const size = bytes(node.output);
    largest = Math.max(largest, size);
    live += size;
    peak = Math.max(peak, live);
    for (const name of new Set(nodeInputs(node))) {
      if (lastUse.get(name) === i) live -= bytes(name);
    }
  });
  const weights = graph.params.reduce((sum, p) => sum + p.shape.reduce((a, b) => a * b, 1) * 4, 0);
  return { largestActivation: largest, peakLive: peak, plannedBytes: Math.round(peak * LIVE_FACTOR + weights * WEIGHT_FACTOR + PROCESS_BYTES) };
}
