import type { TrainSettings } from '../../../contract/training.js';
import { StudioError } from '../../errors.js';
import { gradients } from '../../graph/autodiff.js';
import * as op from '../../graph/diff-ops.js';
import type { IrGraph } from '../../graph/ir.js';
import { openPairedDataset, type TrainImage } from '../data/index.js';
import { bceWithLogits, l1 } from '../losses.js';
import { StepBuilder, imageShape, type StepGraph } from '../step-graphs.js';
import { augmentOf, drawBatch, type Batch, type TrainingData } from '../training-data.js';
import { TrainingMode, type GeneratorRole } from './training-mode.js';

/**
 * pix2pix (junyanz pix2pix_model): one generator from paired folders, judged by a conditional
 * PatchGAN that sees the input beside the output.
 */
export class Pix2pixMode extends TrainingMode {
  readonly generators: readonly GeneratorRole[] = [{ id: 'G', startsFrom: 'from', direction: 'input to output' }];
  readonly discriminators = ['D'];

  /** Whether each pair has a row of attributes.csv beside the targets, its condition vector. */
  protected static readonly attributes: boolean = false;

  /** Pairs from side-by-side images, two folders matched by name, or photos and their edge maps. */
  static async openData(s: TrainSettings): Promise<TrainingData> {
    const attributes = this.attributes;
    if (attributes && s.dataB === undefined) {
      throw new StudioError('BAD_ARGUMENT', 'conditional training needs --a (inputs) and --b (targets, with attributes.csv beside them)');
    }
    const source = s.edges
      ? ({ kind: 'edges-from-photos', dir: s.dataA } as const)
      : s.dataB !== undefined
        ? ({ kind: 'two-folders', dirA: s.dataA, dirB: s.dataB } as const)
        : ({ kind: 'side-by-side', dir: s.dataA } as const);
    const data = await openPairedDataset(source, { ...augmentOf(s), attributes });
    if (attributes && data.attributeNames.length === 0) {
      throw new StudioError('BAD_ARGUMENT', `${s.dataB ?? s.dataA}: attributes.csv names no attribute columns`);
    }
    return {
      summary: { counts: { pairs: data.size }, skipped: data.skipped, attributeNames: data.attributeNames },
      epochSize: data.size,
      conditionSize: data.attributeNames.length,
      // pix2pix's loader shuffles: each batch draws its pairs at random.
      batch: (rng) => drawBatch(s.batch, () => data.sample(rng, rng.int(data.size)), attributes ? (x) => x.attributes : undefined),
    };
  }

  protected judgedChannels(): number {
    return 6 + (this.conditional ? this.conditionSize : 0);
  }

  /**
   * pix2pix (junyanz pix2pix_model), and with a condition vector the conditional trainer. As in
   * the reference, D steps first on (input, real output) and (input, detached fake), then G steps
   * against the updated D: vanilla GAN loss + lambda * L1. D sees concat(input, output) and, when
   * conditional, the condition replicated over the image.
   */
  buildStep(graphs: ReadonlyMap<string, IrGraph>, exposeGradients = false): StepGraph {
    const { batch, size, lambdaL1: lambda } = this.settings;
    const step = new StepBuilder(this.conditional ? 'conditional_step' : 'pix2pix_step', exposeGradients);
    const t = step.t;
    const shape = imageShape(batch, size);
    const realA = step.data('real_A', shape);
    const realB = step.data('real_B', shape);
    const condition = this.conditional ? step.data('condition', [batch, this.conditionSize]) : null;
    const g = step.net('G', TrainingMode.graph(graphs, 'G'));
    const d = step.net('D', TrainingMode.graph(graphs, 'D'));

    const fakeB = g.apply(condition === null ? { input: realA } : { input: realA, condition });
    const judged = (output: string): string => {
      const parts = [realA, output];
      if (condition !== null) parts.push(op.spatialBroadcast(t, condition, realA));
      return op.concat(t, parts);
    };
    const dOn = (output: string, params?: ReadonlyMap<string, string>): string => d.apply({ input: judged(output) }, params);

    const lossDReal = bceWithLogits(t, dOn(realB), true);
    const lossDFake = bceWithLogits(t, dOn(op.detach(t, fakeB)), false);
    const lossD = op.scale(t, op.add(t, lossDReal, lossDFake), 0.5);
    const newD = step.adamStep(d, gradients(t, lossD, d.paramValues));

    const lossGGan = bceWithLogits(t, dOn(fakeB, newD), true);
    const lossGL1 = op.scale(t, l1(t, fakeB, realB), lambda);
    step.adamStep(g, gradients(t, op.add(t, lossGGan, lossGL1), g.paramValues));
    return step.finish(
      [
        ['G_GAN', lossGGan],
        ['G_L1', lossGL1],
        ['D_real', lossDReal],
        ['D_fake', lossDFake],
      ],
      [['fake_B', fakeB]],
    );
  }

  visuals(batch: Batch, output: (name: string) => TrainImage): TrainImage[][] {
    return [[batch.firstA, output('fake_B'), batch.firstB]];
  }

  describeLosses(): string {
    return `GAN + L1 x ${this.settings.lambdaL1}`;
  }
}
