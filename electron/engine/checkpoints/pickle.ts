import { bad, shown, truncated } from './problems.js';

/**
 * A small pickle virtual machine for the subset of the format that PyTorch state dicts use
 * (protocols 2 to 5, plus the Python 2 string opcodes of old legacy files).
 *
 * It never imports or calls anything: GLOBAL / STACK_GLOBAL, REDUCE, NEWOBJ, BUILD and
 * BINPERSID are handed to `PickleHooks`, which decide what (if anything) they mean. Values
 * are plain data classes. Every length is checked against the bytes left before anything is
 * allocated, every opcode consumes at least one byte (so a run ends), and nothing recurses
 * over the values built (so a cyclic structure is harmless).
 */

export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyTuple | PyList | PyDict | PySet | PyObject;

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

export class PyList {
  constructor(readonly items: PyValue[] = []) {}
}

export class PySet {
  constructor(readonly items: PyValue[] = []) {}
}

/** A dict (or OrderedDict); insertion-ordered, keyed like Python for the primitive keys. */
export class PyDict {
  private readonly map = new Map<unknown, { key: PyValue; value: PyValue }>();

  set(key: PyValue, value: PyValue): void {
    const existing = this.map.get(key);
    if (existing !== undefined) existing.value = value;
    else this.map.set(key, { key, value });
  }

  get(key: PyValue): PyValue | undefined {
    return this.map.get(key)?.value;
  }

  get size(): number {
    return this.map.size;
  }

  entries(): IterableIterator<{ key: PyValue; value: PyValue }> {
    return this.map.values();
  }
}

/** Values the hooks create (tensor records, storage references, allowed globals). */
export abstract class PyObject {
  abstract describe(): string;
}

export interface PickleHooks {
  /** GLOBAL / STACK_GLOBAL / INST: return a marker value, or throw UnsafeGlobal. */
  global(module: string, name: string): PyValue;
  /** REDUCE: callable(*args). */
  reduce(callable: PyValue, args: PyTuple): PyValue;
  /** NEWOBJ / NEWOBJ_EX / OBJ / INST: cls.__new__(cls, *args). */
  newObj(cls: PyValue, args: PyTuple): PyValue;
  /** BUILD: obj.__setstate__(state) or obj.__dict__.update(state). */
  build(obj: PyValue, state: PyValue): void;
  /** BINPERSID: the object behind a persistent id. */
  persistentLoad(pid: PyValue): PyValue;
}

/** A short, non-recursive description of a value, for error messages. */
export function describe(value: PyValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  switch (typeof value) {
    case 'boolean':
      return value ? 'True' : 'False';
    case 'number':
    case 'bigint':
      return `the number ${shown(String(value), 40)}`;
    case 'string':
      return `the string '${shown(value, 60)}'`;
    default:
      break;
  }
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (value instanceof PyTuple) return `a tuple of ${value.items.length}`;
  if (value instanceof PyList) return `a list of ${value.items.length}`;
  if (value instanceof PySet) return `a set of ${value.items.length}`;
  if (value instanceof PyDict) return `a dict of ${value.size}`;
  return value.describe();
}

/** Reads bytes with bounds checks; every read past the end is a 'truncated' problem. */
export class ByteReader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(count: number, what: string): void {
    if (!Number.isSafeInteger(count) || count < 0) bad(`${what} at byte ${this.pos} has an impossible length ${shown(String(count), 30)}`);
    if (count > this.remaining) {
      truncated(`${what} at byte ${this.pos} needs ${count} bytes but only ${this.remaining} remain`);
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++] as number;
  }

  u16(what: string): number {
    this.need(2, what);
    const b = this.bytes;
    const v = (b[this.pos] as number) | ((b[this.pos + 1] as number) << 8);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const b = this.bytes;
    const p = this.pos;
    const v = ((b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16) | ((b[p + 3] as number) << 24)) >>> 0;
    this.pos += 4;
    return v;
  }

  i32(what: string): number {
    return this.u32(what) | 0;
  }

  /** An unsigned 64-bit little-endian length; anything beyond 2^53 is reported, not rounded. */
  u64(what: string): number {
    const lo = this.u32(what);
    const hi = this.u32(what);
    if (hi >= 0x200000) bad(`${what} at byte ${this.pos - 8} is absurdly large`);
    return hi * 0x100000000 + lo;
  }

  f64be(what: string): number {
    this.need(8, what);
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8).getFloat64(0, false);
    this.pos += 8;
    return v;
  }

  take(count: number, what: string): Uint8Array {
    this.need(count, what);
    const out = this.bytes.subarray(this.pos, this.pos + count);
    this.pos += count;
    return out;
  }

  /** Up to (not including) the next newline, which is consumed. */
  line(what: string): string {
    const start = this.pos;
    const nl = this.bytes.subarray(start, this.end).indexOf(0x0a);
    if (nl < 0) truncated(`${what} at byte ${start} has no end of line`);
    this.pos = start + nl + 1;
    return utf8(this.bytes.subarray(start, start + nl));
  }
}

