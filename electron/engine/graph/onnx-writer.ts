import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX opset every model the engine writes targets: supported by every onnxruntime provider we use. */
export const OPSET = 17;
const IR_VERSION = 8;
const PRODUCER = 'gan-studio';
/** The element type code of float32 tensors (for Cast). */
export const FLOAT = onnx.TensorProto.DataType.FLOAT;

type GraphProto = onnxProto.onnx.IGraphProto;
type NodeProto = onnxProto.onnx.INodeProto;
type TensorProto = onnxProto.onnx.ITensorProto;
type ValueInfo = onnxProto.onnx.IValueInfoProto;

/** An attribute value: int, ints, string, or float (boxed, since a JS number alone reads as int). */
export type AttrValue = number | readonly number[] | string | { float: number };

/** A dimension: fixed, or named (dynamic: batch, height, width, rows). */
export type Dim = number | string;

/** What goes around a graph in a model file. */
export interface Envelope {
  /** Free-form strings stored in the model's metadata_props (architecture, source, ...). */
  metadata?: Record<string, string>;
  producerVersion?: string;
}

/**
 * The one writer of ONNX models in the engine: inference models, their statistics variants,
 * strip segments and training graphs all build their graph here, node by node, and are
 * serialised with the same envelope (IR version, opset, producer). Everything is kept in the
 * order it is added, so a model's bytes depend only on what its builder asks for.
 *
 * Values are float32 tensors; the element type is written in two places only (`input` /
 * `output` value infos and `floats`), which is where a float16 variant would change it.
 * `graph()` is the bare graph, so a body (of a Loop, say) can be built by a writer of its own.
 */
export class OnnxWriter {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly int64Names = new Map<string, string>();

  constructor(readonly name: string) {}

  /** Appends a node, named after its operator and first output. */
  node(opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}): void {
    this.nodes.push({
      opType,
      input: [...inputs],
      output: [...outputs],
      name: `${opType}:${outputs[0] ?? ''}`,
      attribute: Object.entries(attrs).map(([name, v]) => attribute(name, v)),
    });
  }

  /** A float32 initializer. raw_data is little-endian, which is what a Float32Array holds on every platform we ship. */
  floats(name: string, dims: readonly number[], data: Float32Array): string {
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  /** An int64 constant (shapes, axes, pads, indices), each distinct value once. */
  ints(values: readonly number[]): string {
    const key = values.join(',');
    let name = this.int64Names.get(key);
    if (name === undefined) {
      name = `i64/${key || 'empty'}`;
      this.int64Names.set(key, name);
      const data = new BigInt64Array(values.map((v) => BigInt(v)));
      this.initializers.push({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(data.buffer) });
    }
    return name;
  }

  /** A float graph input. */
  input(name: string, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, dims));
    return name;
  }

  /** A float graph output. */
  output(name: string, dims: readonly Dim[]): string {
    this.outputs.push(valueInfo(name, dims));
    return name;
  }

  graph(): GraphProto {
    return { name: this.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs };
  }

  /** The serialised model. */
  encode(envelope: Envelope = {}): Uint8Array {
    const model: onnxProto.onnx.IModelProto = {
      irVersion: IR_VERSION,
      producerName: PRODUCER,
      producerVersion: envelope.producerVersion ?? '0',
      opsetImport: [{ domain: '', version: OPSET }],
      metadataProps: Object.entries(envelope.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: this.graph(),
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }
}

function attribute(name: string, v: AttrValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: [...(v as readonly number[])] };
  return { name, type: T.FLOAT, f: (v as { float: number }).float };
}

function valueInfo(name: string, dims: readonly Dim[]): ValueInfo {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
