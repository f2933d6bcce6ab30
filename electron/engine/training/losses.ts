import * as op from '../graph/diff-ops.js';
import type { Tape } from '../graph/tape.js';

/** The GAN recipes' losses as differentiable tape operations; each returns a scalar. */

/** Mean absolute error (the L1 of pix2pix and the cycle and identity terms). */
export function l1(t: Tape, a: string, b: string): string {
  return op.mean(t, op.abs(t, op.sub(t, a, b)));
}

/** LSGAN: mean squared distance of the discriminator's patch outputs from 1 (real) or 0 (fake). */
export function lsgan(t: Tape, logits: string, real: boolean): string {
  const d = real ? op.sub(t, logits, t.constant(1)) : logits;
  return op.mean(t, op.square(t, d));
}

/**
 * The vanilla GAN loss on raw patch logits: binary cross-entropy with a sigmoid folded in,
 * softplus(-z) for real targets and softplus(z) for fake ones (no overflow for large |z|).
 */
export function bceWithLogits(t: Tape, logits: string, real: boolean): string {
  return op.mean(t, op.softplus(t, real ? op.scale(t, logits, -1) : logits));
}
