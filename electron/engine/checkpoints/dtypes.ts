/** Storage element types of PyTorch's typed storages, and their conversion to float32. */

export type FloatDtype = 'float32' | 'float16' | 'bfloat16' | 'float64';
export type StorageDtype = FloatDtype | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export const ELEMENT_SIZE: Readonly<Record<StorageDtype, number>> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/** The typed-storage classes of `torch` (and, in files saved from a GPU before 1.13, `torch.cuda`). */
export const STORAGE_CLASSES: Readonly<Record<string, StorageDtype>> = {
  FloatStorage: 'float32',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

export function isFloatDtype(dtype: StorageDtype): dtype is FloatDtype {
  return dtype === 'float32' || dtype === 'float16' || dtype === 'bfloat16' || dtype === 'float64';
}

/** The typed array class that holds raw elements of a float dtype (16-bit ones as bits). */
export type RawArray = Float32Array | Uint16Array | Float64Array;

export function rawArrayOf(dtype: FloatDtype, buffer: ArrayBufferLike, byteOffset: number, length: number): RawArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, byteOffset, length);
    case 'float16':
    case 'bfloat16':
      return new Uint16Array(buffer, byteOffset, length);
    case 'float64':
      return new Float64Array(buffer, byteOffset, length);
  }
}

export function newRawArray(dtype: FloatDtype, length: number): RawArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'float16':
    case 'bfloat16':
      return new Uint16Array(length);
    case 'float64':
      return new Float64Array(length);
  }
}

let halfTable: Float32Array | undefined;

/** All 65536 IEEE half-precision values as float32 (each exactly representable). */
function halfToFloat(): Float32Array {
  if (halfTable !== undefined) return halfTable;
  const table = new Float32Array(65536);
  const bits = new Uint32Array(table.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) {
      // Zero or subnormal: mantissa * 2^-24, exact in float32.
      table[h] = (sign !== 0 ? -1 : 1) * mantissa * 2 ** -24;
    } else if (exponent === 31) {
      // Infinity or NaN (payload kept in the high mantissa bits).
      bits[h] = (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
    } else {
      bits[h] = (sign | ((exponent - 15 + 127) << 23) | (mantissa << 13)) >>> 0;
    }
  }
  halfTable = table;
  return table;
}

/** Converts contiguous raw elements to float32 (copying float32 as well). */
export function toFloat32(dtype: FloatDtype, raw: RawArray): Float32Array {
  const out = new Float32Array(raw.length);
  switch (dtype) {
    case 'float32':
    case 'float64':
      // Typed-array set converts with round-to-nearest-even, as PyTorch's .float() does.
      out.set(raw as Float32Array | Float64Array);
      break;
    case 'float16': {
      const table = halfToFloat();
      const src = raw as Uint16Array;
      for (let i = 0; i < src.length; i++) out[i] = table[src[i] as number] as number;
      break;
    }
    case 'bfloat16': {
      // bfloat16 is the top half of a float32.
      const bits = new Uint32Array(out.buffer);
      const src = raw as Uint16Array;
      for (let i = 0; i < src.length; i++) bits[i] = (src[i] as number) << 16;
      break;
    }
  }
  return out;
}
