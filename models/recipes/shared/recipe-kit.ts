import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { AttributeSpec, ModelKind, ModelManifest } from '../../../electron/contract/models.js';
import type { TrainEvent, TrainSettings } from '../../../electron/contract/training.js';
import { emitOnnx } from '../../../electron/engine/graph/onnx-emitter.js';
import { imageToTensor, tensorToImage } from '../../../electron/engine/imaging/tensor.js';
import { sha256Bytes } from '../../../electron/engine/library/hash.js';
import { parseManifest } from '../../../electron/engine/library/manifest.js';
import { ModelLibrary, packageRoot } from '../../../electron/engine/library/index.js';
import { buildGenerator, describeArchitecture, parameterCount as networkParameters, sizeMultiple } from '../../../electron/engine/nets/index.js';
import { openGraphRunner } from '../../../electron/engine/runtime/index.js';
import { writeSampleGrid, type TrainImage } from '../../../electron/engine/training/data/index.js';
import { TrainingRun } from '../../../electron/engine/training/training-run.js';
import type { RgbImage } from './metrics.js';

/** What every recipe gets from the command line. */
export interface RecipeOptions {
  seed: number;
  /** Training iterations (each recipe has its own default). */
  iterations?: number;
  /** Where data and the run folder go. */
  work: string;
  device: string;
  /** CPU threads for training (onnxruntime's default: all cores). */
  threads?: number;
  /** Write the model into models/<id>/ and the grid and card into docs/models/ (off for smoke runs). */
  install: boolean;
  /** Continue the run already in the work folder from its last checkpoint (same data and settings), instead of starting over. */
  resume?: boolean;
  /**
   * Start each generator from the bundled model of the same id (its weights; a fresh
   * discriminator and Adam state) and train the recipe's continuation instead of starting from
   * scratch: for a starter whose fine texture settles late, hours of CPU not spent again.
   */
  continue?: boolean;
  /** Recipes that make several models (day2night): train this one only; the others stay as bundled. */
  only?: string;
}

export const repoPath = (...parts: string[]): string => join(packageRoot(), ...parts);

export async function writeRgbPng(path: string, img: RgbImage): Promise<void> {
  await writeFile(path, await sharp(Buffer.from(img.rgb), { raw: { width: img.width, height: img.height, channels: 3 } }).png().toBuffer());
}

export async function readRgb(path: string, size: number): Promise<RgbImage> {
  const rgb = await sharp(path).removeAlpha().resize(size, size, { fit: 'fill' }).raw().toBuffer();
  return { rgb: new Uint8Array(rgb), width: size, height: size };
}

/** A `size` px square cut from `img` at (x, y). */
export function cropSquare(img: RgbImage, x: number, y: number, size: number): RgbImage {
  const out = new Uint8Array(size * size * 3);
  for (let row = 0; row < size; row++) out.set(img.rgb.subarray(((y + row) * img.width + x) * 3, ((y + row) * img.width + x + size) * 3), row * size * 3);
  return { rgb: out, width: size, height: size };
}

export function toTrainImage(img: RgbImage): TrainImage {
  const t = imageToTensor(img.rgb, img.width, img.height, 1);
  return { data: t.data, width: img.width, height: img.height };
}

