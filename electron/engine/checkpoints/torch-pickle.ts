import { ELEMENT_SIZE, STORAGE_CLASSES, type StorageDtype } from './dtypes.js';
import { describe, PyDict, PyList, PyObject, PyTuple, type PickleHooks, type PyValue } from './pickle.js';
import { bad, foreign, shown, UnsafeGlobal } from './problems.js';

/**
 * What PyTorch's pickles mean, interpreted by us: the allowlisted globals become inert marker
 * values, and "calling" one of them builds a record (an empty dict, a tensor description).
 * Nothing named in the file is looked up or run.
 */

type CallableKind = 'ordered_dict' | 'tensor_v1' | 'tensor_v2' | 'parameter' | 'parameter_with_state';

const ALLOWED_CALLABLES: ReadonlyMap<string, CallableKind> = new Map([
  ['collections.OrderedDict', 'ordered_dict'],
  ['torch._utils._rebuild_tensor', 'tensor_v1'],
  ['torch._utils._rebuild_tensor_v2', 'tensor_v2'],
  ['torch._utils._rebuild_parameter', 'parameter'],
  ['torch._utils._rebuild_parameter_with_state', 'parameter_with_state'],
]);

/** Modules whose typed-storage classes are allowed (`torch.cuda` in files saved from a GPU). */
const STORAGE_MODULES = new Set(['torch', 'torch.cuda']);

/** Whether a global is one a state dict may reference. */
export function isAllowedGlobal(module: string, name: string): boolean {
  return ALLOWED_CALLABLES.has(`${module}.${name}`) || (STORAGE_MODULES.has(module) && Object.hasOwn(STORAGE_CLASSES, name));
}

export class AllowedCallable extends PyObject {
  constructor(
    readonly qualifiedName: string,
    readonly kind: CallableKind,
  ) {
    super();
  }

  describe(): string {
    return this.qualifiedName;
  }
}

export class StorageClass extends PyObject {
  constructor(
    readonly qualifiedName: string,
    readonly dtype: StorageDtype,
  ) {
    super();
  }

  describe(): string {
    return this.qualifiedName;
  }
}

/** A storage as the pickle refers to it: a root storage (its key) and the elements viewed. */
export class StorageRef extends PyObject {
  constructor(
    readonly key: string,
    readonly dtype: StorageDtype,
    readonly rootNumel: number,
    readonly viewOffset: number,
    readonly viewNumel: number,
  ) {
    super();
  }

  describe(): string {
    return `storage ${shown(this.key, 40)}`;
  }
}

/** A tensor: a strided view of a storage. Validated to lie inside its storage. */
export class TensorRecord extends PyObject {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly size: readonly number[],
    readonly stride: readonly number[],
    readonly numel: number,
    /** One past the largest element index read, relative to the storage view. */
    readonly extent: number,
  ) {
    super();
  }

  describe(): string {
    return `a ${this.storage.dtype} tensor [${this.size.join(', ')}]`;
  }
}

const MAX_DIMS = 32;
/** No tensor in a checkpoint we can use holds more elements than this (4 GiB of float32). */
const MAX_ELEMENTS = 2 ** 30;

function count(value: PyValue | undefined, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    bad(`${what} is ${describe(value)}, not a non-negative integer`);
  }
  return value;
}

function sequence(value: PyValue | undefined, what: string): readonly PyValue[] {
  if (value instanceof PyTuple) return value.items;
  if (value instanceof PyList) return value.items;
  return bad(`${what} is ${describe(value)}, not a tuple`);
}

function makeTensor(args: readonly PyValue[], rebuild: string): TensorRecord {
  const [storage, offsetValue, sizeValue, strideValue] = args;
  if (!(storage instanceof StorageRef)) bad(`${rebuild} gets ${describe(storage)} instead of a storage`);
  const offset = count(offsetValue, 'a tensor storage offset');
  const sizeItems = sequence(sizeValue, 'a tensor size');
  const strideItems = sequence(strideValue, 'a tensor stride');
  if (sizeItems.length > MAX_DIMS) bad(`a tensor with ${sizeItems.length} dimensions`);
  if (sizeItems.length !== strideItems.length) {
    bad(`a tensor has ${sizeItems.length} sizes but ${strideItems.length} strides`);
  }
  const size = sizeItems.map((v) => count(v, 'a tensor dimension'));
  const stride = strideItems.map((v) => count(v, 'a tensor stride'));
  let numel = 1;
  for (const d of size) {
    numel *= d;
    if (numel > MAX_ELEMENTS) bad(`a tensor of shape [${size.join(', ')}] is larger than any checkpoint this reader accepts`);
  }
  let extent = 0;
  if (numel > 0) {
    let last = offset;
    for (let i = 0; i < size.length; i++) last += ((size[i] as number) - 1) * (stride[i] as number);
    if (!Number.isSafeInteger(last) || last >= storage.viewNumel) {
      bad(
        `a tensor of shape [${size.join(', ')}] (offset ${offset}, strides [${stride.join(', ')}]) reaches past the end of ` +
          `${storage.describe()}, which holds ${storage.viewNumel} elements`,
      );
    }
    extent = last + 1;
  }
  return new TensorRecord(storage, offset, size, stride, numel, extent);
}

