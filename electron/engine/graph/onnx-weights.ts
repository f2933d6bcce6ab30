import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * The float32 initializers of an ONNX model by name: the weights of a model the engine
 * emitted, so its graph can be emitted again in another form (for example for tiling).
 */
export function weightsFromOnnx(bytes: Uint8Array): Map<string, Float32Array> {
  const model = onnx.ModelProto.decode(bytes);
  const out = new Map<string, Float32Array>();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataType !== onnx.TensorProto.DataType.FLOAT || t.name === null || t.name === undefined) continue;
    if (t.rawData !== null && t.rawData !== undefined && t.rawData.byteLength > 0) {
      const copy = new Float32Array(t.rawData.byteLength / 4);
      new Uint8Array(copy.buffer).set(t.rawData);
      out.set(t.name, copy);
    } else {
      out.set(t.name, Float32Array.from(t.floatData ?? []));
    }
  }
  return out;
}
