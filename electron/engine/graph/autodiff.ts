import type { Tape } from './tape.js';

/**
 * Reverse-mode differentiation over a Tape: emits, into the same tape, the gradient of the scalar
 * `loss` with respect to each value in `wrt`. Only recorded operations that lie on a path from a
 * `wrt` value to the loss get gradient nodes; a value reached along several paths (a weight
 * used twice, a skip connection) gets the Sum of its contributions.
 *
 * A `wrt` value the loss does not depend on gets a zero gradient of its shape, so optimiser
 * updates stay uniform.
 */
export function gradients(tape: Tape, loss: string, wrt: readonly string[]): Map<string, string> {
  if (tape.shape(loss).length !== 0) throw new Error(`gradients need a scalar loss, ${loss} has shape [${tape.shape(loss).join(',')}]`);
  const entries = tape.recorded;

  // Values that depend on a wrt value (forward) ...
  const dependsOnWrt = new Set(wrt);
  for (const e of entries) {
    if (e.inputs.some((i) => dependsOnWrt.has(i))) dependsOnWrt.add(e.output);
  }
  // ... and values the loss depends on (backward): only their intersection needs gradients.
  const feedsLoss = new Set([loss]);
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (e !== undefined && feedsLoss.has(e.output)) for (const input of e.inputs) feedsLoss.add(input);
  }
  const needsGrad = (v: string): boolean => dependsOnWrt.has(v) && feedsLoss.has(v);

  const contributions = new Map<string, string[]>();
  const push = (v: string, g: string): void => {
    const list = contributions.get(v);
    if (list === undefined) contributions.set(v, [g]);
    else list.push(g);
  };
  const total = (v: string): string | undefined => {
    const list = contributions.get(v);
    if (list === undefined || list.length === 0) return undefined;
    if (list.length === 1) return list[0];
    const summed = tape.emit('Sum', list, tape.shape(v));
    contributions.set(v, [summed]);
    return summed;
  };

  push(loss, tape.constant(1));
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (e === undefined || !needsGrad(e.output)) continue;
    const g = total(e.output);
    if (g === undefined) continue;
    const needs = e.inputs.map(needsGrad);
    if (!needs.some(Boolean)) continue;
    const grads = e.backward(g, tape, needs);
    e.inputs.forEach((input, k) => {
      const gi = grads[k];
      if (needs[k] && gi !== null && gi !== undefined) push(input, gi);
    });
  }

  const out = new Map<string, string>();
  for (const w of wrt) {
    out.set(w, total(w) ?? tape.constant(0, tape.shape(w)));
  }
  return out;
}
