import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ModelEntry, ModelManifest, ModelOrigin, ModelProblem } from '../../contract/models.js';
import { MODEL_ID_PATTERN } from '../../contract/ids.js';
import { StudioError, describeSystemError, orSystemError } from '../errors.js';
import { markStudioMade, removeStudioMade } from '../files/confined-path.js';
import { sha256Bytes, sha256File } from './hash.js';
import { parseManifest, readManifest } from './manifest.js';
import { bundledModelsDir, studioCacheDir, studioHome } from './paths.js';
import { pathExists } from '../files/path-exists.js';

export interface LibraryListing {
  models: ModelEntry[];
  problems: ModelProblem[];
}

export interface ModelLibraryOptions {
  /** The user's data folder; installed models live in <home>/models. */
  home?: string;
  /** Read-only bundled models; defaults to the repository's models/ folder. */
  bundledDir?: string;
  /** What can be made again (previews, tiling statistics, scratch files): <home>/cache when a home is given, else the platform's cache folder. */
  cacheDir?: string;
}

/**
 * The on-disk model store: installed models under <home>/models/<id>/ and the read-only
 * bundled ones. A broken folder is reported with its reason and never stops a listing.
 */
export class ModelLibrary {
  readonly home: string;
  readonly installedDir: string;
  readonly bundledDir: string;
  readonly cacheDir: string;
  /** Verified hashes by path + size + mtime, so a model is hashed once per change. */
  private readonly verified = new Map<string, string>();

  constructor(options: ModelLibraryOptions = {}) {
    this.home = options.home ?? studioHome();
    this.installedDir = join(this.home, 'models');
    this.bundledDir = options.bundledDir ?? bundledModelsDir();
    this.cacheDir = options.cacheDir ?? (options.home !== undefined ? join(options.home, 'cache') : studioCacheDir());
  }

  async list(): Promise<LibraryListing> {
    const models: ModelEntry[] = [];
    const problems: ModelProblem[] = [];
    const seen = new Map<string, ModelEntry>();
    for (const [origin, root] of [
      ['installed', this.installedDir],
      ['bundled', this.bundledDir],
    ] as const) {
      for (const dir of await modelFolders(root)) {
        try {
          const entry = await loadEntry(dir, origin);
          const clash = seen.get(entry.manifest.id);
          if (clash !== undefined) {
            problems.push({ path: dir, reason: `id "${entry.manifest.id}" is already used by ${clash.dir}` });
            continue;
          }
          seen.set(entry.manifest.id, entry);
          models.push(entry);
        } catch (err) {
          problems.push({ path: dir, reason: err instanceof Error ? err.message : String(err) });
        }
      }
    }
    models.sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
    return { models, problems };
  }

  /**
   * Finds a model by id (installed first, then bundled), or by a path to a model folder, its
   * manifest.json or its model.onnx.
   */
  async resolve(idOrPath: string): Promise<ModelEntry> {
    const looksLikePath = idOrPath.includes('/') || idOrPath.includes('\\') || idOrPath.endsWith('.onnx') || idOrPath.endsWith('.json');
    if (looksLikePath) {
      const full = resolve(idOrPath);
      const info = await orSystemError(stat(full), (cause) => `${idOrPath}: ${cause}`, 'MODEL_NOT_FOUND');
      const dir = info.isDirectory() ? full : dirname(full);
      return loadEntry(dir, dir.startsWith(this.bundledDir) ? 'bundled' : 'installed');
    }
    const { models, problems } = await this.list();
    const found = models.find((m) => m.manifest.id === idOrPath);
    if (found !== undefined) return found;
    const broken = problems.find((p) => basename(p.path) === idOrPath);
    if (broken !== undefined) throw new StudioError('BAD_MANIFEST', `model "${idOrPath}" is broken: ${broken.reason}`);
    const known = models.map((m) => m.manifest.id).join(', ');
    throw new StudioError('MODEL_NOT_FOUND', `no model "${idOrPath}" in the library (known: ${known || 'none'})`);
  }

