import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { AttributeSpec, ModelEntry, ModelKind, ModelManifest, ModelPreprocess, PixelRange } from '../../contract/models.js';
import { detectArchitecture, parseArchitectureOption, readCheckpoint } from '../checkpoints/index.js';
import { StudioError, orSystemError } from '../errors.js';
import { emitOnnx } from '../graph/onnx-emitter.js';
import { ONNX_FLOAT, inspectOnnx, type OnnxSummary } from '../graph/onnx-inspect.js';
import { conditionalFamilies, familyOf } from '../nets/index.js';
import { refuseNonFiniteWeights } from './finite-weights.js';
import { MODEL_ID_PATTERN } from './manifest.js';
import { checkOnnxModel } from './onnx-import-checks.js';
import { trialRunOnnx } from './onnx-trial-run.js';
import type { ModelLibrary } from './model-library.js';

export interface ImportOptions {
  /** Display name; also the base of the id when no id is given. */
  name?: string;
  id?: string;
  /** `--arch` text, e.g. "resnet_9blocks" or "unet_256,norm=batch"; overrides detection. */
  arch?: string;
  /** Names of a conditional model's condition entries, in order (default c0, c1, ...). */
  attributes?: string[];
  licence?: string;
  kind?: ModelKind;
  source?: string;
  description?: string;
  preferredSize?: number;
  /** ONNX only: the pixel range the model expects. */
  pixelRange?: PixelRange;
  /** A reverse model id, for CycleGAN halves. */
  reverse?: string;
  /** The crop and resize every image gets first (StarGAN CelebA models). */
  preprocess?: ModelPreprocess;
}

export interface ImportReport {
  entry: ModelEntry;
  /** What the import found out, in lines a user can read (printed by the CLI, kept in the card). */
  notes: string[];
}

/** Turns a name into a library id: lower case, dashes, at most 64 characters. */
export function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '')
    .slice(0, 60);
  return slug === '' ? 'model' : slug;
}

