import { StudioError } from '../errors.js';
import type { IrGraph } from '../graph/ir.js';
import { buildGenerator, describeArchitecture, type Architecture } from '../nets/index.js';
import { listSome, shown } from './problems.js';
import type { CheckpointTensor, StateDict } from './reader.js';

type ResnetArch = Extract<Architecture, { family: 'resnet' }>;
type UnetArch = Extract<Architecture, { family: 'unet' }>;
type StarganArch = Extract<Architecture, { family: 'stargan' }>;

/**
 * What `--arch` says: the family, and any fields the user gave. The rest is read from the
 * checkpoint's shapes. A full Architecture is a valid override too.
 */
export type ArchitectureOverride =
  | ({ family: 'resnet' } & Partial<Omit<ResnetArch, 'family'>>)
  | ({ family: 'unet' } & Partial<Omit<UnetArch, 'family'>>)
  | ({ family: 'stargan' } & Partial<Omit<StarganArch, 'family'>>);

export interface Detection {
  arch: Architecture;
  /** Keys exactly as buildGenerator(arch).params names them ('module.' prefix stripped). */
  weights: Map<string, Float32Array>;
  /** Keys deliberately unused: BatchNorm running stats, old InstanceNorm running stats, num_batches_tracked. */
  ignored: string[];
  /** Learnable values of the generator (the sum of its parameters' sizes). */
  parameterCount: number;
}

const MODULE_PREFIX = 'module.';

function fail(sd: StateDict, message: string): never {
  throw new StudioError('BAD_CHECKPOINT', `${sd.label ?? 'checkpoint'}: ${message}`);
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** The checkpoint's keys with DataParallel's `module.` prefix removed. */
interface Keys {
  tensors: Map<string, CheckpointTensor>;
  /** Entries that are not float tensors (num_batches_tracked and the like). */
  other: Set<string>;
}

function stripPrefix(key: string): string {
  let k = key;
  while (k.startsWith(MODULE_PREFIX)) k = k.slice(MODULE_PREFIX.length);
  return k;
}

function normaliseKeys(sd: StateDict): Keys {
  const tensors = new Map<string, CheckpointTensor>();
  const other = new Set<string>();
  const seen = new Set<string>();
  const add = (key: string): string => {
    const k = stripPrefix(key);
    if (seen.has(k)) fail(sd, `the key ${shown(k)} appears twice (with and without a 'module.' prefix)`);
    seen.add(k);
    return k;
  };
  for (const [key, t] of sd.tensors) tensors.set(add(key), t);
  for (const key of sd.skipped) other.add(add(key));
  return { tensors, other };
}

function shapeOf(keys: Keys, name: string): readonly number[] | undefined {
  return keys.tensors.get(name)?.shape;
}

/** A 4-D conv weight's shape, or undefined. */
function convShape(keys: Keys, name: string): readonly [number, number, number, number] | undefined {
  const s = shapeOf(keys, name);
  return s !== undefined && s.length === 4 ? (s as unknown as [number, number, number, number]) : undefined;
}

// ---------------------------------------------------------------------------
// per-family reading of the layout from keys and shapes
// ---------------------------------------------------------------------------

type Derived = Partial<Omit<ResnetArch, 'family'>> & Partial<Omit<UnetArch, 'family'>> & Partial<Omit<StarganArch, 'family'>>;

function deriveResnet(keys: Keys): Partial<Omit<ResnetArch, 'family'>> {
  const out: Partial<Omit<ResnetArch, 'family'>> = {};
  const first = convShape(keys, 'model.1.weight');
  if (first !== undefined) {
    out.ngf = first[0];
    out.inputChannels = first[1];
  }
  out.norm = keys.tensors.has('model.2.weight') ? 'batch' : 'instance';
  const blocks = new Set<number>();
  for (const key of [...keys.tensors.keys(), ...keys.other]) {
    const m = /^model\.(\d+)\.conv_block\./.exec(key);
    if (m !== null) blocks.add(Number(m[1]));
  }
  out.nBlocks = blocks.size;
  // Dropout adds a module to each block, moving the second conv from conv_block.5 to .6.
  let firstBlock = Infinity;
  for (const b of blocks) firstBlock = Math.min(firstBlock, b);
  if (blocks.size === 0) out.dropout = false;
  else if (convShape(keys, `model.${firstBlock}.conv_block.5.weight`) !== undefined) out.dropout = false;
  else if (convShape(keys, `model.${firstBlock}.conv_block.6.weight`) !== undefined) out.dropout = true;
  const last = convShape(keys, `model.${17 + blocks.size}.weight`);
  if (last !== undefined) out.outputChannels = last[0];
  return out;
}

function deriveUnet(keys: Keys): Partial<Omit<UnetArch, 'family'>> {
  const out: Partial<Omit<UnetArch, 'family'>> = {};
  const down = convShape(keys, 'model.model.0.weight');
  if (down !== undefined) {
    out.ngf = down[0];
    out.inputChannels = down[1];
  }
  const up = convShape(keys, 'model.model.3.weight');
  if (up !== undefined) out.outputChannels = up[1]; // ConvTranspose2d weights are [in, out, k, k]
  // Each inner level nests at `.model.3` of the one above (the outermost's submodule at `.model.1`).
  let depth = 1;
  let seq = 'model.model.1.model';
  while (depth < 64 && convShape(keys, `${seq}.1.weight`) !== undefined) {
    depth += 1;
    seq = `${seq}.3.model`;
  }
  out.numDowns = depth;
  out.norm = keys.tensors.has('model.model.1.model.2.weight') ? 'batch' : 'instance';
  // Dropout modules have no keys; inference runs without them anyway.
  out.dropout = false;
  return out;
}

function deriveStargan(keys: Keys): Partial<Omit<StarganArch, 'family'>> {
  const out: Partial<Omit<StarganArch, 'family'>> = {};
  const first = convShape(keys, 'main.0.weight');
  if (first !== undefined) {
    out.convDim = first[0];
    out.cDim = first[1] - 3;
  }
  let repeat = 0;
  for (const key of keys.tensors.keys()) if (/^main\.\d+\.main\.0\.weight$/.test(key)) repeat += 1;
  out.repeatNum = repeat;
  return out;
}

function guessFamily(keys: Keys): Architecture['family'] | undefined {
  if (keys.tensors.has('main.0.weight')) return 'stargan';
  if (keys.tensors.has('model.model.0.weight')) return 'unet';
  if (keys.tensors.has('model.1.weight')) return 'resnet';
  return undefined;
}

const FIELD_HELP: Record<string, string> = {
  ngf: 'ngf',
  nBlocks: 'the number of residual blocks',
  norm: 'norm',
  dropout: 'dropout',
  inputChannels: 'input_nc',
  outputChannels: 'output_nc',
  numDowns: 'num_downs',
  convDim: 'conv_dim',
  cDim: 'c_dim',
  repeatNum: 'repeat_num',
};

const REQUIRED: Record<Architecture['family'], readonly (keyof Derived)[]> = {
  resnet: ['ngf', 'nBlocks', 'norm', 'dropout', 'inputChannels', 'outputChannels'],
  unet: ['numDowns', 'ngf', 'norm', 'dropout', 'inputChannels', 'outputChannels'],
  stargan: ['convDim', 'cDim', 'repeatNum'],
};

function definedFields(override: ArchitectureOverride): Derived {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(override)) if (k !== 'family' && v !== undefined) out[k] = v;
  return out as Derived;
}

