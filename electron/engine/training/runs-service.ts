import { readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunInfo, RunState } from '../../contract/finetune.js';
import { SAMPLE_FILE_PATTERN } from '../../contract/ids.js';
import { StudioError, orSystemError } from '../errors.js';
import { ATTRIBUTES_FILE, MIN_IMAGES } from './data/index.js';
import { scanImageFolder } from './data/folder-scan.js';
import { lossLogPath, peekCheckpoint, readRunRecord } from './run-files.js';
import { pathExists } from '../files/path-exists.js';
import { processAlive } from '../process-alive.js';

/**
 * What the studio's fine-tune page and runs list need from the engine: every run under the
 * studio home with its status, a folder check before a run starts, and run deletion. Pure
 * Node; the training itself is TrainingRun.
 */
/** What a run's folder tells ('stopped' is the host's mark on a paused run). */
export type RunStatus = Exclude<RunState, 'stopped'>;

/** A run as its folder tells it: the page's RunInfo, less what the host adds (id, samples, provider). */
export type RunSummary = Omit<RunInfo, 'id' | 'status' | 'samples' | 'provider'> & {
  dir: string;
  status: RunStatus;
  /** The newest sample grid, if any. */
  latestSample: string | null;
};

const LOCK = 'training.lock';

/** Marks a run as being trained by this process (removed when training stops). */
export async function lockRun(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK);
  const holder = await lockHolder(dir);
  if (holder !== null && holder !== process.pid) {
    throw new StudioError('BAD_ARGUMENT', `${dir} is being trained by another process (pid ${holder}); pause it there first`);
  }
  await writeFile(path, `${process.pid}\n`);
  return () => rm(path, { force: true });
}

/** The pid training the run, if that process is alive; a lock left by a killed process is stale. */
async function lockHolder(dir: string): Promise<number | null> {
  let pid: number;
  try {
    pid = Number.parseInt(await readFile(join(dir, LOCK), 'utf8'), 10);
  } catch {
    return null;
  }
  return Number.isInteger(pid) && pid > 0 && processAlive(pid) ? pid : null;
}

/** A run's sample grids: their file names in samples/, oldest first. */
export async function sampleGrids(dir: string): Promise<string[]> {
  return (await readdir(join(dir, 'samples')).catch(() => [])).filter((n) => SAMPLE_FILE_PATTERN.test(n)).sort();
}

/** The newest sample grid of a run, if it wrote any. */
export async function latestSample(dir: string): Promise<string | null> {
  const last = (await sampleGrids(dir)).at(-1);
  return last === undefined ? null : join(dir, 'samples', last);
}

export async function summarizeRun(dir: string): Promise<RunSummary> {
  const record = await readRunRecord(dir);
  const iteration = (await peekCheckpoint(dir)).iteration ?? 0;
  const iterations = record.settings.iterations;
  const holder = await lockHolder(dir);
  // The loss log's last write; before the first iteration, when the run was made.
  const updatedAt = (await stat(lossLogPath(dir)).catch(() => null))?.mtime.toISOString() ?? record.createdAt;
  let status: RunStatus;
  if (holder !== null) status = 'running';
  else if (iteration >= iterations) status = 'completed';
  else if (iteration === 0) status = 'not started';
  else {
    // A lock file without a live process: the trainer died (crash, kill -9, power loss).
    status = (await pathExists(join(dir, LOCK))) ? 'interrupted' : 'paused';
  }
  return {
    dir,
    name: record.settings.name,
    mode: record.settings.mode,
    status,
    iteration,
    iterations,
    createdAt: record.createdAt,
    updatedAt,
    counts: record.data.counts,
    exports: record.exports,
    latestSample: await latestSample(dir),
    settings: record.settings,
    fallbacks: record.fallbacks ?? [],
  };
}

/** Every run under `<home>/runs`, newest first; folders that are not runs are left out. */
export async function listRuns(home: string): Promise<RunSummary[]> {
  const root = join(home, 'runs');
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const runs: RunSummary[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    try {
      runs.push(await summarizeRun(join(root, name)));
    } catch {
      // not a run folder (or a damaged one): the list shows the runs it can read
    }
  }
  return runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Deletes a run folder (never while it trains); exported models stay in the library. */
export async function deleteRun(dir: string): Promise<void> {
  await readRunRecord(dir); // refuses folders that are not runs
  if ((await lockHolder(dir)) !== null) throw new StudioError('BAD_ARGUMENT', `${dir} is training; pause or stop it before deleting it`);
  const trash = `${dir}.deleting-${process.pid}`;
  await orSystemError(rename(dir, trash).then(() => rm(trash, { recursive: true, force: true })), (cause) => `could not delete ${dir}: ${cause}`);
}

export interface FolderCheck {
  dir: string;
  count: number;
  /** Up to `previews` image paths, for a thumbnail strip. */
  previews: string[];
  skipped: { path: string; reason: string }[];
  /** Attribute names when the folder has an attributes.csv. */
  attributes: string[];
  /** Things the user should know before training, in words. */
  warnings: string[];
}

/** Looks into a folder the way training will, for the fine-tune page's immediate check. */
export async function checkTrainingFolder(dir: string, previews = 8): Promise<FolderCheck> {
  const scanned = await scanImageFolder(dir, 'training');
  const warnings: string[] = [];
  const count = scanned.files.length;
  if (count < MIN_IMAGES) warnings.push(count === 0 ? 'no readable images: training needs at least 2' : `only ${count} readable image: training needs at least 2`);
  else if (count < 50) warnings.push(`only ${count} images: expect overfitting (a few hundred work much better)`);
  if (scanned.skipped.length > 0) warnings.push(`${scanned.skipped.length} file${scanned.skipped.length === 1 ? '' : 's'} will be skipped (not readable as images)`);
  let attributes: string[] = [];
  try {
    const header = (await readFile(join(scanned.dir, ATTRIBUTES_FILE), 'utf8')).split(/\r?\n/)[0] ?? '';
    attributes = header.split(',').slice(1).map((s) => s.trim()).filter((s) => s !== '');
  } catch {
    // no attributes.csv: fine for every mode but conditional
  }
  return { dir: scanned.dir, count, previews: scanned.files.slice(0, previews), skipped: scanned.skipped, attributes, warnings };
}
