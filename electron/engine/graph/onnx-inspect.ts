import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type Dim = number | string | null;

export interface OnnxTensorInfo {
  name: string;
  elemType: number;
  dims: Dim[];
}

export interface OnnxSummary {
  inputs: OnnxTensorInfo[];
  outputs: OnnxTensorInfo[];
  opsetVersion: number | null;
  producer: string;
  metadata: Record<string, string>;
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const ONNX_FLOAT = FLOAT;

/**
 * Reads the interface of an ONNX model (graph inputs that are not initializers, outputs,
 * opset, metadata) without loading it into a runtime. Throws on bytes that are not a model.
 */
export function inspectOnnx(bytes: Uint8Array): OnnxSummary {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  if (graph === null || graph === undefined) throw new Error('the file holds no ONNX graph');
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const info = (v: onnxProto.onnx.IValueInfoProto): OnnxTensorInfo => {
    const tensorType = v.type?.tensorType;
    const dims = (tensorType?.shape?.dim ?? []).map((d): Dim => {
      if (d.dimValue !== null && d.dimValue !== undefined && Number(d.dimValue) > 0) return Number(d.dimValue);
      if (typeof d.dimParam === 'string' && d.dimParam !== '') return d.dimParam;
      return null;
    });
    return { name: v.name ?? '', elemType: Number(tensorType?.elemType ?? 0), dims };
  };
  const opset = (model.opsetImport ?? []).find((o) => (o.domain ?? '') === '');
  return {
    inputs: (graph.input ?? []).filter((i) => !initializers.has(i.name ?? '')).map(info),
    outputs: (graph.output ?? []).map(info),
    opsetVersion: opset?.version === undefined || opset.version === null ? null : Number(opset.version),
    producer: model.producerName ?? '',
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
  };
}
