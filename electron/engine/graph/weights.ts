import type { IrGraph } from './ir.js';

/** Named float32 tensors, keyed as in the reference PyTorch state dict. */
export type WeightMap = ReadonlyMap<string, Float32Array>;

export class WeightMismatchError extends Error {
  constructor(
    message: string,
    readonly missing: readonly string[],
    readonly misshaped: readonly string[],
  ) {
    super(message);
    this.name = 'WeightMismatchError';
  }
}

/**
 * Checks that every parameter of the graph has a tensor with the right number of elements.
 * Reports every problem at once, so a user sees the whole mismatch and not just the first key.
 */
export function checkWeights(graph: IrGraph, weights: WeightMap): void {
  const missing: string[] = [];
  const misshaped: string[] = [];
  for (const p of graph.params) {
    const data = weights.get(p.name);
    const expected = p.shape.reduce((a, b) => a * b, 1);
    if (data === undefined) missing.push(p.name);
    else if (data.length !== expected) {
      misshaped.push(`${p.name} (expected [${p.shape.join(', ')}] = ${expected} values, got ${data.length})`);
    }
  }
  if (missing.length > 0 || misshaped.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing ${missing.join(', ')}`);
    if (misshaped.length > 0) parts.push(`wrong size: ${misshaped.join('; ')}`);
    throw new WeightMismatchError(`weights do not fit ${graph.name}: ${parts.join('; ')}`, missing, misshaped);
  }
}

/** Deterministic pseudo-random weights (for benchmarks and placeholder graphs), scaled like PyTorch's default init. */
export function randomWeights(graph: IrGraph, seed = 1): Map<string, Float32Array> {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    // xorshift32: fast, repeatable, good enough for initial weights.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const out = new Map<string, Float32Array>();
  for (const p of graph.params) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (p.shape.length === 1 && p.name.endsWith('.weight')) data.fill(1);
    else if (p.shape.length === 1) data.fill(0);
    else {
      const fanIn = size / (p.shape[0] ?? 1);
      const bound = 1 / Math.sqrt(fanIn);
      for (let i = 0; i < size; i++) data[i] = (next() * 2 - 1) * bound;
    }
    out.set(p.name, data);
  }
  return out;
}
