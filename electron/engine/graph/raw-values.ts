/**
 * Little-endian bytes as `Kind` values, copied into a buffer of their own: aligned, and apart
 * from the file's bytes, which a decoder's tensor bytes are a view into (a Buffer, at any offset).
 */
export function rawAs<T extends Float32Array | Float64Array | Uint16Array>(raw: Uint8Array, Kind: { new (length: number): T; readonly BYTES_PER_ELEMENT: number }): T {
  const copy = new Kind(raw.byteLength / Kind.BYTES_PER_ELEMENT);
  new Uint8Array(copy.buffer).set(raw);
  return copy;
}
