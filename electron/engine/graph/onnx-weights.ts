import onnxProto from 'onnx-proto';
import { rawAs } from './raw-values.js';

const { onnx } = onnxProto;

/** A float32 tensor's values, from its raw bytes or its float_data. */
export function tensorFloats(t: onnxProto.onnx.ITensorProto): Float32Array {
  return t.rawData !== null && t.rawData !== undefined && t.rawData.byteLength > 0 ? rawAs(t.rawData, Float32Array) : Float32Array.from(t.floatData ?? []);
}

/**
 * The float32 initializers of an ONNX model by name: the weights of a model the engine
 * emitted, so its graph can be emitted again in another form (for example for tiling).
 */
export function weightsFromOnnx(bytes: Uint8Array): Map<string, Float32Array> {
  const model = onnx.ModelProto.decode(bytes);
  const out = new Map<string, Float32Array>();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataType === onnx.TensorProto.DataType.FLOAT && t.name !== null && t.name !== undefined) out.set(t.name, tensorFloats(t));
  }
  return out;
}