function keyList(keys: Keys): string[] {
  return [...keys.tensors.keys(), ...keys.other];
}

/** Completes the architecture from the checkpoint, with the override's fields taking precedence. */
function resolve(sd: StateDict, keys: Keys, family: Architecture['family'], override: ArchitectureOverride | undefined, guessed: boolean): Architecture {
  const derived: Derived = family === 'resnet' ? deriveResnet(keys) : family === 'unet' ? deriveUnet(keys) : deriveStargan(keys);
  const merged: Derived = { ...derived, ...(override === undefined ? {} : definedFields(override)) };
  const missing = REQUIRED[family].filter((f) => merged[f] === undefined);
  if (missing.length > 0) {
    const what = missing.map((f) => FIELD_HELP[f] ?? f).join(', ');
    const how = guessed ? 'its keys do not follow the layout' : `give ${what} in --arch`;
    fail(sd, `cannot tell ${what} of a ${family} generator from the checkpoint (${how}); its keys: ${listSome(keyList(keys))}`);
  }
  for (const f of REQUIRED[family]) {
    const v = merged[f];
    if (typeof v === 'number' && (!Number.isSafeInteger(v) || v < (f === 'nBlocks' || f === 'repeatNum' ? 0 : 1) || v > 100_000)) {
      fail(sd, `the checkpoint implies ${FIELD_HELP[f] ?? f} = ${v}, which no ${family} generator has; its keys: ${listSome(keyList(keys))}`);
    }
  }
  switch (family) {
    case 'resnet':
      return {
        family,
        ngf: merged.ngf as number,
        nBlocks: merged.nBlocks as number,
        norm: merged.norm as ResnetArch['norm'],
        dropout: merged.dropout as boolean,
        inputChannels: merged.inputChannels as number,
        outputChannels: merged.outputChannels as number,
      };
    case 'unet':
      return {
        family,
        numDowns: merged.numDowns as number,
        ngf: merged.ngf as number,
        norm: merged.norm as UnetArch['norm'],
        dropout: merged.dropout as boolean,
        inputChannels: merged.inputChannels as number,
        outputChannels: merged.outputChannels as number,
      };
    case 'stargan':
      return { family, convDim: merged.convDim as number, cDim: merged.cDim as number, repeatNum: merged.repeatNum as number };
  }
}

