import { readFile } from 'node:fs/promises';
import { orSystemError } from '../errors.js';
import { rawAs } from '../graph/raw-values.js';
import { ELEMENT_SIZE, isFloatDtype, newRawArray, rawArrayOf, toFloat32, type FloatDtype, type RawArray } from './dtypes.js';
import { ByteReader, describe, PyDict, PyList, runPickle, type PyValue } from './pickle.js';
import { asStudioError, bad, foreign, listSome, shown, truncated } from './problems.js';
import { headerHooks, TensorRecord, TorchHooks } from './torch-pickle.js';
import { ZipArchive, type ZipEntry } from './zip-archive.js';

export interface CheckpointTensor {
  shape: number[];
  data: Float32Array;
  sourceDtype: FloatDtype;
}

export interface StateDict {
  tensors: Map<string, CheckpointTensor>;
  /** Entries that are not float tensors (num_batches_tracked, ints, ...). */
  skipped: string[];
  container: 'zip' | 'legacy';
  /** The key of the training checkpoint's dict the state dict was found under, if any. */
  wrapper?: string;
  /** The file name (or label) the state dict was read from, for messages. */
  label?: string;
}

/** torch.save's legacy magic number, the first pickle of the legacy stream. */
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL_VERSION = 1001;
/** Keys under which training scripts keep a generator's state dict. */
const WRAPPER_KEYS = ['state_dict', 'model', 'G', 'netG', 'generator', 'state_dict_G'] as const;

/** Raw bytes of each root storage, by key; only looked up for the tensors kept. */
type StorageData = (key: string, dtype: FloatDtype, numel: number) => Uint8Array;

interface Container {
  top: PyValue;
  data: StorageData;
  container: 'zip' | 'legacy';
}

export async function readCheckpoint(path: string): Promise<StateDict> {
  const bytes = await orSystemError(readFile(path), (cause) => `${path}: cannot read the checkpoint: ${cause}`);
  return parseCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}

/**
 * Reads a PyTorch checkpoint (zip or legacy container) into float32 tensors without running
 * anything from it. Throws StudioError: UNSAFE_CHECKPOINT for a global outside the allowlist,
 * BAD_CHECKPOINT for anything damaged, truncated, foreign or unsupported.
 */
export function parseCheckpoint(bytes: Uint8Array, label: string): StateDict {
  try {
    if (!littleEndianHost()) bad('this reader needs a little-endian machine');
    const c = isZip(bytes) ? readZip(bytes) : readLegacy(bytes);
    const { dict, wrapper } = findStateDict(c.top);
    const sd = materialize(dict, c.data, bytes.byteLength);
    const out: StateDict = { tensors: sd.tensors, skipped: sd.skipped, container: c.container, label };
    if (wrapper !== undefined) out.wrapper = wrapper;
    return out;
  } catch (err) {
    throw asStudioError(err, label);
  }
}

function littleEndianHost(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

function startsWith(bytes: Uint8Array, ...prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function isZip(bytes: Uint8Array): boolean {
  return startsWith(bytes, 0x50, 0x4b, 0x03, 0x04) || startsWith(bytes, 0x50, 0x4b, 0x05, 0x06);
}

/** What a file that is not a checkpoint seems to be, for the message. */
function describeForeign(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'the file is empty';
  if (startsWith(bytes, 0x89, 0x50, 0x4e, 0x47)) return 'it is a PNG image';
  if (startsWith(bytes, 0xff, 0xd8, 0xff)) return 'it is a JPEG image';
  if (startsWith(bytes, 0x47, 0x49, 0x46, 0x38)) return 'it is a GIF image';
  if (startsWith(bytes, 0x1f, 0x8b)) return 'it is gzip-compressed data (decompress it first)';
  if (bytes.length > 265 && startsWith(bytes.subarray(257), 0x75, 0x73, 0x74, 0x61, 0x72)) {
    return 'it is a tar archive (the tar-based format of PyTorch before 0.1.10 is not supported)';
  }
  if (bytes.length >= 10 && bytes[8] === 0x7b && bytes[9] === 0x22) return 'it looks like a safetensors file';
  const head = bytes.subarray(0, 256);
  if (head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b !== 0x7f))) return 'it looks like a text file';
  const hex = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `unrecognised data (it starts with ${hex})`;
}

// ---------------------------------------------------------------------------
// zip container: <archive>/data.pkl + <archive>/data/<key>
// ---------------------------------------------------------------------------

const PICKLE_ENTRY = /^[^/]+\/data\.pkl$/;

