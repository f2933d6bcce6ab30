import { gradients } from '../graph/autodiff.js';
import * as op from '../graph/diff-ops.js';
import type { IrGraph } from '../graph/ir.js';
import { Tape } from '../graph/tape.js';
import { bceWithLogits, l1, lsgan } from './losses.js';
import { TrainableNet } from './trainable-net.js';

/**
 * One whole training iteration as one ONNX graph: forward passes, losses, gradients and the
 * Adam updates of every network, so an iteration is a single session run on any provider.
 * Weights and moments go in as inputs and come out updated under the names of `stateNames`.
 */
export interface StepGraph {
  model: Uint8Array;
  /** Network id -> its IR graph (whose params are the state the host keeps). */
  nets: ReadonlyMap<string, IrGraph>;
  /** Per-step data inputs and their shapes (images, pool choices, condition vectors). */
  dataInputs: ReadonlyMap<string, readonly number[]>;
  /** Scalar outputs, by loss name. */
  losses: readonly string[];
  /** Image outputs the host needs (the fakes for the pool and the sample grids). */
  images: readonly string[];
}

/** Inputs every step graph takes: the Adam step size lr / (1 - b1^t) and sqrt(1 - b2^t). */
export const STEP_SIZE = 'adam/step_size';
export const BC2 = 'adam/bc2_sqrt';

const imageShape = (batch: number, size: number, channels = 3): number[] => [batch, channels, size, size];

export interface CycleganStepOptions {
  gA: IrGraph;
  gB: IrGraph;
  dA: IrGraph;
  dB: IrGraph;
  batch: number;
  size: number;
  lambdaCycle?: number;
  /** Identity weight as a fraction of lambdaCycle (the reference's lambda_identity, 0.5). */
  lambdaIdentity?: number;
  /** Also output every gradient as `g:<net>/<key>` (the PyTorch comparison tests read them). */
  exposeGradients?: boolean;
}

/**
 * CycleGAN (junyanz cycle_gan_model): G_A: A -> B judged by D_A, G_B: B -> A judged by D_B.
 * Generators: LSGAN + lambda * (cycle A + cycle B) + lambda * idt * (identity terms), against
 * the discriminators as they were at the start of the step. Discriminators: half the LSGAN
 * loss on a real image and on a fake from the image pool. The pool lives on the host; it passes
 * its choice as `pool/use_*` (1: judge the pooled image `pool/fake_*`, 0: this step's fake).
 */
export function buildCycleganStep(o: CycleganStepOptions): StepGraph {
  const t = new Tape('cyclegan_step');
  const lambda = o.lambdaCycle ?? 10;
  const lambdaIdt = (o.lambdaIdentity ?? 0.5) * lambda;
  const shape = imageShape(o.batch, o.size);
  const realA = t.input('real_A', shape);
  const realB = t.input('real_B', shape);
  const poolA = t.input('pool/fake_A', shape);
  const poolB = t.input('pool/fake_B', shape);
  // One choice per image of the batch, as the reference pool decides image by image.
  const useShape = [o.batch, 1, 1, 1];
  const useA = t.input('pool/use_A', useShape);
  const useB = t.input('pool/use_B', useShape);
  const stepSize = t.input(STEP_SIZE, []);
  const bc2 = t.input(BC2, []);

  const gA = new TrainableNet(t, 'G_A', o.gA);
  const gB = new TrainableNet(t, 'G_B', o.gB);
  const dA = new TrainableNet(t, 'D_A', o.dA);
  const dB = new TrainableNet(t, 'D_B', o.dB);

  const fakeB = gA.apply({ input: realA });
  const recA = gB.apply({ input: fakeB });
  const fakeA = gB.apply({ input: realB });
  const recB = gA.apply({ input: fakeA });
  const lossGA = lsgan(t, dA.apply({ input: fakeB }), true);
  const lossGB = lsgan(t, dB.apply({ input: fakeA }), true);
  const lossCycleA = op.scale(t, l1(t, recA, realA), lambda);
  const lossCycleB = op.scale(t, l1(t, recB, realB), lambda);
  const terms = [lossGA, lossGB, lossCycleA, lossCycleB];
  const named: [string, string][] = [
    ['G_A', lossGA],
    ['G_B', lossGB],
    ['cycle_A', lossCycleA],
    ['cycle_B', lossCycleB],
  ];
  if (lambdaIdt > 0) {
    const idtA = op.scale(t, l1(t, gA.apply({ input: realB }), realB), lambdaIdt);
    const idtB = op.scale(t, l1(t, gB.apply({ input: realA }), realA), lambdaIdt);
    terms.push(idtA, idtB);
    named.push(['idt_A', idtA], ['idt_B', idtB]);
  }
  const lossG = terms.reduce((a, b) => op.add(t, a, b));
  const gradsG = gradients(t, lossG, [...gA.paramValues, ...gB.paramValues]);

  const pick = (use: string, pooled: string, fresh: string): string =>
    // use * pooled + (1 - use) * fake: the fake is detached, the discriminator step never reaches G.
    op.add(t, op.mul(t, pooled, use), op.mul(t, op.detach(t, fresh), op.sub(t, t.constant(1), use)));
  const halfLs = (d: TrainableNet, real: string, fake: string): string =>
    op.scale(t, op.add(t, lsgan(t, d.apply({ input: real }), true), lsgan(t, d.apply({ input: fake }), false)), 0.5);
  const lossDA = halfLs(dA, realB, pick(useB, poolB, fakeB));
  const lossDB = halfLs(dB, realA, pick(useA, poolA, fakeA));
  const gradsD = gradients(t, op.add(t, lossDA, lossDB), [...dA.paramValues, ...dB.paramValues]);
  named.push(['D_A', lossDA], ['D_B', lossDB]);

  const outputs: string[] = [];
  for (const net of [gA, gB]) net.adamStep(gradsG, stepSize, bc2, outputs, o.exposeGradients);
  for (const net of [dA, dB]) net.adamStep(gradsD, stepSize, bc2, outputs, o.exposeGradients);
  const losses = named.map(([name, v]) => t.rename(v, `loss/${name}`));
  const images = [t.rename(fakeB, 'fake_B'), t.rename(fakeA, 'fake_A'), t.rename(recA, 'rec_A'), t.rename(recB, 'rec_B')];
  return {
    model: t.toOnnx([...losses, ...images, ...outputs]),
    nets: new Map([
      ['G_A', o.gA],
      ['G_B', o.gB],
      ['D_A', o.dA],
      ['D_B', o.dB],
    ]),
    dataInputs: new Map<string, number[]>([
      ['real_A', shape],
      ['real_B', shape],
      ['pool/fake_A', shape],
      ['pool/fake_B', shape],
      ['pool/use_A', useShape],
      ['pool/use_B', useShape],
    ]),
    losses,
    images,
  };
}