/** `base`, or `base-2`, `base-3`, ... : the first id no library model has. */
export async function freeId(library: ModelLibrary, base: string): Promise<string> {
  const { models } = await library.list();
  const taken = new Set(models.map((m) => m.manifest.id));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

function conditionAttributes(names: string[] | undefined, count: number, file: string): AttributeSpec[] {
  const list = names ?? Array.from({ length: count }, (_, i) => `c${i}`);
  if (list.length !== count) {
    throw new StudioError('BAD_ARGUMENT', `${file}: the model takes ${count} condition values but ${list.length} attribute names were given (${list.join(', ')})`);
  }
  return list.map((name) => ({ name, min: 0, max: 1, default: 0 }));
}

/**
 * Imports a PyTorch checkpoint (.pth/.pt/.ckpt) or an ONNX model into the library. Nothing in a
 * checkpoint is executed; an unknown layout or a failed check leaves the library unchanged.
 */
export async function importModelFile(library: ModelLibrary, path: string, options: ImportOptions = {}): Promise<ImportReport> {
  const info = await orSystemError(stat(path), (cause) => `${path}: ${cause}`);
  if (!info.isFile()) throw new StudioError('IO_ERROR', `${path}: is a folder, not a file`);
  // Anything that is not .onnx goes to the checkpoint reader, which names what it finds.
  if (extname(path).toLowerCase() === '.onnx') return importOnnx(library, path, options);
  return importCheckpoint(library, path, options);
}

async function importCheckpoint(library: ModelLibrary, path: string, options: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const stateDict = await readCheckpoint(path);
  const override = options.arch === undefined ? undefined : parseArchitectureOption(options.arch);
  const detection = detectArchitecture(stateDict, override);
  refuseNonFiniteWeights(path, detection.weights);
  const arch = detection.arch;
  const family = familyOf(arch);
  const described = family.describe(arch);
  const io = family.io(arch);
  const onnx = emitOnnx(family.build(arch), detection.weights, {
    metadata: { architecture: described, source_file: basename(path) },
  });
  const kind = options.kind ?? family.defaultKind;
  if (kind === 'conditional' && io.conditionChannels === 0) {
    throw new StudioError('BAD_ARGUMENT', `${path}: a ${arch.family} generator takes no condition vector, so it cannot be a conditional model`);
  }
  const attributes = io.conditionChannels > 0 ? conditionAttributes(options.attributes, io.conditionChannels, path) : [];
  if (io.conditionChannels === 0 && options.attributes !== undefined) {
    throw new StudioError(
      'BAD_ARGUMENT',
      `${path}: --attributes only applies to conditional (${conditionalFamilies((f) => f.reference.module)}) models; this is a ${described}`,
    );
  }
  const stem = basename(path, extname(path));
  const name = options.name ?? stem;
  const id = options.id ?? (await freeId(library, slugify(name)));
  const notes = [
    `detected ${described}${override === undefined ? '' : ' (--arch given)'}`,
    `${detection.parameterCount.toLocaleString('en-US')} parameters from a ${stateDict.container} checkpoint${stateDict.wrapper === undefined ? '' : ` (inside "${stateDict.wrapper}")`}`,
  ];
  if (detection.ignored.length > 0) notes.push(`ignored ${detection.ignored.length} stored statistics entries (per-image statistics are used)`);
  const licence = options.licence ?? 'unknown (the checkpoint does not say; check where it came from)';
  const card = modelCard({
    name,
    source: options.source ?? basename(path),
    arch: described,
    parameters: detection.parameterCount,
    licence,
    notes,
    attributes,
  });
  const entry = await library.install(
    onnx,
    {
      schemaVersion: 1,
      id,
      name,
      kind,
      description: options.description ?? `Imported from ${basename(path)}`,
      inputChannels: io.inputChannels,
      outputChannels: io.outputChannels,
      sizeMultiple: family.sizeMultiple(arch),
      preferredSize: options.preferredSize ?? family.preferredSize,
      attributes,
      architecture: described,
      network: arch,
      source: options.source ?? basename(path),
      licence,
      card: 'card.md',
      ...(options.reverse === undefined ? {} : { reverse: options.reverse }),
      ...(options.preprocess === undefined ? {} : { preprocess: options.preprocess }),
    },
    { 'card.md': card },
  );
  notes.push(`converted in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { entry, notes };
}

function modelCard(info: {
  name: string;
  source: string;
  arch: string;
  parameters: number;
  licence: string;
  notes: string[];
  attributes: AttributeSpec[];
}): string {
  const lines = [
    `# ${info.name}`,
    '',
    `- Source: ${info.source}`,
    `- Architecture: ${info.arch}`,
    `- Parameters: ${info.parameters.toLocaleString('en-US')}`,
    `- Licence: ${info.licence}`,
    `- Imported: ${new Date().toISOString().slice(0, 10)} by GAN Studio (converted to ONNX; nothing in the file was executed)`,
  ];
  if (info.attributes.length > 0) lines.push(`- Attributes: ${info.attributes.map((a) => a.name).join(', ')} (each 0..1)`);
  lines.push('', 'Import notes:', '', ...info.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}

/** Reads the interface of a user's ONNX model and installs it with a guessed or given manifest. */
async function importOnnx(library: ModelLibrary, path: string, options: ImportOptions): Promise<ImportReport> {
  const bytes = await readFile(path);
  let summary: OnnxSummary;
  try {
    summary = inspectOnnx(bytes);
  } catch (err) {
    throw new StudioError('BAD_MODEL', `${path}: not a readable ONNX model (${(err as Error).message})`);
  }
  const images = summary.inputs.filter((i) => i.dims.length === 4);
  const vectors = summary.inputs.filter((i) => i.dims.length === 2);
  const problems: string[] = [];
  if (images.length !== 1) problems.push(`expected one image input [batch, 3, height, width], found ${images.length}`);
  if (summary.inputs.length !== images.length + vectors.length || vectors.length > 1) {
    problems.push(`inputs ${summary.inputs.map((i) => `${i.name} [${i.dims.join(', ')}]`).join(', ')} are not one image plus at most one condition vector`);
  }
  const image = images[0];
  const output = summary.outputs[0];
  if (output === undefined || output.dims.length !== 4) problems.push('expected a 4-D image output');
  for (const t of [...summary.inputs, ...summary.outputs]) if (t.elemType !== ONNX_FLOAT) problems.push(`${t.name} is not float32`);
  if (image !== undefined && typeof image.dims[1] === 'number' && image.dims[1] !== 3) problems.push(`the image input has ${image.dims[1]} channels; only RGB (3) is supported`);
  if (problems.length > 0 || image === undefined) {
    throw new StudioError('BAD_MODEL', `${path}: not an image-to-image model GAN Studio can run: ${problems.join('; ')}`);
  }
  // Sizes, external data, weights and operators, before anything is run or installed.
  const checked = await checkOnnxModel(path, bytes);
  const [, , h, w] = image.dims;
  const fixedSize = typeof h === 'number' && typeof w === 'number' ? { width: w, height: h } : undefined;
  const multiple = Number(summary.metadata.size_multiple ?? summary.metadata['gan_studio.size_multiple'] ?? '') || 4;
  const vector = vectors[0];
  const cDim = vector === undefined ? 0 : typeof vector.dims[1] === 'number' ? vector.dims[1] : NaN;
  if (Number.isNaN(cDim)) throw new StudioError('BAD_MODEL', `${path}: the condition input ${vector?.name} has no fixed size`);
  const attributes = cDim > 0 ? conditionAttributes(options.attributes, cDim, path) : [];
  const kind: ModelKind = cDim > 0 ? 'conditional' : (options.kind ?? 'pix2pix');
  const name = options.name ?? basename(path, '.onnx');
  const id = options.id ?? (await freeId(library, slugify(name)));
  if (!MODEL_ID_PATTERN.test(id)) throw new StudioError('BAD_ARGUMENT', `"${id}" is not a valid model id`);
  const notes = [
    `image input "${image.name}" ${fixedSize === undefined ? 'of any size' : `fixed at ${fixedSize.width} x ${fixedSize.height} (images are resized to it and back)`}`,
    ...(vector === undefined ? [] : [`condition input "${vector.name}" with ${cDim} values`]),
    `pixel range ${options.pixelRange ?? '-1..1'}${options.pixelRange === undefined ? ' (assumed: the GAN convention; use --range 0..1 otherwise)' : ''}`,
    ...checked.notes,
  ];
  const licence = options.licence ?? 'unknown (as supplied by the user)';
  const manifest: Omit<ModelManifest, 'sha256'> = {
    schemaVersion: 1,
    id,
    name,
    kind,
    description: options.description ?? `Imported from ${basename(path)}`,
    inputChannels: 3,
    outputChannels: 3,
    sizeMultiple: fixedSize === undefined ? multiple : 1,
    preferredSize: options.preferredSize ?? fixedSize?.height ?? 256,
    attributes,
    architecture: `ONNX (opset ${summary.opsetVersion ?? '?'}${summary.producer === '' ? '' : `, from ${summary.producer}`})`,
    source: options.source ?? basename(path),
    licence,
    card: 'card.md',
    io: vector === undefined ? { image: image.name } : { image: image.name, condition: vector.name },
    ...(fixedSize === undefined ? {} : { fixedSize }),
    ...(options.pixelRange === undefined ? {} : { pixelRange: options.pixelRange }),
  };
  notes.push(await trialRunOnnx(path, checked.bytes, {
    image: image.name,
    ...(vector === undefined ? {} : { condition: { name: vector.name, size: cDim } }),
    ...(fixedSize === undefined ? {} : { fixedSize }),
    sizeMultiple: manifest.sizeMultiple,
    preferredSize: manifest.preferredSize,
  }));
  const card = [`# ${name}`, '', `- Source: ${manifest.source}`, `- Format: ${manifest.architecture}`, `- Licence: ${licence}`, '', 'Import notes:', '', ...notes.map((n) => `- ${n}`), ''].join('\n');
  const entry = await library.install(checked.bytes, manifest, { 'card.md': card });
  return { entry, notes };
}
