import { gradients } from '../../graph/autodiff.js';
import * as op from '../../graph/diff-ops.js';
import type { IrGraph } from '../../graph/ir.js';
import { Tape } from '../../graph/tape.js';
import type { TrainImage } from '../data/index.js';
import { bceWithLogits, l1 } from '../losses.js';
import { BC2, STEP_SIZE, imageShape, type StepGraph } from '../step-graphs.js';
import { TrainableNet } from '../trainable-net.js';
import type { Batch } from '../training-data.js';
import { TrainingMode, type GeneratorRole } from './training-mode.js';

/**
 * pix2pix (junyanz pix2pix_model): one generator from paired folders, judged by a conditional
 * PatchGAN that sees the input beside the output.
 */
export class Pix2pixMode extends TrainingMode {
  readonly generators: readonly GeneratorRole[] = [{ id: 'G', startsFrom: 'from', direction: 'input to output' }];
  readonly discriminators = ['D'];

  protected judgedChannels(): number {
    return 6 + (this.conditional ? this.conditionSize : 0);
  }

  buildStep(graphs: ReadonlyMap<string, IrGraph>): StepGraph {
    const s = this.settings;
    return buildPix2pixStep({
      g: TrainingMode.graph(graphs, 'G'),
      d: TrainingMode.graph(graphs, 'D'),
      batch: s.batch,
      size: s.size,
      lambdaL1: s.lambdaL1,
      ...(this.conditional ? { conditionSize: this.conditionSize } : {}),
    });
  }

  visuals(batch: Batch, output: (name: string) => TrainImage): TrainImage[][] {
    return [[batch.firstA, output('fake_B'), batch.firstB]];
  }

  describeLosses(): string {
    return `GAN + L1 x ${this.settings.lambdaL1}`;
  }
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