/** Runs data generation for `count` items with a progress line every 10%. */
export async function generate(label: string, count: number, make: (i: number) => Promise<void>): Promise<void> {
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    await make(i);
    if ((i + 1) % Math.max(1, Math.floor(count / 10)) === 0) process.stderr.write(`  ${label}: ${i + 1}/${count}\n`);
  }
  process.stderr.write(`  ${label}: ${count} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

/** Trains a run to completion, printing a progress line about every 5%. */
export async function trainToEnd(settings: TrainSettings, work: string, threads?: number, resume = false): Promise<{ run: TrainingRun; seconds: number; provider: string }> {
  const runDir = join(work, 'run');
  const resumable = resume && (await stat(join(runDir, 'run.json')).then(() => true, () => false));
  if (!resumable) await rm(runDir, { recursive: true, force: true });
  const run = resumable ? await TrainingRun.resume(runDir) : await TrainingRun.create(settings, { library: new ModelLibrary({ home: join(work, 'home') }), runDir });
  let provider = '';
  let seconds = 0;
  await run.train({
    ...(threads === undefined ? {} : { threads }),
    onEvent: (e: TrainEvent) => {
      if (e.type === 'train-started') provider = e.provider;
      if (e.type === 'train-progress' && (e.iteration % Math.max(1, Math.floor(e.iterations / 20)) === 0 || e.iteration === e.iterations)) {
        const losses = Object.entries(e.losses).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(' ');
        process.stderr.write(`  iter ${e.iteration}/${e.iterations} | ${losses} | ${e.secondsPerIteration.toFixed(2)} s/it | ETA ${Math.round(e.etaSeconds / 60)} min\n`);
      }
      if (e.type === 'train-finished') seconds = e.seconds;
    },
  });
  return { run, seconds, provider };
}

/**
 * A uniform [0, 1) stream (a 32-bit LCG) for the recipes' condition draws: tiny and fixed, so a
 * recipe's data stays byte-identical for its seed.
 */
export function lcg(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Runs a generator graph over images (with per-image condition vectors for conditional models). */
async function translateWithGraph(model: Uint8Array, multiple: number, images: readonly RgbImage[], conditions?: readonly Float32Array[]): Promise<RgbImage[]> {
  const runner = await openGraphRunner(model, 'cpu');
  const out: RgbImage[] = [];
  try {
    for (const [k, img] of images.entries()) {
      const t = imageToTensor(img.rgb, img.width, img.height, multiple);
      const condition = conditions?.[k];
      const feeds = {
        input: { data: t.data, dims: [1, 3, t.paddedHeight, t.paddedWidth] },
        ...(condition === undefined ? {} : { condition: { data: condition, dims: [1, condition.length] } }),
      };
      const y = (await runner.run(feeds)).values().next().value;
      if (y === undefined) throw new Error('generator returned nothing');
      out.push({ rgb: tensorToImage(y, t.paddedWidth, t.paddedHeight, img.width, img.height), width: img.width, height: img.height });
    }
  } finally {
    await runner.release();
  }
  return out;
}

/** Translates images with one of a run's generators through its inference graph (as installed). */
export async function translateWithRun(run: TrainingRun, netId: string, images: readonly RgbImage[], conditions?: readonly Float32Array[]): Promise<RgbImage[]> {
  const net = run.generators.find((g) => g.id === netId);
  if (net?.arch === undefined) throw new Error(`run has no generator ${netId}`);
  return translateWithGraph(emitOnnx(buildGenerator(net.arch), run.weights(netId)), sizeMultiple(net.arch), images, conditions);
}

/** Translates images with an installed model file (its size multiple read from its manifest; conditional models take a vector per image). */
export async function translateWithModel(modelDir: string, images: readonly RgbImage[], conditions?: readonly Float32Array[]): Promise<RgbImage[]> {
  const manifest = JSON.parse(await readFile(join(modelDir, 'manifest.json'), 'utf8')) as { sizeMultiple: number };
  return translateWithGraph(new Uint8Array(await readFile(join(modelDir, 'model.onnx'))), manifest.sizeMultiple, images, conditions);
}

export interface BundledModel {
  id: string;
  name: string;
  kind: ModelKind;
  description: string;
  attributes?: AttributeSpec[];
  reverse?: string;
  preferredSize: number;
  card: string;
  /** Set when the model learnt from more than the project's own rendered data. */
  trainedOn?: { source: string; licence: string };
}

/** Writes models/<id>/ (model.onnx, manifest.json, card.md) from a run's generator. */
export async function installBundled(run: TrainingRun, netId: string, model: BundledModel): Promise<string> {
  const net = run.generators.find((g) => g.id === netId);
  if (net?.arch === undefined) throw new Error(`run has no generator ${netId}`);
  const arch = net.arch;
  const onnx = emitOnnx(buildGenerator(arch), run.weights(netId), { metadata: { architecture: describeArchitecture(arch), recipe: model.id } });
  if (onnx.byteLength > 12 * 1024 * 1024) throw new Error(`${model.id}: ${(onnx.byteLength / 2 ** 20).toFixed(1)} MB is over the 12 MB budget for bundled models`);
  const manifest: ModelManifest = parseManifest(
    {
      schemaVersion: 1,
      id: model.id,
      name: model.name,
      kind: model.kind,
      description: model.description,
      inputChannels: 3,
      outputChannels: 3,
      sizeMultiple: sizeMultiple(arch),
      preferredSize: model.preferredSize,
      attributes: model.attributes ?? [],
      architecture: describeArchitecture(arch),
      network: arch,
      source: model.trainedOn?.source ?? `models/recipes/${model.id} (trained by GAN Studio's own trainer on procedurally rendered data)`,
      licence: model.trainedOn?.licence ?? 'MIT (weights trained by the GAN Studio project on its own generated data)',
      sha256: sha256Bytes(onnx),
      card: 'card.md',
      ...(model.reverse === undefined ? {} : { reverse: model.reverse }),
    },
    `${model.id} manifest`,
  );
  const dir = repoPath('models', model.id);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.onnx'), onnx);
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(dir, 'card.md'), model.card);
  return dir;
}

/** A sample grid for the docs: rows of images side by side (docs/models/<name>.png). */
export async function writeDocsGrid(name: string, rows: RgbImage[][]): Promise<string> {
  const path = repoPath('docs', 'models', `${name}.png`);
  await writeSampleGrid(rows.map((r) => r.map(toTrainImage)), path);
  return path;
}

/** Learnable values of one of a run's generators, as the registry counts them on the graph it builds. */
export function parameterCount(run: TrainingRun, netId: string): number {
  const arch = run.generators.find((g) => g.id === netId)?.arch;
  if (arch === undefined) throw new Error(`run has no generator ${netId}`);
  return networkParameters(arch);
}

/**
 * What a card says of a run that installs a model trained by an earlier run (`--resume` after a
 * `--no-install` run): the training time comes from the run's checkpoints, the rest is this run's.
 */
export function afterResume(o: RecipeOptions): string {
  return o.resume === true ? '; the data and total times are those of the `--resume` run that installed it after the training had finished' : '';
}

export function minutes(seconds: number): string {
  return seconds < 120 ? `${seconds.toFixed(0)} s` : `${(seconds / 60).toFixed(1)} min`;
}