// ---------------------------------------------------------------------------
// verification against the graph
// ---------------------------------------------------------------------------

/**
 * Old junyanz checkpoints (PyTorch 0.3, when InstanceNorm tracked running statistics) carry
 * `<norm>.running_mean` / `running_var` / `num_batches_tracked` for InstanceNorm layers that
 * have no parameters. Such a key is ignored when `<norm>` is where the graph has an
 * affine-free norm right after the conv one index before, and its length is that conv's width.
 */
function oldInstanceStat(graph: IrGraph, keys: Keys, key: string): boolean {
  const m = /^(.*)\.(\d+)\.(running_mean|running_var|num_batches_tracked)$/.exec(key);
  if (m === null) return false;
  const [, prefix, index, stat] = m as unknown as [string, string, string, string];
  const weight = `${prefix}.${Number(index) - 1}.weight`;
  const conv = graph.nodes.find((n) => (n.op === 'conv' || n.op === 'convTranspose') && n.weight === weight);
  if (conv === undefined || !('output' in conv)) return false;
  const next = graph.nodes.find((n) => n.op === 'instanceNorm' && n.input === conv.output);
  if (next === undefined || next.op !== 'instanceNorm' || !next.scale.startsWith('const/')) return false;
  if (stat === 'num_batches_tracked') return true;
  const param = graph.params.find((p) => p.name === weight);
  const channels = conv.op === 'conv' ? param?.shape[0] : param?.shape[1];
  const shape = shapeOf(keys, key);
  return shape !== undefined && shape.length === 1 && shape[0] === channels;
}

function verify(sd: StateDict, keys: Keys, arch: Architecture, guessed: boolean): Detection {
  let graph: IrGraph;
  try {
    graph = buildGenerator(arch);
  } catch (err) {
    return fail(sd, `cannot build ${describeArchitecture(arch)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const params = new Map(graph.params.map((p) => [p.name, p.shape]));
  const unused = new Set(graph.unusedKeys);
  const weights = new Map<string, Float32Array>();
  const missing: string[] = [];
  const misshaped: string[] = [];
  const unexpected: string[] = [];
  const ignored: string[] = [];
  let parameterCount = 0;

  for (const [name, shape] of params) {
    parameterCount += shape.reduce((a, b) => a * b, 1);
    const t = keys.tensors.get(name);
    if (t === undefined) {
      if (keys.other.has(name)) misshaped.push(`${name} (not a float tensor)`);
      else missing.push(name);
    } else if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      misshaped.push(`${name} (expected ${shapeText(shape)}, got ${shapeText(t.shape)})`);
    } else {
      weights.set(name, t.data);
    }
  }
  for (const key of keyList(keys)) {
    if (params.has(key)) continue;
    if (unused.has(key) || oldInstanceStat(graph, keys, key)) ignored.push(key);
    else unexpected.push(key);
  }

  if (missing.length > 0 || misshaped.length > 0 || unexpected.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing ${listSome(missing)}`);
    if (misshaped.length > 0) parts.push(`wrong shape: ${listSome(misshaped)}`);
    if (unexpected.length > 0) parts.push(`unexpected ${listSome(unexpected)}`);
    const intro = guessed
      ? `the keys look like a ${arch.family} generator but do not fit ${describeArchitecture(arch)}`
      : `the weights do not fit ${describeArchitecture(arch)}`;
    fail(sd, `${intro}: keys that did not match: ${parts.join('; ')}`);
  }
  return { arch, weights, ignored, parameterCount };
}

/**
 * Finds which generator a state dict belongs to (junyanz ResNet or U-Net, StarGAN) from its
 * key names and shapes, then checks every parameter against the graph of that architecture.
 * With `override` (from --arch) the family and the given fields are taken as told; the rest is
 * still read from the checkpoint, and the shapes are still checked key by key.
 */
export function detectArchitecture(sd: StateDict, override?: ArchitectureOverride): Detection {
  const keys = normaliseKeys(sd);
  if (override !== undefined) {
    return verify(sd, keys, resolve(sd, keys, override.family, override, false), false);
  }
  const family = guessFamily(keys);
  if (family === undefined) {
    fail(
      sd,
      'unknown layout: the keys match no supported generator (junyanz ResnetGenerator or UnetGenerator, StarGAN); ' +
        `keys that did not match: ${listSome(keyList(keys)) || 'none (the state dict is empty)'}`,
    );
  }
  return verify(sd, keys, resolve(sd, keys, family, undefined, true), true);
}

