import { StudioError } from '../errors.js';
import type { IrGraph } from '../graph/ir.js';
import {
  buildGenerator,
  completeSettings,
  countParameters,
  describeArchitecture,
  detectFamily,
  fieldLabel,
  generatorFamily,
  supportedGenerators,
  type AnyGeneratorFamily,
  type Architecture,
  type ArchitectureOverride,
  type StateDictView,
} from '../nets/index.js';
import { listSome, shown } from './problems.js';
import type { CheckpointTensor, StateDict } from './reader.js';

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

/** The checkpoint's keys with DataParallel's `module.` prefix removed, as families read them. */
interface Keys extends StateDictView {
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
  return { tensors, other, keys: [...tensors.keys(), ...other], shape: (key) => tensors.get(key)?.shape };
}

/** Completes the architecture from the checkpoint, with the override's fields taking precedence. */
function resolve(sd: StateDict, keys: Keys, family: AnyGeneratorFamily, override: ArchitectureOverride | undefined, guessed: boolean): Architecture {
  const done = completeSettings(family, family.derive(keys), override ?? {});
  if (done.ok) return done.settings;
  if (done.missing.length > 0) {
    const what = done.missing.map(fieldLabel).join(', ');
    const how = guessed ? 'its keys do not follow the layout' : `give ${what} in --arch`;
    fail(sd, `cannot tell ${what} of a ${family.name} generator from the checkpoint (${how}); its keys: ${listSome(keys.keys)}`);
  }
  const implied = done.invalid.map((i) => `${fieldLabel(i.field)} = ${String(i.value)}`).join(', ');
  return fail(sd, `the checkpoint implies ${implied}, which no ${family.name} generator has; its keys: ${listSome(keys.keys)}`);
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
  const shape = keys.shape(key);
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

  for (const [name, shape] of params) {
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
  for (const key of keys.keys) {
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
  return { arch, weights, ignored, parameterCount: countParameters(graph) };
}

/**
 * Finds which registered generator family a state dict belongs to from its key names and
 * shapes, then checks every parameter against the graph of that architecture. With `override`
 * (from --arch) the family and the given fields are taken as told; the rest is still read from
 * the checkpoint, and the shapes are still checked key by key.
 */
export function detectArchitecture(sd: StateDict, override?: ArchitectureOverride): Detection {
  const keys = normaliseKeys(sd);
  const guessed = override === undefined;
  const family = guessed ? detectFamily(keys) : generatorFamily(override.family);
  if (family === undefined) {
    fail(
      sd,
      `unknown layout: the keys match no supported generator (${supportedGenerators()}); ` +
        `keys that did not match: ${listSome(keys.keys) || 'none (the state dict is empty)'}`,
    );
  }
  return verify(sd, keys, resolve(sd, keys, family, override, guessed), guessed);
}