const decoder = new TextDecoder('utf-8');
function utf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

const MAX_LONG_BYTES = 64;
const MAX_PROTOCOL = 5;

function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] as number);
  if (((bytes[bytes.length - 1] as number) & 0x80) !== 0) v -= 1n << BigInt(8 * bytes.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Mutable dict-like targets of SETITEM(S). */
function asDict(target: PyValue | undefined, op: string): PyDict {
  if (target instanceof PyDict) return target;
  return bad(`${op} on ${describe(target)}, not a dict`);
}

/**
 * Runs one pickle from `reader.pos` to its STOP and returns the value. The reader is left
 * just after the STOP, so several pickles in a row (the legacy container) can be read.
 */
export function runPickle(reader: ByteReader, hooks: PickleHooks): PyValue {
  const stack: PyValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  let base = 0; // the stack length at the innermost MARK: values below it are not poppable

  const pop = (op: string): PyValue => {
    if (stack.length <= base) bad(`stack underflow at ${op} (byte ${reader.pos - 1})`);
    return stack.pop() as PyValue;
  };
  const top = (op: string): PyValue => {
    if (stack.length <= base) bad(`stack underflow at ${op} (byte ${reader.pos - 1})`);
    return stack[stack.length - 1] as PyValue;
  };
  const popMark = (op: string): PyValue[] => {
    const mark = marks.pop();
    if (mark === undefined) bad(`${op} without a MARK (byte ${reader.pos - 1})`);
    const items = stack.splice(mark);
    base = marks.length > 0 ? (marks[marks.length - 1] as number) : 0;
    return items;
  };
  const memoGet = (index: number, op: string): PyValue => {
    const value = memo.get(index);
    if (value === undefined) bad(`${op} refers to memo entry ${index}, which was never stored (byte ${reader.pos})`);
    return value;
  };

  for (;;) {
    const at = reader.pos;
    const op = reader.u8('a pickle opcode');
    switch (op) {
      case 0x80: {
        // PROTO
        const version = reader.u8('PROTO');
        if (version > MAX_PROTOCOL) bad(`pickle protocol ${version} is newer than this reader understands (byte ${at})`);
        break;
      }
      case 0x95: {
        // FRAME: a length hint; the opcodes inside are read as usual.
        const length = reader.u64('FRAME');
        reader.need(length, 'a pickle frame');
        break;
      }
      case 0x2e: // STOP
        return pop('STOP');
      case 0x28: // MARK
        marks.push(stack.length);
        base = stack.length;
        break;
      case 0x30: // POP
        pop('POP');
        break;
      case 0x31: // POP_MARK
        popMark('POP_MARK');
        break;
      case 0x32: // DUP
        stack.push(top('DUP'));
        break;

      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(reader.i32('BININT'));
        break;
      case 0x4b: // BININT1
        stack.push(reader.u8('BININT1'));
        break;
      case 0x4d: // BININT2
        stack.push(reader.u16('BININT2'));
        break;
      case 0x8a: // LONG1
      case 0x8b: {
        // LONG4
        const n = op === 0x8a ? reader.u8('LONG1') : reader.i32('LONG4');
        if (n < 0) bad(`negative integer length at byte ${at}`);
        if (n > MAX_LONG_BYTES) bad(`an integer of ${n} bytes at byte ${at} is far larger than a checkpoint needs`);
        stack.push(decodeLong(reader.take(n, 'an integer')));
        break;
      }
      case 0x47: // BINFLOAT
        stack.push(reader.f64be('BINFLOAT'));
        break;

      case 0x58: // BINUNICODE
        stack.push(utf8(reader.take(reader.u32('BINUNICODE'), 'a string')));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8(reader.take(reader.u8('SHORT_BINUNICODE'), 'a string')));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8(reader.take(reader.u64('BINUNICODE8'), 'a string')));
        break;
      case 0x54: {
        // BINSTRING (Python 2 str): decoded as UTF-8, as torch.load does by default.
        const n = reader.i32('BINSTRING');
        if (n < 0) bad(`negative string length at byte ${at}`);
        stack.push(utf8(reader.take(n, 'a string')));
        break;
      }
      case 0x55: // SHORT_BINSTRING
        stack.push(utf8(reader.take(reader.u8('SHORT_BINSTRING'), 'a string')));
        break;
      case 0x42: // BINBYTES
        stack.push(reader.take(reader.u32('BINBYTES'), 'bytes').slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(reader.take(reader.u8('SHORT_BINBYTES'), 'bytes').slice());
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        stack.push(reader.take(reader.u64('BINBYTES8'), 'bytes').slice());
        break;

      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x74: // TUPLE
        stack.push(new PyTuple(popMark('TUPLE')));
        break;
      case 0x85: // TUPLE1
        stack.push(new PyTuple([pop('TUPLE1')]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop('TUPLE2');
        const a = pop('TUPLE2');
        stack.push(new PyTuple([a, b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop('TUPLE3');
        const b = pop('TUPLE3');
        const a = pop('TUPLE3');
        stack.push(new PyTuple([a, b, c]));
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push(new PyList());
        break;
      case 0x6c: // LIST
        stack.push(new PyList(popMark('LIST')));
        break;
      case 0x61: {
        // APPEND
        const value = pop('APPEND');
        const list = top('APPEND');
        if (!(list instanceof PyList)) bad(`APPEND to ${describe(list)}, not a list (byte ${at})`);
        list.items.push(value);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark('APPENDS');
        const list = top('APPENDS');
        if (!(list instanceof PyList)) bad(`APPENDS to ${describe(list)}, not a list (byte ${at})`);
        for (const item of items) list.items.push(item);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x64: {
        // DICT
        const items = popMark('DICT');
        if (items.length % 2 !== 0) bad(`DICT with an odd number of items (byte ${at})`);
        const dict = new PyDict();
        for (let i = 0; i < items.length; i += 2) dict.set(items[i] as PyValue, items[i + 1] as PyValue);
        stack.push(dict);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop('SETITEM');
        const key = pop('SETITEM');
        asDict(top('SETITEM'), 'SETITEM').set(key, value);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark('SETITEMS');
        if (items.length % 2 !== 0) bad(`SETITEMS with an odd number of items (byte ${at})`);
        const dict = asDict(top('SETITEMS'), 'SETITEMS');
        for (let i = 0; i < items.length; i += 2) dict.set(items[i] as PyValue, items[i + 1] as PyValue);
        break;
      }
      case 0x8f: // EMPTY_SET
        stack.push(new PySet());
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark('ADDITEMS');
        const set = top('ADDITEMS');
        if (!(set instanceof PySet)) bad(`ADDITEMS to ${describe(set)}, not a set (byte ${at})`);
        for (const item of items) set.items.push(item);
        break;
      }
      case 0x91: // FROZENSET
        stack.push(new PySet(popMark('FROZENSET')));
        break;

      case 0x71: // BINPUT
        memo.set(reader.u8('BINPUT'), top('BINPUT'));
        break;
      case 0x72: // LONG_BINPUT
        memo.set(reader.u32('LONG_BINPUT'), top('LONG_BINPUT'));
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top('MEMOIZE'));
        break;
      case 0x68: // BINGET
        stack.push(memoGet(reader.u8('BINGET'), 'BINGET'));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memoGet(reader.u32('LONG_BINGET'), 'LONG_BINGET'));
        break;

      case 0x63: {
        // GLOBAL
        const module = reader.line('GLOBAL');
        const name = reader.line('GLOBAL');
        stack.push(hooks.global(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop('STACK_GLOBAL');
        const module = pop('STACK_GLOBAL');
        if (typeof module !== 'string' || typeof name !== 'string') {
          bad(`STACK_GLOBAL with ${describe(module)} and ${describe(name)} instead of two strings (byte ${at})`);
        }
        stack.push(hooks.global(module, name));
        break;
      }
      case 0x69: {
        // INST (protocol 0/1): the class is named inline, the arguments follow the MARK.
        const module = reader.line('INST');
        const name = reader.line('INST');
        const cls = hooks.global(module, name);
        stack.push(hooks.newObj(cls, new PyTuple(popMark('INST'))));
        break;
      }
      case 0x6f: {
        // OBJ (protocol 1)
        const items = popMark('OBJ');
        if (items.length === 0) bad(`OBJ without a class (byte ${at})`);
        stack.push(hooks.newObj(items[0] as PyValue, new PyTuple(items.slice(1))));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop('REDUCE');
        const callable = pop('REDUCE');
        if (!(args instanceof PyTuple)) bad(`REDUCE with ${describe(args)} as arguments instead of a tuple (byte ${at})`);
        stack.push(hooks.reduce(callable, args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop('NEWOBJ');
        const cls = pop('NEWOBJ');
        if (!(args instanceof PyTuple)) bad(`NEWOBJ with ${describe(args)} as arguments instead of a tuple (byte ${at})`);
        stack.push(hooks.newObj(cls, args));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        const kwargs = pop('NEWOBJ_EX');
        const args = pop('NEWOBJ_EX');
        const cls = pop('NEWOBJ_EX');
        if (!(args instanceof PyTuple)) bad(`NEWOBJ_EX with ${describe(args)} as arguments instead of a tuple (byte ${at})`);
        if (!(kwargs instanceof PyDict) || kwargs.size > 0) bad(`NEWOBJ_EX with keyword arguments (byte ${at})`);
        stack.push(hooks.newObj(cls, args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop('BUILD');
        hooks.build(top('BUILD'), state);
        break;
      }
      case 0x51: {
        // BINPERSID
        stack.push(hooks.persistentLoad(pop('BINPERSID')));
        break;
      }

      default:
        bad(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}`);
    }
  }
}
