import type { ConstSpec, GraphInput, IrGraph, IrNode, ParamSpec } from './ir.js';

export type NormKind = 'instance' | 'batch';

/** A node before its output is named (each kind of the union without `output`). */
type NodeBody = IrNode extends infer N ? (N extends IrNode ? Omit<N, 'output'> : never) : never;

/**
 * Builds an IrGraph layer by layer. Parameters are declared with the state-dict key of the
 * reference module, so a checkpoint's tensors map onto the graph by name alone.
 */
export class GraphBuilder {
  private readonly nodes: IrNode[] = [];
  private readonly params = new Map<string, ParamSpec>();
  private readonly constants = new Map<string, ConstSpec>();
  private readonly unused: string[] = [];
  private readonly inputs: GraphInput[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  input(name: string, layout: GraphInput['layout'], channels: number): string {
    this.inputs.push({ name, layout, channels });
    return name;
  }

  param(name: string, shape: readonly number[]): string {
    if (this.params.has(name)) throw new Error(`parameter ${name} declared twice`);
    this.params.set(name, { name, shape: [...shape] });
    return name;
  }

  /** Keys present in reference checkpoints that this graph ignores on purpose. */
  ignoreKeys(...names: string[]): void {
    this.unused.push(...names);
  }

  constant(shape: readonly number[], fill: number): string {
    const name = `const/${fill}x${shape.join('x')}`;
    if (!this.constants.has(name)) this.constants.set(name, { name, shape: [...shape], fill });
    return name;
  }

  private fresh(tag: string): string {
    this.counter += 1;
    return `${tag}_${this.counter}`;
  }

  conv(x: string, key: string, shape: { inC: number; outC: number; kernel: number; stride?: number; pad?: number; bias: boolean }): string {
    const { weight, bias } = this.kernelParams(key, [shape.outC, shape.inC, shape.kernel, shape.kernel], shape.outC, shape.bias);
    return this.push('conv', { op: 'conv', input: x, weight, bias, kernel: shape.kernel, stride: shape.stride ?? 1, pad: shape.pad ?? 0 });
  }

  convTranspose(
    x: string,
    key: string,
    shape: { inC: number; outC: number; kernel: number; stride: number; pad: number; outputPadding?: number; bias: boolean },
  ): string {
    // PyTorch stores transposed-conv weights as [in, out, k, k], as ONNX does.
    const { weight, bias } = this.kernelParams(key, [shape.inC, shape.outC, shape.kernel, shape.kernel], shape.outC, shape.bias);
    const { kernel, stride, pad } = shape;
    return this.push('convT', { op: 'convTranspose', input: x, weight, bias, kernel, stride, pad, outputPadding: shape.outputPadding ?? 0 });
  }

  /** A convolution's `<key>.weight` and, when it has one, `<key>.bias`. */
  private kernelParams(key: string, weightShape: readonly number[], outC: number, withBias: boolean): { weight: string; bias: string | null } {
    return { weight: this.param(`${key}.weight`, weightShape), bias: withBias ? this.param(`${key}.bias`, [outC]) : null };
  }

  /**
   * A normalisation layer with the semantics of the reference test scripts: statistics of the
   * current image. `affine` layers have `<key>.weight` / `<key>.bias`; BatchNorm's running
   * statistics are recorded as ignored keys. `batchStatistics` marks a BatchNorm layer, which in
   * training normalises over the whole batch.
   */
  norm(x: string, key: string, channels: number, options: { affine: boolean; tracksStats: boolean; batchStatistics?: boolean }): string {
    const { affine, tracksStats } = options;
    const scale = affine ? this.param(`${key}.weight`, [channels]) : this.constant([channels], 1);
    const shift = affine ? this.param(`${key}.bias`, [channels]) : this.constant([channels], 0);
    if (tracksStats) {
      this.ignoreKeys(`${key}.running_mean`, `${key}.running_var`, `${key}.num_batches_tracked`);
    }
    return this.push('norm', { op: 'instanceNorm', input: x, scale, shift, epsilon: 1e-5, batchStatistics: options.batchStatistics === true });
  }

  pad(x: string, amount: number, mode: 'reflect' | 'zero' = 'reflect'): string {
    return this.push('pad', { op: 'pad', input: x, mode, amount });
  }

  /** Nearest-neighbour upsampling by a whole factor (height and width). */
  upsample(x: string, factor: number): string {
    const output = this.fresh('up');
    this.nodes.push({ op: 'upsample', input: x, output, factor });
    return output;
  }

  relu(x: string): string {
    return this.push('relu', { op: 'relu', input: x });
  }

  tanh(x: string): string {
    return this.push('tanh', { op: 'tanh', input: x });
  }

  sigmoid(x: string): string {
    return this.push('sigmoid', { op: 'sigmoid', input: x });
  }

  leakyRelu(x: string, alpha: number): string {
    return this.push('lrelu', { op: 'leakyRelu', input: x, alpha });
  }

  add(a: string, b: string): string {
    return this.push('add', { op: 'add', inputs: [a, b] });
  }

  concat(...inputs: string[]): string {
    return this.push('concat', { op: 'concat', inputs });
  }

  spatialBroadcast(vector: string, like: string): string {
    return this.push('tile', { op: 'spatialBroadcast', input: vector, like });
  }

  /** Appends a node whose output gets a fresh name made from `tag`; returns that name. */
  private push(tag: string, node: NodeBody): string {
    const output = this.fresh(tag);
    this.nodes.push({ ...node, output } as IrNode);
    return output;
  }

  finish(output: string, channels: number): IrGraph {
    return {
      name: this.name,
      inputs: [...this.inputs],
      output: { name: output, channels },
      nodes: [...this.nodes],
      params: [...this.params.values()],
      constants: [...this.constants.values()],
      unusedKeys: [...this.unused],
    };
  }
}