// ---------------------------------------------------------------------------
// --arch
// ---------------------------------------------------------------------------

function badOption(text: string, why: string): never {
  throw new StudioError('BAD_ARGUMENT', `--arch ${shown(text, 120)}: ${why}`);
}

function positiveInt(text: string, option: string, value: string | undefined, min = 1): number {
  if (value === undefined || !/^\d+$/.test(value)) badOption(text, `${option} needs a whole number, as in ${option}=64`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > 100_000) badOption(text, `${option}=${value} is out of range`);
  return n;
}

function flag(text: string, option: string, value: string | undefined): boolean {
  if (value === undefined) return true;
  const v = value.toLowerCase();
  if (['true', 'yes', '1', 'on'].includes(v)) return true;
  if (['false', 'no', '0', 'off'].includes(v)) return false;
  return badOption(text, `${option}=${value}: say true or false`);
}

/**
 * Parses a --arch value in junyanz's names: `resnet_9blocks`, `resnet_6blocks`,
 * `resnet_<n>blocks`, `unet_128`, `unet_256`, `stargan`, each with optional comma-separated
 * options: `ngf=64`, `norm=batch|instance`, `dropout` (or `dropout=false`, `no_dropout`),
 * `input_nc=3`, `output_nc=3`, `num_downs=8`; for StarGAN `c=5` (`c_dim`), `conv_dim=64`,
 * `repeat=6` (`repeat_num`). Anything not given is read from the checkpoint.
 */
export function parseArchitectureOption(text: string): ArchitectureOverride {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const head = (parts.shift() ?? '').toLowerCase();
  let arch: ArchitectureOverride;
  let m: RegExpExecArray | null;
  if ((m = /^resnet(?:_(\d+)blocks)?$/.exec(head)) !== null) {
    arch = { family: 'resnet' };
    if (m[1] !== undefined) arch.nBlocks = positiveInt(text, 'resnet_<n>blocks', m[1], 0);
  } else if ((m = /^unet(?:_(\d+))?$/.exec(head)) !== null) {
    arch = { family: 'unet' };
    if (m[1] !== undefined) {
      const side = Number(m[1]);
      const downs = Math.log2(side);
      if (!Number.isInteger(downs) || downs < 5 || downs > 16) badOption(text, `unet_${m[1]}: the size must be a power of two from 32 (unet_128, unet_256)`);
      arch.numDowns = downs;
    }
  } else if (head === 'stargan') {
    arch = { family: 'stargan' };
  } else {
    return badOption(text, 'unknown architecture; use resnet_9blocks, resnet_6blocks, resnet_<n>blocks, unet_128, unet_256 or stargan');
  }

  for (const part of parts) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase().replace(/-/g, '_');
    const value = eq < 0 ? undefined : part.slice(eq + 1).trim();
    if (arch.family === 'stargan') {
      if (key === 'c' || key === 'c_dim') arch.cDim = positiveInt(text, key, value);
      else if (key === 'conv_dim' || key === 'd') arch.convDim = positiveInt(text, key, value);
      else if (key === 'repeat' || key === 'repeat_num') arch.repeatNum = positiveInt(text, key, value, 0);
      else badOption(text, `unknown option ${shown(key, 40)} for stargan (known: c, conv_dim, repeat)`);
      continue;
    }
    if (key === 'ngf') arch.ngf = positiveInt(text, key, value);
    else if (key === 'norm') {
      if (value !== 'batch' && value !== 'instance') badOption(text, 'norm must be batch or instance');
      arch.norm = value;
    } else if (key === 'dropout') arch.dropout = flag(text, key, value);
    else if (key === 'no_dropout') arch.dropout = !flag(text, key, value);
    else if (key === 'input_nc' || key === 'in') arch.inputChannels = positiveInt(text, key, value);
    else if (key === 'output_nc' || key === 'out') arch.outputChannels = positiveInt(text, key, value);
    else if (arch.family === 'resnet' && (key === 'n_blocks' || key === 'blocks')) arch.nBlocks = positiveInt(text, key, value, 0);
    else if (arch.family === 'unet' && key === 'num_downs') arch.numDowns = positiveInt(text, key, value, 5);
    else {
      const known = arch.family === 'resnet' ? 'ngf, norm, dropout, input_nc, output_nc, n_blocks' : 'ngf, norm, dropout, input_nc, output_nc, num_downs';
      badOption(text, `unknown option ${shown(key, 40)} for ${arch.family} (known: ${known})`);
    }
  }
  return arch;
}