export interface Pix2pixStepOptions {
  g: IrGraph;
  d: IrGraph;
  batch: number;
  size: number;
  lambdaL1?: number;
  /** Conditional trainer: length of the condition vector G and D both receive. */
  conditionSize?: number;
  exposeGradients?: boolean;
}

/**
 * pix2pix (junyanz pix2pix_model), and with a condition vector the conditional trainer. As in
 * the reference, D steps first on (input, real output) and (input, detached fake), then G steps
 * against the updated D: vanilla GAN loss + lambda * L1. D sees concat(input, output) and, when
 * conditional, the condition replicated over the image.
 */
export function buildPix2pixStep(o: Pix2pixStepOptions): StepGraph {
  const t = new Tape(o.conditionSize === undefined ? 'pix2pix_step' : 'conditional_step');
  const lambda = o.lambdaL1 ?? 100;
  const shape = imageShape(o.batch, o.size);
  const realA = t.input('real_A', shape);
  const realB = t.input('real_B', shape);
  const condition = o.conditionSize === undefined ? null : t.input('condition', [o.batch, o.conditionSize]);
  const stepSize = t.input(STEP_SIZE, []);
  const bc2 = t.input(BC2, []);
  const g = new TrainableNet(t, 'G', o.g);
  const d = new TrainableNet(t, 'D', o.d);

  const fakeB = g.apply(condition === null ? { input: realA } : { input: realA, condition });
  const judged = (output: string): string[] => {
    const parts = [realA, output];
    if (condition !== null) parts.push(op.spatialBroadcast(t, condition, realA));
    return [op.concat(t, parts)];
  };
  const dOn = (output: string, params?: ReadonlyMap<string, string>): string => d.apply({ input: judged(output)[0] ?? '' }, params);

  const lossDReal = bceWithLogits(t, dOn(realB), true);
  const lossDFake = bceWithLogits(t, dOn(op.detach(t, fakeB)), false);
  const lossD = op.scale(t, op.add(t, lossDReal, lossDFake), 0.5);
  const outputs: string[] = [];
  const newD = d.adamStep(gradients(t, lossD, d.paramValues), stepSize, bc2, outputs, o.exposeGradients);

  const lossGGan = bceWithLogits(t, dOn(fakeB, newD), true);
  const lossGL1 = op.scale(t, l1(t, fakeB, realB), lambda);
  const lossG = op.add(t, lossGGan, lossGL1);
  g.adamStep(gradients(t, lossG, g.paramValues), stepSize, bc2, outputs, o.exposeGradients);

  const losses = [
    t.rename(lossGGan, 'loss/G_GAN'),
    t.rename(lossGL1, 'loss/G_L1'),
    t.rename(lossDReal, 'loss/D_real'),
    t.rename(lossDFake, 'loss/D_fake'),
  ];
  const images = [t.rename(fakeB, 'fake_B')];
  const dataInputs = new Map<string, number[]>([
    ['real_A', shape],
    ['real_B', shape],
  ]);
  if (o.conditionSize !== undefined) dataInputs.set('condition', [o.batch, o.conditionSize]);
  return {
    model: t.toOnnx([...losses, ...images, ...outputs]),
    nets: new Map([
      ['G', o.g],
      ['D', o.d],
    ]),
    dataInputs,
    losses,
    images,
  };
}
