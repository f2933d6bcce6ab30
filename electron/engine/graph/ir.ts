/**
 * The network IR: a small, typed, single-assignment graph of the layers the generator and
 * discriminator families use. It stays above ONNX on purpose: each layer kind is defined once,
 * in the op table (graph/op-table), with its shape rule, its ONNX lowering for inference and
 * strips, its part in the layer-by-layer runner and its differentiable form for training.
 */

/** A learnable tensor, named by its key in the reference PyTorch state dict. */
export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

/** A fixed tensor the graph needs (for example the unit scale of an affine-free norm). */
export interface ConstSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly fill: number;
}

export interface GraphInput {
  readonly name: string;
  /** 'image': [batch, channels, height, width]; 'vector': [batch, channels]. */
  readonly layout: 'image' | 'vector';
  readonly channels: number;
}

interface Unary {
  readonly input: string;
  readonly output: string;
}

export type IrNode =
  | (Unary & {
      readonly op: 'conv';
      readonly weight: string;
      readonly bias: string | null;
      readonly kernel: number;
      readonly stride: number;
      /** Zero padding on every side (reflect padding is a separate 'pad' node). */
      readonly pad: number;
    })
  | (Unary & {
      readonly op: 'convTranspose';
      readonly weight: string;
      readonly bias: string | null;
      readonly kernel: number;
      readonly stride: number;
      readonly pad: number;
      readonly outputPadding: number;
    })
  | (Unary & {
      /**
       * Per-image, per-channel normalisation with scale and shift. Both InstanceNorm and the
       * reference BatchNorm (run as the public test scripts do, on one image) mean this.
       */
      readonly op: 'instanceNorm';
      readonly scale: string;
      readonly shift: string;
      readonly epsilon: number;
      /**
       * A BatchNorm layer: in training (train mode) its statistics span the whole batch. Inference
       * always uses the image's own, as the reference test scripts effectively do at batch 1.
       */
      readonly batchStatistics?: boolean;
    })
  | (Unary & { readonly op: 'pad'; readonly mode: 'reflect' | 'zero'; readonly amount: number })
  | (Unary & {
      /**
       * Nearest-neighbour upsampling by a whole factor in height and width (PyTorch's
       * Upsample(mode='nearest')): output (y, x) copies input (floor(y / f), floor(x / f)).
       * Followed by a conv, it is the resize-then-convolve upsampling of our own starters.
       */
      readonly op: 'upsample';
      readonly factor: number;
    })
  | (Unary & { readonly op: 'relu' })
  | (Unary & { readonly op: 'tanh' })
  | (Unary & { readonly op: 'sigmoid' })
  | (Unary & { readonly op: 'leakyRelu'; readonly alpha: number })
  | { readonly op: 'add'; readonly inputs: readonly [string, string]; readonly output: string }
  | { readonly op: 'concat'; readonly inputs: readonly string[]; readonly output: string }
  | {
      /** Repeats a [B, C] vector over the height and width of `like`: [B, C, H, W]. */
      readonly op: 'spatialBroadcast';
      readonly input: string;
      readonly like: string;
      readonly output: string;
    };

export type IrOp = IrNode['op'];
export type IrNodeOf<K extends IrOp> = Extract<IrNode, { readonly op: K }>;

export interface IrGraph {
  readonly name: string;
  readonly inputs: readonly GraphInput[];
  readonly output: { readonly name: string; readonly channels: number };
  readonly nodes: readonly IrNode[];
  readonly params: readonly ParamSpec[];
  readonly constants: readonly ConstSpec[];
  /**
   * State-dict keys a checkpoint of this architecture also carries that the graph
   * deliberately does not use (BatchNorm running statistics: per-image statistics are used).
   */
  readonly unusedKeys: readonly string[];
}