  /** Checks model.onnx against the manifest's sha256 (cached until the file changes). */
  async verify(entry: ModelEntry): Promise<void> {
    const info = await stat(entry.onnxPath);
    const key = `${entry.onnxPath}:${info.size}:${info.mtimeMs}`;
    let digest = this.verified.get(key);
    if (digest === undefined) {
      digest = await sha256File(entry.onnxPath);
      this.verified.set(key, digest);
    }
    if (digest !== entry.manifest.sha256) {
      throw new StudioError(
        'BAD_MODEL',
        `${entry.onnxPath}: the file does not match its manifest's sha256 (changed or damaged since it was installed)`,
      );
    }
  }

  /**
   * Installs a model atomically: everything is written to a temporary folder that is renamed
   * into place, so a failure (full disk, killed process) never leaves a half-written model.
   */
  async install(onnx: Uint8Array, manifest: Omit<ModelManifest, 'sha256'>, files: Record<string, string | Uint8Array> = {}): Promise<ModelEntry> {
    const full = parseManifest({ ...manifest, sha256: sha256Bytes(onnx) }, `manifest for ${manifest.id}`);
    const target = join(this.installedDir, full.id);
    if (await pathExists(target)) {
      throw new StudioError('OUTPUT_EXISTS', `a model with id "${full.id}" is already installed at ${target}`);
    }
    const staging = join(this.installedDir, `.staging-${full.id}-${randomBytes(4).toString('hex')}`);
    try {
      await mkdir(staging, { recursive: true });
      await writeFile(join(staging, 'model.onnx'), onnx);
      for (const [name, content] of Object.entries(files)) await writeFile(join(staging, basename(name)), content);
      await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(full, null, 2)}\n`);
      // The record that the studio made this folder: delete removes nothing without it.
      await markStudioMade(staging, 'model');
      await rename(staging, target);
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      throw new StudioError('IO_ERROR', `could not install ${full.id} in ${this.installedDir}: ${describeSystemError(err)}`, { cause: err });
    }
    return loadEntry(target, 'installed');
  }

  /**
   * Deletes an installed model, named by its id only (never a path): the folder must be the
   * one the studio installed under <home>/models, with its record. Bundled models are read-only.
   */
  async remove(id: string): Promise<void> {
    if (!MODEL_ID_PATTERN.test(id)) throw new StudioError('BAD_ARGUMENT', 'not a model id: ids are lower-case letters, digits, ".", "_" and "-"');
    const { models } = await this.list();
    const entry = models.find((m) => m.manifest.id === id);
    if (entry === undefined) throw new StudioError('MODEL_NOT_FOUND', `no model "${id}" in the library`);
    if (entry.origin === 'bundled') throw new StudioError('BAD_ARGUMENT', `${id} is a bundled model and cannot be deleted`);
    await removeStudioMade(entry.dir, this.installedDir, 'model', `model "${id}"`);
  }
}

/** Sub-folders of a store, skipping hidden ones (staging and deletion folders start with '.'). */
async function modelFolders(root: string): Promise<string[]> {
  let names: string[];
  try {
    const entries = await readdir(root, { withFileTypes: true });
    names = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'recipes').map((e) => e.name);
  } catch {
    return [];
  }
  return names.sort().map((n) => join(root, n));
}

async function loadEntry(dir: string, origin: ModelOrigin): Promise<ModelEntry> {
  const manifestPath = join(dir, 'manifest.json');
  if (!(await pathExists(manifestPath))) throw new StudioError('BAD_MANIFEST', `${manifestPath}: manifest.json is missing`);
  const manifest = await readManifest(manifestPath);
  const onnxPath = join(dir, 'model.onnx');
  const { size: sizeBytes } = await orSystemError(stat(onnxPath), (cause) => `${onnxPath}: ${cause}`, 'BAD_MODEL');
  return { manifest, origin, dir, onnxPath, sizeBytes };
}
