import type { TrainSettings } from '../../../contract/training.js';
import { StudioError } from '../../errors.js';
import { gradients } from '../../graph/autodiff.js';
import * as op from '../../graph/diff-ops.js';
import type { IrGraph } from '../../graph/ir.js';
import type { TensorInput } from '../../runtime/index.js';
import { openUnpairedDataset, type Rng, type TrainImage } from '../data/index.js';
import { FakePool, type PoolPlan } from '../fake-pool.js';
import { l1, lsgan } from '../losses.js';
import type { StateTensor } from '../run-files.js';
import { StepBuilder, imageShape, type StepGraph } from '../step-graphs.js';
import type { TrainableNet } from '../trainable-net.js';
import { augmentOf, drawBatch, type Batch, type TrainingData } from '../training-data.js';
import { TrainingMode, type GeneratorRole } from './training-mode.js';

const SIDES = ['A', 'B'] as const;
type Side = (typeof SIDES)[number];

/**
 * CycleGAN (junyanz cycle_gan_model): two generators, G_A (A to B) and G_B (B to A), each
 * judged by its own discriminator, trained on unpaired folders. The pools of earlier fakes
 * live here: the pool decides before a step which fake each discriminator judges, and takes
 * the step's new fakes after it.
 */
export class CycleganMode extends TrainingMode {
  readonly generators: readonly GeneratorRole[] = [
    { id: 'G_A', startsFrom: 'from', direction: 'A to B' },
    { id: 'G_B', startsFrom: 'fromB', direction: 'B to A', exportSuffix: { id: '-reverse', title: ' (reverse)' } },
  ];
  readonly discriminators = ['D_A', 'D_B'];
  private readonly pools: Record<Side, FakePool>;
  private plans: Record<Side, PoolPlan[]> | null = null;

  constructor(settings: TrainSettings, conditionSize: number) {
    super(settings, conditionSize);
    this.pools = { A: new FakePool(settings.poolSize ?? 50), B: new FakePool(settings.poolSize ?? 50) };
  }

  /** Two folders of unrelated images: A is read in order, B at random. */
  static async openData(s: TrainSettings): Promise<TrainingData> {
    if (s.dataB === undefined) throw new StudioError('BAD_ARGUMENT', 'CycleGAN training needs two folders: --a (domain A) and --b (domain B)');
    const data = await openUnpairedDataset(s.dataA, s.dataB, augmentOf(s));
    return {
      summary: { counts: { A: data.sizeA, B: data.sizeB }, skipped: data.skipped, attributeNames: [] },
      epochSize: Math.max(data.sizeA, data.sizeB),
      conditionSize: 0,
      batch: (rng, iteration) => drawBatch(s.batch, (k) => data.sample(rng, iteration * s.batch + k)),
    };
  }

  protected judgedChannels(): number {
    return 3;
  }

  /**
   * CycleGAN (junyanz cycle_gan_model): G_A: A -> B judged by D_A, G_B: B -> A judged by D_B.
   * Generators: LSGAN + lambda * (cycle A + cycle B) + lambda * idt * (identity terms), against
   * the discriminators as they were at the start of the step. Discriminators: half the LSGAN
   * loss on a real image and on a fake from the image pool. The pool lives on the host; it passes
   * its choice as `pool/use_*` (1: judge the pooled image `pool/fake_*`, 0: this step's fake).
   */
  buildStep(graphs: ReadonlyMap<string, IrGraph>, exposeGradients = false): StepGraph {
    const { batch, size, lambdaCycle: lambda } = this.settings;
    const lambdaIdt = this.settings.lambdaIdentity * lambda;
    const step = new StepBuilder('cyclegan_step', exposeGradients);
    const t = step.t;
    const shape = imageShape(batch, size);
    const realA = step.data('real_A', shape);
    const realB = step.data('real_B', shape);
    const poolA = step.data('pool/fake_A', shape);
    const poolB = step.data('pool/fake_B', shape);
    // One choice per image of the batch, as the reference pool decides image by image.
    const useShape = [batch, 1, 1, 1];
    const useA = step.data('pool/use_A', useShape);
    const useB = step.data('pool/use_B', useShape);

    const net = (id: string): TrainableNet => step.net(id, TrainingMode.graph(graphs, id));
    const [gA, gB, dA, dB] = [net('G_A'), net('G_B'), net('D_A'), net('D_B')];

    const fakeB = gA.apply({ input: realA });
    const recA = gB.apply({ input: fakeB });
    const fakeA = gB.apply({ input: realB });
    const recB = gA.apply({ input: fakeA });
    const lossGA = lsgan(t, dA.apply({ input: fakeB }), true);
    const lossGB = lsgan(t, dB.apply({ input: fakeA }), true);
    const lossCycleA = op.scale(t, l1(t, recA, realA), lambda);
    const lossCycleB = op.scale(t, l1(t, recB, realB), lambda);
    const named: [string, string][] = [
      ['G_A', lossGA],
      ['G_B', lossGB],
      ['cycle_A', lossCycleA],
      ['cycle_B', lossCycleB],
    ];
    if (lambdaIdt > 0) {
      const idtA = op.scale(t, l1(t, gA.apply({ input: realB }), realB), lambdaIdt);
      const idtB = op.scale(t, l1(t, gB.apply({ input: realA }), realA), lambdaIdt);
      named.push(['idt_A', idtA], ['idt_B', idtB]);
    }
    const lossG = named.map(([, v]) => v).reduce((a, b) => op.add(t, a, b));
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

    for (const net of [gA, gB]) step.adamStep(net, gradsG);
    for (const net of [dA, dB]) step.adamStep(net, gradsD);
    return step.finish(named, [
      ['fake_B', fakeB],
      ['fake_A', fakeA],
      ['rec_A', recA],
      ['rec_B', recB],
    ]);
  }

