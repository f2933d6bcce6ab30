import { applyIr } from '../graph/ir-apply.js';
import type { IrGraph } from '../graph/ir.js';
import type { Tape } from '../graph/tape.js';

/** Adam as the GAN recipes use it: betas (0.5, 0.999), eps 1e-8, no weight decay. */
export const ADAM = { beta1: 0.5, beta2: 0.999, epsilon: 1e-8 } as const;

/** Names of one parameter's tensors in a step graph: inputs, and the outputs that replace them. */
export function stateNames(net: string, key: string): { param: string; m: string; v: string; newParam: string; newM: string; newV: string } {
  const base = `${net}/${key}`;
  return { param: `p:${base}`, m: `m:${base}`, v: `v:${base}`, newParam: `p':${base}`, newM: `m':${base}`, newV: `v':${base}` };
}

/**
 * One network of a training step: its weights and Adam moments are graph inputs, it can be
 * applied any number of times (gradients from every use add up), and `adamStep` emits its
 * updated weights and moments as graph outputs under the names of `stateNames`.
 */
export class TrainableNet {
  readonly params = new Map<string, string>();
  private readonly moments = new Map<string, { m: string; v: string }>();

  constructor(
    private readonly t: Tape,
    readonly id: string,
    readonly graph: IrGraph,
  ) {
    for (const p of graph.params) {
      const names = stateNames(id, p.name);
      this.params.set(p.name, t.input(names.param, p.shape));
      this.moments.set(p.name, { m: t.input(names.m, p.shape), v: t.input(names.v, p.shape) });
    }
  }

  get paramValues(): string[] {
    return [...this.params.values()];
  }

  apply(inputs: Readonly<Record<string, string>>, params: ReadonlyMap<string, string> = this.params): string {
    return applyIr(this.t, this.graph, params, inputs);
  }

  /**
   * PyTorch's Adam step for every parameter, emitted as plain (non-differentiable) nodes:
   * m' = b1 m + (1-b1) g, v' = b2 v + (1-b2) g^2, p' = p - stepSize * m' / (sqrt(v') / bc2 + eps),
   * with stepSize = lr / (1 - b1^t) and bc2 = sqrt(1 - b2^t) fed in per step. Returns the new
   * weights by key, for a use of the updated network later in the same step (pix2pix's G loss).
   */
  adamStep(grads: ReadonlyMap<string, string>, stepSize: string, bc2: string, outputs: string[], exposeGradients = false): Map<string, string> {
    const t = this.t;
    const updated = new Map<string, string>();
    for (const p of this.graph.params) {
      const param = this.params.get(p.name) ?? '';
      const state = this.moments.get(p.name);
      const g = grads.get(param);
      if (state === undefined || g === undefined) throw new Error(`no gradient for ${this.id}/${p.name}`);
      const s = p.shape;
      const names = stateNames(this.id, p.name);
      const m = t.emit('Add', [t.emit('Mul', [state.m, t.constant(ADAM.beta1)], s), t.emit('Mul', [g, t.constant(1 - ADAM.beta1)], s)], s);
      const gg = t.emit('Mul', [g, g], s);
      const v = t.emit('Add', [t.emit('Mul', [state.v, t.constant(ADAM.beta2)], s), t.emit('Mul', [gg, t.constant(1 - ADAM.beta2)], s)], s);
      const denom = t.emit('Add', [t.emit('Div', [t.emit('Sqrt', [v], s), bc2], s), t.constant(ADAM.epsilon)], s);
      const delta = t.emit('Mul', [t.emit('Div', [m, denom], s), stepSize], s);
      const next = t.emit('Sub', [param, delta], s);
      outputs.push(t.rename(next, names.newParam), t.rename(m, names.newM), t.rename(v, names.newV));
      if (exposeGradients) outputs.push(t.rename(g, `g:${this.id}/${p.name}`));
      updated.set(p.name, names.newParam);
    }
    return updated;
  }
}