function readZip(bytes: Uint8Array): Container {
  const archive = new ZipArchive(bytes);
  const names = archive.entries.map((e) => e.name);
  const pickleName = names.find((n) => PICKLE_ENTRY.test(n));
  if (pickleName === undefined) {
    foreign(names.length === 0 ? 'an empty zip archive' : `a zip archive without data.pkl (it holds ${listSome(names.map((n) => shown(n)), 5)})`);
  }
  const prefix = pickleName.slice(0, -'data.pkl'.length);
  const byteorderEntry = archive.get(`${prefix}byteorder`);
  if (byteorderEntry !== undefined && byteorderEntry.size <= 16 && new TextDecoder().decode(archive.read(byteorderEntry)).trim() === 'big') {
    bad('the checkpoint was written on a big-endian machine, which is not supported');
  }
  const pickle = archive.read(archive.get(pickleName) as ZipEntry);
  const hooks = new TorchHooks('zip');
  const top = runPickle(new ByteReader(pickle), hooks);
  // Members are inflated here, on first use by a kept tensor, and only then.
  const read = new Map<string, Uint8Array>();
  const data: StorageData = (key, dtype, numel) => {
    let bytesOf = read.get(key);
    if (bytesOf === undefined) {
      const entry = archive.get(`${prefix}data/${key}`);
      if (entry === undefined) bad(`the archive has no data for storage ${shown(key, 40)}`);
      const needed = numel * ELEMENT_SIZE[dtype];
      if (entry.size < needed) truncated(`storage ${shown(key, 40)} holds ${entry.size} bytes, but ${needed} are needed`);
      bytesOf = archive.read(entry);
      read.set(key, bytesOf);
    }
    return bytesOf;
  };
  return { top, data, container: 'zip' };
}

// ---------------------------------------------------------------------------
// legacy container: magic, protocol version, sys info, main pickle, storage keys, storages
// ---------------------------------------------------------------------------

function readLegacy(bytes: Uint8Array): Container {
  if (bytes[0] !== 0x80) foreign(describeForeign(bytes));
  const reader = new ByteReader(bytes);
  const magic = runPickle(reader, headerHooks());
  if (magic !== LEGACY_MAGIC) foreign("a Python pickle that torch.save did not write (it lacks torch.save's header)");
  const version = runPickle(reader, headerHooks());
  if (version !== LEGACY_PROTOCOL_VERSION) bad(`unsupported legacy format version ${describe(version)}`);
  const sysInfo = runPickle(reader, headerHooks());
  if (!(sysInfo instanceof PyDict)) bad(`the system-info record is ${describe(sysInfo)}`);
  if (sysInfo.get('little_endian') === false) bad('the checkpoint was written on a big-endian machine, which is not supported');

  const hooks = new TorchHooks('legacy');
  const top = runPickle(reader, hooks);
  const keys = runPickle(reader, headerHooks());
  if (!(keys instanceof PyList)) bad(`the storage key list is ${describe(keys)}`);

  const located = new Map<string, Uint8Array>();
  for (const keyValue of keys.items) {
    if (typeof keyValue !== 'string' && typeof keyValue !== 'number') bad(`a storage key is ${describe(keyValue)}`);
    const key = String(keyValue);
    const info = hooks.storages.get(key);
    if (info === undefined) bad(`storage ${shown(key, 40)} has data but no tensor uses it`);
    const what = `storage ${shown(key, 40)}`;
    const numel = reader.u64(`the element count of ${what}`);
    if (numel !== info.numel) bad(`${what} holds ${numel} elements, but the pickle says ${info.numel}`);
    located.set(key, reader.take(numel * ELEMENT_SIZE[info.dtype], `the data of ${what}`));
  }
  const data: StorageData = (key) => {
    const entry = located.get(key);
    if (entry === undefined) bad(`the file has no data for storage ${shown(key, 40)}`);
    return entry;
  };
  return { top, data, container: 'legacy' };
}

// ---------------------------------------------------------------------------
// from the unpickled object to float32 tensors
// ---------------------------------------------------------------------------

function tensorCount(dict: PyDict): number {
  let n = 0;
  for (const { value } of dict.entries()) if (value instanceof TensorRecord) n++;
  return n;
}

function keyText(key: PyValue): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'bigint') return String(key);
  return `<${describe(key)}>`;
}

