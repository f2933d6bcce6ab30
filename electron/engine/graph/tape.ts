import onnxProto from 'onnx-proto';
import { OPSET } from './onnx-emitter.js';

const { onnx } = onnxProto;

type Attribute = onnxProto.onnx.IAttributeProto;
type NodeProto = onnxProto.onnx.INodeProto;
type TensorProto = onnxProto.onnx.ITensorProto;

/** Static shape of a tape value: training graphs are built for one batch and crop size. */
export type Shape = readonly number[];

export type AttrValue = number | readonly number[] | string | { float: number };

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
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly shapes = new Map<string, Shape>();
  private readonly constCache = new Map<string, string>();
  readonly recorded: Recorded[] = [];
  private counter = 0;

  constructor(readonly name: string) {}

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
    this.inputs.push(valueInfo(name, shape, onnx.TensorProto.DataType.FLOAT));
    return name;
  }

  /** A float constant of the given shape, every element `fill` (shared between uses). */
  constant(fill: number, shape: Shape = []): string {
    const key = `f:${fill}:${shape.join('x')}`;
    const cached = this.constCache.get(key);
    if (cached !== undefined) return cached;
    const name = `const/${fill}/${shape.join('x') || 'scalar'}`;
    const data = new Float32Array(size(shape)).fill(fill);
    this.initializers.push({
      name,
      dims: [...shape],
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(data.buffer),
    });
    this.shapes.set(name, [...shape]);
    this.constCache.set(key, name);
    return name;
  }

  /** An int64 constant (axes, shapes, pads, indices). Its shape is recorded as its length. */
  ints(values: readonly number[]): string {
    const key = `i:${values.join(',')}`;
    const cached = this.constCache.get(key);
    if (cached !== undefined) return cached;
    const name = `i64/${values.join(',') || 'empty'}`;
    const data = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: onnx.TensorProto.DataType.INT64,
      rawData: new Uint8Array(data.buffer),
    });
    this.shapes.set(name, [values.length]);
    this.constCache.set(key, name);
    return name;
  }

  /** Appends one ONNX node whose (single) output has the given static shape. */
  emit(opType: string, inputs: readonly string[], shape: Shape, attrs: Record<string, AttrValue> = {}, tag?: string): string {
    const output = this.fresh(tag ?? opType);
    this.emitInto(opType, inputs, [output], attrs);
    this.shapes.set(output, [...shape]);
    return output;
  }

  /** Appends a node with several outputs (Split). */
  emitMany(opType: string, inputs: readonly string[], shapes: readonly Shape[], attrs: Record<string, AttrValue> = {}): string[] {
    const outputs = shapes.map(() => this.fresh(opType));
    this.emitInto(opType, inputs, outputs, attrs);
    outputs.forEach((o, i) => this.shapes.set(o, [...(shapes[i] ?? [])]));
    return outputs;
  }

  private emitInto(opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Record<string, AttrValue>): void {
    this.nodes.push({
      opType,
      input: [...inputs],
      output: [...outputs],
      name: `${opType}:${outputs[0] ?? ''}`,
      attribute: Object.entries(attrs).map(([name, v]) => toAttribute(name, v)),
    });
  }

  /** Marks `output` as computed differentiably from `inputs` by `backward`. */
  record(inputs: readonly string[], output: string, backward: BackwardRule): string {
    this.recorded.push({ inputs, output, backward });
    return output;
  }

  /** Serialises the graph with the named outputs (in order). */
  toOnnx(outputs: readonly string[], metadata: Record<string, string> = {}): Uint8Array {
    const model: onnxProto.onnx.IModelProto = {
      irVersion: 8,
      producerName: 'gan-studio',
      producerVersion: '0',
      opsetImport: [{ domain: '', version: OPSET }],
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: outputs.map((o) => valueInfo(o, this.shape(o), onnx.TensorProto.DataType.FLOAT)),
      },
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }

  /** Gives a value a stable graph-output name (ONNX outputs are named values). */
  rename(value: string, name: string): string {
    this.emitInto('Identity', [value], [name], {});
    this.shapes.set(name, this.shape(value));
    return name;
  }
}

function toAttribute(name: string, v: AttrValue): Attribute {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: [...(v as readonly number[])] };
  return { name, type: T.FLOAT, f: (v as { float: number }).float };
}

function valueInfo(name: string, shape: Shape, elemType: number): onnxProto.onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: shape.map((d) => ({ dimValue: d })) } } } };
}
