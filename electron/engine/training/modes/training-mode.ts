import type { TrainSettings } from '../../../contract/training.js';
import type { IrGraph } from '../../graph/ir.js';
import { discriminatorFamily, type DiscriminatorArch } from '../../nets/index.js';
import type { TensorInput } from '../../runtime/index.js';
import type { Rng, TrainImage } from '../data/index.js';
import type { StateTensor } from '../run-files.js';
import type { StepGraph } from '../step-graphs.js';
import type { Batch } from '../training-data.js';

/** A generator a mode trains. */
export interface GeneratorRole {
  /** Its id in the step graph and the run (G, G_A, ...). */
  id: string;
  /** The setting naming the library model it starts from. */
  startsFrom: 'from' | 'fromB';
  /** What the exported model translates ("A to B"). */
  direction: string;
  /** Added to the exported model's id and title, where a run exports more than one. */
  exportSuffix?: { id: string; title: string };
}

/**
 * One training recipe, as the public code writes one class per model (cycle_gan_model.py,
 * pix2pix_model.py): the networks it trains, the graph of one iteration (forward passes,
 * losses, Adam steps), what it feeds a step besides the batch, what its sample grids show and
 * what its model cards say. One instance per run: it keeps the recipe's own state between
 * steps (CycleGAN's pools of earlier fakes). The run does the rest the same way for every mode.
 */
export abstract class TrainingMode {
  abstract readonly generators: readonly GeneratorRole[];
  abstract readonly discriminators: readonly string[];
  /** Whether the generator and the discriminators see the data's condition vector. */
  readonly conditional: boolean = false;

  constructor(
    protected readonly settings: TrainSettings,
    protected readonly conditionSize: number,
  ) {}

  /** Channels of what a discriminator judges. */
  protected abstract judgedChannels(): number;

  /**
   * The graph of one training iteration over the run's networks, by id. `exposeGradients`: also
   * output every gradient as `g:<net>/<key>` (the PyTorch comparison tests read them).
   */
  abstract buildStep(graphs: ReadonlyMap<string, IrGraph>, exposeGradients?: boolean): StepGraph;

  /** Rows of a sample grid: the batch's first images and what the networks made of them. */
  abstract visuals(batch: Batch, output: (name: string) => TrainImage): TrainImage[][];

  /** The losses line of an exported model's card. */
  abstract describeLosses(): string;

  /** The discriminators' network: junyanz's PatchGAN, as the recipes use it. */
  discriminatorArch(): DiscriminatorArch {
    const s = this.settings;
    return { family: 'patchgan', inputChannels: this.judgedChannels(), ndf: s.ndf, nLayers: s.dLayers, norm: s.norm };
  }

  /** A fresh discriminator graph (the public releases ship generators only). */
  discriminator(): IrGraph {
    const arch = this.discriminatorArch();
    return discriminatorFamily(arch).build(arch);
  }

  /** A step's data inputs: the batch, and whatever the recipe adds to it. */
  feeds(batch: Batch, step: StepGraph, rng: Rng): Record<string, TensorInput> {
    const dims = (name: string): readonly number[] => step.dataInputs.get(name) ?? [];
    const feeds: Record<string, TensorInput> = { real_A: { data: batch.a, dims: dims('real_A') }, real_B: { data: batch.b, dims: dims('real_B') } };
    if (batch.condition !== undefined) feeds.condition = { data: batch.condition, dims: dims('condition') };
    return { ...feeds, ...this.extraFeeds(batch, dims, rng) };
  }

  /** Inputs a recipe adds to the batch (CycleGAN: the pools' choices), drawn from `rng`. */
  protected extraFeeds(_batch: Batch, _dims: (name: string) => readonly number[], _rng: Rng): Record<string, TensorInput> {
    return {};
  }

  /** What a recipe keeps of a step's outputs (CycleGAN: the new fakes, into its pools). */
  afterStep(_out: ReadonlyMap<string, Float32Array>): void {}

  /** The recipe's own state for a checkpoint, beside the weights and moments. */
  checkpointTensors(): Map<string, StateTensor> {
    return new Map();
  }

  /** Takes the recipe's state back from a checkpoint's tensors. */
  restore(_tensors: ReadonlyMap<string, Float32Array>): void {}

  /** One of the run's networks, by id. */
  protected static graph(graphs: ReadonlyMap<string, IrGraph>, id: string): IrGraph {
    const graph = graphs.get(id);
    if (graph === undefined) throw new Error(`run has no network ${id}`);
    return graph;
  }
}
