import type { IrGraph } from '../graph/ir.js';
import type { Rng } from './data/rng.js';

/**
 * junyanz init_weights('normal', gain 0.02): conv weights ~ N(0, 0.02), biases 0, BatchNorm
 * scales ~ N(1, 0.02) and shifts 0. Fresh discriminators and from-scratch generators start here.
 */
export function initialWeights(graph: IrGraph, rng: Rng): Map<string, Float32Array> {
  const normal = (): number => {
    // Box-Muller; 1 - u keeps the logarithm finite.
    const u = 1 - rng.next();
    const v = rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const out = new Map<string, Float32Array>();
  for (const p of graph.params) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (p.shape.length === 1 && p.name.endsWith('.weight')) for (let i = 0; i < size; i++) data[i] = 1 + 0.02 * normal();
    else if (p.shape.length > 1) for (let i = 0; i < size; i++) data[i] = 0.02 * normal();
    out.set(p.name, data);
  }
  return out;
}
