import type { IrGraph } from '../graph/ir.js';
import { Tape } from '../graph/tape.js';
import { TrainableNet } from './trainable-net.js';

/**
 * One whole training iteration as one ONNX graph: forward passes, losses, gradients and the
 * Adam updates of every network, so an iteration is a single session run on any provider.
 * Weights and moments go in as inputs and come out updated under the names of `stateNames`.
 * Each training mode builds its own (modes/).
 */
export interface StepGraph {
  model: Uint8Array;
  /** Network id -> its IR graph (whose params are the state the host keeps). */
  nets: ReadonlyMap<string, IrGraph>;
  /** Per-step data inputs and their shapes (images, pool choices, condition vectors). */
  dataInputs: ReadonlyMap<string, readonly number[]>;
  /** Scalar outputs, by loss name. */
  losses: readonly string[];
}

/** Inputs every step graph takes: the Adam step size lr / (1 - b1^t) and sqrt(1 - b2^t). */
export const STEP_SIZE = 'adam/step_size';
export const BC2 = 'adam/bc2_sqrt';

/** The shape of a batch of images as step graphs take them: NCHW. */
export const imageShape = (batch: number, size: number, channels = 3): number[] => [batch, channels, size, size];

/**
 * Builds a step graph on a tape: declares its data inputs and trained networks once (they come
 * back in the StepGraph), gives every Adam update the step's two scalars, and names the losses
 * and images the host reads.
 */
export class StepBuilder {
  readonly t: Tape;
  private readonly dataInputs = new Map<string, readonly number[]>();
  private readonly nets = new Map<string, IrGraph>();
  private readonly updates: string[] = [];
  private adam: { stepSize: string; bc2: string } | undefined;

  constructor(
    name: string,
    /** Also output every gradient as `g:<net>/<key>` (the PyTorch comparison tests read them). */
    private readonly exposeGradients = false,
  ) {
    this.t = new Tape(name);
  }

  /** A per-step data input: images, pool choices, condition vectors. */
  data(name: string, shape: readonly number[]): string {
    this.dataInputs.set(name, shape);
    return this.t.input(name, shape);
  }

  /** A network the step trains: its weights and moments become inputs. */
  net(id: string, graph: IrGraph): TrainableNet {
    // The optimiser's scalars are declared after the data and before the first network's weights.
    this.adam ??= { stepSize: this.t.input(STEP_SIZE, []), bc2: this.t.input(BC2, []) };
    this.nets.set(id, graph);
    return new TrainableNet(this.t, id, graph);
  }

  /** One Adam step of `net` along `grads`; returns its new weights by key, for a use later in the step. */
  adamStep(net: TrainableNet, grads: ReadonlyMap<string, string>): Map<string, string> {
    if (this.adam === undefined) throw new Error('no network was declared');
    return net.adamStep(grads, this.adam.stepSize, this.adam.bc2, this.updates, this.exposeGradients);
  }

  /** The step graph, outputting the named losses (as `loss/<name>`), the named images the host reads (fakes for the pool, sample grids) and every update. */
  finish(losses: readonly (readonly [string, string])[], images: readonly (readonly [string, string])[]): StepGraph {
    const lossNames = losses.map(([name, value]) => this.t.rename(value, `loss/${name}`));
    const imageNames = images.map(([name, value]) => this.t.rename(value, name));
    return {
      model: this.t.toOnnx([...lossNames, ...imageNames, ...this.updates]),
      nets: this.nets,
      dataInputs: this.dataInputs,
      losses: lossNames,
    };
  }
}
