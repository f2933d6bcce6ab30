import { OnnxWriter, type AttrValue } from './onnx-writer.js';

/** Static shape of a tape value: training graphs are built for one batch and crop size. */
export type Shape = readonly number[];

/**
 * Gradient rule of one recorded operation: given the gradient of its output, returns the
 * gradient of each input. `needs[i]` says whether input i wants one; a rule may return null
 * there and skip the work (the image input of a first conv, a frozen network's weights).
 */
export type BackwardRule = (gradOutput: string, tape: Tape, needs: readonly boolean[]) => readonly (string | null)[];

interface Recorded {
  readonly inputs: readonly string[];
  readonly output: string;
  readonly backward: BackwardRule;
}

export const size = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/**
 * A training graph under construction: ONNX nodes with static shapes, plus the record of
 * differentiable operations the autodiff walks backwards. Operations emitted with `emit`
 * alone are constants to the autodiff (shape arithmetic, optimiser updates, detached values);
 * `record` marks one as differentiable with its gradient rule.
 */
export class Tape {
  private readonly writer: OnnxWriter;
  private readonly shapes = new Map<string, Shape>();
  private readonly constCache = new Map<string, string>();
  readonly recorded: Recorded[] = [];
  private counter = 0;
  private written = false;

  constructor(readonly name: string) {
    this.writer = new OnnxWriter(name);
  }

  shape(value: string): Shape {
    const s = this.shapes.get(value);
    if (s === undefined) throw new Error(`tape has no value ${value}`);
    return s;
  }

  has(value: string): boolean {
    return this.shapes.has(value);
  }

  fresh(tag: string): string {
    this.counter += 1;
    return `${tag}#${this.counter}`;
  }

  /** A float input of the graph (weights, optimiser state, a batch, a scalar setting). */
  input(name: string, shape: Shape): string {
    if (this.shapes.has(name)) throw new Error(`tape value ${name} declared twice`);
    this.shapes.set(name, [...shape]);
    return this.writer.input(name, shape);
  }

  /** A float constant of the given shape, every element `fill` (shared between uses). */
  constant(fill: number, shape: Shape = []): string {
    const key = `f:${fill}:${shape.join('x')}`;
    const cached = this.constCache.get(key);
    if (cached !== undefined) return cached;
    const name = `const/${fill}/${shape.join('x') || 'scalar'}`;
    this.writer.floats(name, shape, new Float32Array(size(shape)).fill(fill));
    this.shapes.set(name, [...shape]);
    this.constCache.set(key, name);
    return name;
  }

  /** An int64 constant (axes, shapes, pads, indices). Its shape is recorded as its length. */
  ints(values: readonly number[]): string {
    const name = this.writer.ints(values);
    this.shapes.set(name, [values.length]);
    return name;
  }

  /** Appends one ONNX node whose (single) output has the given static shape. */
  emit(opType: string, inputs: readonly string[], shape: Shape, attrs: Record<string, AttrValue> = {}, tag?: string): string {
    const output = this.fresh(tag ?? opType);
    this.writer.node(opType, inputs, [output], attrs);
    this.shapes.set(output, [...shape]);
    return output;
  }

  /** Appends a node with several outputs (Split). */
  emitMany(opType: string, inputs: readonly string[], shapes: readonly Shape[], attrs: Record<string, AttrValue> = {}): string[] {
    const outputs = shapes.map(() => this.fresh(opType));
    this.writer.node(opType, inputs, outputs, attrs);
    outputs.forEach((o, i) => this.shapes.set(o, [...(shapes[i] ?? [])]));
    return outputs;
  }

  /** Marks `output` as computed differentiably from `inputs` by `backward`. */
  record(inputs: readonly string[], output: string, backward: BackwardRule): string {
    this.recorded.push({ inputs, output, backward });
    return output;
  }

  /** Serialises the graph with the named outputs (in order). Call it once: the outputs become the graph's. */
  toOnnx(outputs: readonly string[], metadata: Record<string, string> = {}): Uint8Array {
    if (this.written) throw new Error(`tape ${this.name} was serialised already`);
    this.written = true;
    for (const o of outputs) this.writer.output(o, this.shape(o));
    return this.writer.encode({ metadata });
  }

  /** Gives a value a stable graph-output name (ONNX outputs are named values). */
  rename(value: string, name: string): string {
    this.writer.node('Identity', [value], [name], {});
    this.shapes.set(name, this.shape(value));
    return name;
  }
}