/** Pickle hooks for a PyTorch state-dict pickle. Collects the storages it refers to. */
export class TorchHooks implements PickleHooks {
  /** Root storages by key, as first described: dtype and element count. */
  readonly storages = new Map<string, { dtype: StorageDtype; numel: number }>();

  constructor(private readonly container: 'zip' | 'legacy') {}

  global(module: string, name: string): PyValue {
    const qualified = `${module}.${name}`;
    const kind = ALLOWED_CALLABLES.get(qualified);
    if (kind !== undefined) return new AllowedCallable(qualified, kind);
    if (STORAGE_MODULES.has(module) && Object.hasOwn(STORAGE_CLASSES, name)) {
      return new StorageClass(qualified, STORAGE_CLASSES[name] as StorageDtype);
    }
    throw new UnsafeGlobal(module, name);
  }

  reduce(callable: PyValue, args: PyTuple): PyValue {
    if (!(callable instanceof AllowedCallable)) return bad(`the pickle calls ${describe(callable)}, which a state dict never does`);
    const a = args.items;
    const arity = (min: number, max: number): void => {
      if (a.length < min || a.length > max) bad(`${callable.qualifiedName} gets ${a.length} arguments`);
    };
    switch (callable.kind) {
      case 'ordered_dict':
        arity(0, 0);
        return new PyDict();
      case 'tensor_v1':
        arity(4, 4);
        return makeTensor(a, callable.qualifiedName);
      case 'tensor_v2':
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        arity(6, 7);
        return makeTensor(a, callable.qualifiedName);
      case 'parameter':
      case 'parameter_with_state': {
        // (data, requires_grad, backward_hooks[, state]): the parameter is its data.
        if (callable.kind === 'parameter') arity(3, 3);
        else arity(4, 4);
        const data = a[0];
        if (!(data instanceof TensorRecord)) bad(`${callable.qualifiedName} gets ${describe(data)} instead of a tensor`);
        return data;
      }
    }
  }

  newObj(cls: PyValue, args: PyTuple): PyValue {
    if (cls instanceof AllowedCallable && cls.kind === 'ordered_dict' && args.items.length === 0) return new PyDict();
    return bad(`the pickle creates an instance of ${describe(cls)}, which a state dict never does`);
  }

  build(obj: PyValue, _state: PyValue): void {
    // PyTorch sets `_metadata` (per-module versions) on the state dict's OrderedDict: ignored.
    if (obj instanceof PyDict) return;
    bad(`the pickle sets the state of ${describe(obj)}, which a state dict never does`);
  }

  persistentLoad(pid: PyValue): PyValue {
    // zip:    ('storage', storage_type, key, location, numel)
    // legacy: ('storage', storage_type, root_key, location, root_numel, view_metadata)
    if (!(pid instanceof PyTuple)) return bad(`a persistent id is ${describe(pid)}, not a tuple`);
    const [tag, cls, keyValue, _location, numelValue, view] = pid.items;
    if (tag !== 'storage') return bad(`unsupported persistent id ${describe(tag)}`);
    if (pid.items.length !== 5 && pid.items.length !== 6) bad(`a storage reference has ${pid.items.length} fields`);
    if (!(cls instanceof StorageClass)) return bad(`a storage reference names ${describe(cls)} instead of a storage type`);
    if (typeof keyValue !== 'string' && typeof keyValue !== 'number') return bad(`a storage key is ${describe(keyValue)}`);
    const key = String(keyValue);
    const numel = count(numelValue, `the size of storage ${shown(key, 40)}`);
    if (numel * ELEMENT_SIZE[cls.dtype] > Number.MAX_SAFE_INTEGER) bad(`storage ${shown(key, 40)} is absurdly large`);
    const known = this.storages.get(key);
    if (known === undefined) this.storages.set(key, { dtype: cls.dtype, numel });
    else if (known.dtype !== cls.dtype || known.numel !== numel) {
      bad(`storage ${shown(key, 40)} is described twice, differently (${known.dtype} x ${known.numel}, then ${cls.dtype} x ${numel})`);
    }
    if (view === undefined || view === null) return new StorageRef(key, cls.dtype, numel, 0, numel);
    if (this.container === 'zip') bad('a storage view in a zip checkpoint');
    // Old legacy files describe a view of a root storage: (view_key, offset, size).
    const [_viewKey, viewOffsetValue, viewSizeValue] = sequence(view, 'a storage view');
    const viewOffset = count(viewOffsetValue, 'a storage view offset');
    const viewNumel = count(viewSizeValue, 'a storage view size');
    if (viewOffset + viewNumel > numel) bad(`a view of storage ${shown(key, 40)} reaches past its end`);
    return new StorageRef(key, cls.dtype, numel, viewOffset, viewNumel);
  }
}

/**
 * Hooks for the legacy container's header pickles (magic number, version, system info,
 * storage keys): plain data only. An allowlisted global there means the file is a pickle that
 * torch.save did not write; any other global is refused as unsafe.
 */
export function headerHooks(): PickleHooks {
  const notTorch = (): never => foreign("a Python pickle that torch.save did not write (it lacks torch.save's header)");
  return {
    global: (module, name) => {
      if (isAllowedGlobal(module, name)) notTorch();
      throw new UnsafeGlobal(module, name);
    },
    reduce: notTorch,
    newObj: notTorch,
    build: notTorch,
    persistentLoad: notTorch,
  };
}