  protected override extraFeeds(batch: Batch, dims: (name: string) => readonly number[], rng: Rng): Record<string, TensorInput> {
    const n = this.settings.batch;
    // Side A's choices for the whole batch, then side B's: the order the random stream is read in.
    const plans = { A: this.planPool('A', rng), B: this.planPool('B', rng) };
    this.plans = plans;
    const feeds: Record<string, TensorInput> = {};
    for (const side of SIDES) {
      const each = batch.a.length / n;
      const pooled = new Float32Array(batch.a.length);
      const use = new Float32Array(n);
      plans[side].forEach((plan, k) => {
        if (plan.use === 'stored') {
          pooled.set(plan.image, k * each);
          use[k] = 1;
        }
      });
      feeds[`pool/fake_${side}`] = { data: pooled, dims: dims(`pool/fake_${side}`) };
      feeds[`pool/use_${side}`] = { data: use, dims: dims(`pool/use_${side}`) };
    }
    return feeds;
  }

  override afterStep(out: ReadonlyMap<string, Float32Array>): void {
    if (this.plans === null) return;
    for (const side of SIDES) {
      const fakes = out.get(`fake_${side}`);
      if (fakes === undefined) continue;
      const plans = this.plans[side];
      const each = fakes.length / plans.length;
      plans.forEach((plan, k) => this.pools[side].commit(plan, fakes.subarray(k * each, (k + 1) * each)));
    }
    this.plans = null;
  }

  visuals(batch: Batch, output: (name: string) => TrainImage): TrainImage[][] {
    return [
      [batch.firstA, output('fake_B'), output('rec_A')],
      [batch.firstB, output('fake_A'), output('rec_B')],
    ];
  }

  describeLosses(): string {
    const s = this.settings;
    return `LSGAN, cycle x ${s.lambdaCycle}, identity x ${s.lambdaIdentity * s.lambdaCycle}`;
  }

  override checkpointTensors(): Map<string, StateTensor> {
    const shape = [3, this.settings.size, this.settings.size];
    const tensors = new Map<string, StateTensor>();
    for (const side of SIDES) this.pools[side].images.forEach((img, k) => tensors.set(`pool/${side}/${k}`, { shape, data: img }));
    return tensors;
  }

  override restore(tensors: ReadonlyMap<string, Float32Array>): void {
    for (const side of SIDES) {
      // The checkpoint's pool replaces this one (a run moved to the CPU goes back to its checkpoint).
      this.pools[side].images.length = 0;
      for (let k = 0; ; k++) {
        const image = tensors.get(`pool/${side}/${k}`);
        if (image === undefined) break;
        this.pools[side].images.push(image);
      }
    }
  }

  private planPool(side: Side, rng: Rng): PoolPlan[] {
    return Array.from({ length: this.settings.batch }, () => this.pools[side].plan(rng));
  }
}