function findStateDict(top: PyValue): { dict: PyDict; wrapper?: string } {
  if (!(top instanceof PyDict)) {
    if (top instanceof TensorRecord) bad('the checkpoint holds a single tensor, not a state dict');
    bad(`the checkpoint holds ${describe(top)}, not a state dict`);
  }
  for (const wrapper of WRAPPER_KEYS) {
    const inner = top.get(wrapper);
    if (inner instanceof PyDict && tensorCount(inner) > 0) return { dict: inner, wrapper };
  }
  if (tensorCount(top) > 0) return { dict: top };
  const keys: string[] = [];
  const nested: string[] = [];
  for (const { key, value } of top.entries()) {
    keys.push(shown(keyText(key), 40));
    if (value instanceof PyDict && tensorCount(value) > 0) nested.push(shown(keyText(key), 40));
  }
  const where = nested.length > 0 ? `; tensors are kept under ${listSome(nested)}` : '';
  return bad(`no state dict found: the checkpoint holds a dict with ${keys.length === 0 ? 'no entries' : listSome(keys)}${where}`);
}

function materialize(dict: PyDict, data: StorageData, fileBytes: number): Pick<StateDict, 'tensors' | 'skipped'> {
  const tensors = new Map<string, CheckpointTensor>();
  const skipped: string[] = [];
  // Views may legally overlap (tied weights, expanded tensors); still, never build far more
  // values than the file could describe.
  let budget = 2 * fileBytes + 2 ** 24;
  for (const { key, value } of dict.entries()) {
    const name = keyText(key);
    if (!(value instanceof TensorRecord) || !isFloatDtype(value.storage.dtype)) {
      skipped.push(name);
      continue;
    }
    budget -= value.numel;
    if (budget < 0) bad(`the tensors claim far more values than the file holds (at ${shown(name)})`);
    tensors.set(name, toTensor(value, value.storage.dtype, data));
  }
  return { tensors, skipped };
}

function isContiguous(size: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = size.length - 1; i >= 0; i--) {
    const n = size[i] as number;
    if (n !== 1 && stride[i] !== expected) return false;
    expected *= n;
  }
  return true;
}

/** A typed view of `count` elements at `byteStart`, copied first when not aligned. */
function rawView(dtype: FloatDtype, bytes: Uint8Array, byteStart: number, count: number): RawArray {
  const size = ELEMENT_SIZE[dtype];
  if ((bytes.byteOffset + byteStart) % size === 0) return rawArrayOf(dtype, bytes.buffer, bytes.byteOffset + byteStart, count);
  const copy = bytes.slice(byteStart, byteStart + count * size);
  return rawArrayOf(dtype, copy.buffer, 0, count);
}

/** Copies a strided view into a contiguous array (row-major), innermost dimension in a tight loop. */
function gather(src: RawArray, dst: RawArray, size: readonly number[], stride: readonly number[]): void {
  const dims = size.length;
  if (dims === 0) {
    dst[0] = src[0] as number;
    return;
  }
  const inner = size[dims - 1] as number;
  const innerStride = stride[dims - 1] as number;
  const outer = dst.length / inner;
  const index = new Array<number>(dims - 1).fill(0);
  let base = 0;
  let o = 0;
  for (let k = 0; k < outer; k++) {
    for (let j = 0, p = base; j < inner; j++, p += innerStride) dst[o++] = src[p] as number;
    for (let d = dims - 2; d >= 0; d--) {
      const s = stride[d] as number;
      index[d] = (index[d] as number) + 1;
      base += s;
      if ((index[d] as number) < (size[d] as number)) break;
      base -= s * (size[d] as number);
      index[d] = 0;
    }
  }
}

function toTensor(t: TensorRecord, dtype: FloatDtype, data: StorageData): CheckpointTensor {
  const shape = [...t.size];
  if (t.numel === 0) return { shape, data: new Float32Array(0), sourceDtype: dtype };
  const bytes = data(t.storage.key, dtype, t.storage.rootNumel);
  const size = ELEMENT_SIZE[dtype];
  const start = (t.storage.viewOffset + t.offset) * size;
  if (isContiguous(t.size, t.stride)) {
    if (dtype === 'float32') {
      // The common case: one copy of the bytes.
      return { shape, data: rawAs(bytes.subarray(start, start + t.numel * 4), Float32Array), sourceDtype: dtype };
    }
    return { shape, data: toFloat32(dtype, rawView(dtype, bytes, start, t.numel)), sourceDtype: dtype };
  }
  // t.extent counts from the start of the storage view; `start` already includes t.offset.
  const src = rawView(dtype, bytes, start, t.extent - t.offset);
  const dst = newRawArray(dtype, t.numel);
  gather(src, dst, t.size, t.stride);
  return { shape, data: dtype === 'float32' ? (dst as Float32Array) : toFloat32(dtype, dst), sourceDtype: dtype };
}
