import { readFile } from 'node:fs/promises';
import { rawAs } from './raw-values.js';

/**
 * The safetensors container (8-byte little-endian header length, a JSON header, raw data):
 * a plain, executable-free way to ship named tensors, used for fixtures and recipe outputs.
 * Only float32 is read as data; other dtypes are listed so callers can say what they skipped.
 */
export interface TensorFile {
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
  skipped: string[];
  metadata: Record<string, string>;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export function parseSafetensors(bytes: Uint8Array, label = 'tensor file'): TensorFile {
  if (bytes.byteLength < 8) throw new Error(`${label}: too short to be a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength <= 0 || 8 + headerLength > bytes.byteLength) {
    throw new Error(`${label}: header length ${headerLength} does not fit the file`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch {
    throw new Error(`${label}: header is not valid JSON`);
  }
  const dataStart = 8 + headerLength;
  const tensors: TensorFile['tensors'] = new Map();
  const skipped: string[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = raw as Record<string, string>;
      continue;
    }
    const entry = raw as HeaderEntry;
    const [begin, end] = entry.data_offsets;
    if (entry.dtype !== 'F32') {
      skipped.push(name);
      continue;
    }
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * 4 || dataStart + end > bytes.byteLength) {
      throw new Error(`${label}: tensor ${name} has inconsistent offsets`);
    }
    tensors.set(name, { shape: entry.shape, data: rawAs(bytes.subarray(dataStart + begin, dataStart + end), Float32Array) });
  }
  return { tensors, skipped, metadata };
}

export async function readSafetensors(path: string): Promise<TensorFile> {
  return parseSafetensors(await readFile(path), path);
}

export function serializeSafetensors(
  tensors: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad the header so the data starts 8-byte aligned, as the format recommends.
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.byteLength;
  for (const t of tensors.values()) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

/** The state-dict tensors of a file as a weight map, leaving out `__input__`-style extras. */
export function stateDictWeights(file: TensorFile): Map<string, Float32Array> {
  return new Map([...file.tensors].filter(([name]) => !name.startsWith('__')).map(([name, t]) => [name, t.data]));
}
