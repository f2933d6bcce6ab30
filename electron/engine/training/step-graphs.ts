import type { IrGraph } from '../graph/ir.js';

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
  /** Image outputs the host needs (the fakes for the pool and the sample grids). */
  images: readonly string[];
}

/** Inputs every step graph takes: the Adam step size lr / (1 - b1^t) and sqrt(1 - b2^t). */
export const STEP_SIZE = 'adam/step_size';
export const BC2 = 'adam/bc2_sqrt';

/** The shape of a batch of images as step graphs take them: NCHW. */
export const imageShape = (batch: number, size: number, channels = 3): number[] => [batch, channels, size, size];
