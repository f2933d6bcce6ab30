import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * A tensor's raw little-endian bytes as `Kind` values, copied into a buffer of their own: the
 * decoder's bytes are a view into the whole file (a Buffer), at any offset.
 */
export function rawAs<T extends Float32Array | Float64Array | Uint16Array>(raw: Uint8Array, Kind: { new (length: number): T; readonly BYTES_PER_ELEMENT: number }): T {
  const copy = new Kind(raw.byteLength / Kind.BYTES_PER_ELEMENT);
  new Uint8Array(copy.buffer).set(raw);
  return copy;
}

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
