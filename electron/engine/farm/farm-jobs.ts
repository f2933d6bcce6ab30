import { mkdir } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import type { ItemResult, TranslateJobSpec } from '../../contract/jobs.js';
import type { ModelEntry } from '../../contract/models.js';
import type { StudioErrorInfo } from '../../contract/result.js';
import { StudioError, orSystemError } from '../errors.js';
import type { ModelLibrary } from '../library/model-library.js';
import { BATCH_KEEP_S } from './farm-batches.js';
import { FARM_ATTEMPTS, decodeFailure, itemJobId, type FarmItemInput, type FarmResult } from './farm-item.js';
import type { SharedFolderStorage } from './shared-folder-storage.js';

/**
 * What a farm client (the command line, the studio) makes of a batch's items: queue jobs,
 * and the workers' answers as job events. Nothing here loads the engine's runtime, so the
 * studio's process can send items without it.
 */

/** How every item of a batch is translated: a local batch's options, less where and over what. */
export type FarmItemOptions = Pick<TranslateJobSpec, 'format' | 'quality' | 'shorterSide' | 'attributes' | 'nameSuffix' | 'maxMemoryMB' | 'tileSize'>;

/** One file as a queue job: its data (checked again by the worker) and BullMQ's options. */
export function farmJob(
  batch: string,
  item: number,
  place: { input: string; outDir: string; file: string },
  model: { id: string; sha256: string },
  options: FarmItemOptions,
): { name: string; data: FarmItemInput; opts: { jobId: string; attempts: number; backoff: { type: 'fixed'; delay: number }; removeOnComplete: { age: number }; removeOnFail: { age: number } } } {
  const data: FarmItemInput = {
    batch,
    item,
    input: place.input,
    outDir: place.outDir,
    stem: `${basename(place.file, extname(place.file))}${options.nameSuffix ?? ''}`,
    model,
    format: options.format,
    ...(options.quality === undefined ? {} : { quality: options.quality }),
    ...(options.shorterSide === undefined ? {} : { shorterSide: options.shorterSide }),
    ...(options.attributes === undefined ? {} : { attributes: options.attributes }),
    ...(options.maxMemoryMB === undefined ? {} : { maxMemoryMB: options.maxMemoryMB }),
    ...(options.tileSize === undefined ? {} : { tileSize: options.tileSize }),
  };
  return {
    name: 'translate',
    data,
    opts: { jobId: itemJobId(batch, item), attempts: FARM_ATTEMPTS, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: { age: BATCH_KEEP_S }, removeOnFail: { age: BATCH_KEEP_S } },
  };
}

/** A worker's result as the job events' item result, with the output as this machine's path. */
export function itemResultOf(result: FarmResult, storage: SharedFolderStorage): ItemResult {
  const { output, renamed, notes, width, height, ms, provider, fallbacks, worker } = result;
  return { output: storage.locate(output), renamed, notes, width, height, ms, provider, fallbacks, worker };
}

/** The cause of an item's failure as the job events' error, and the worker it last ran on. */
export function itemErrorOf(reason: string | undefined): { error: StudioErrorInfo; worker?: string } {
  const { worker, ...error } = decodeFailure(reason);
  return worker === undefined ? { error } : { error, worker };
}

/**
 * The batch's model from the client's library, by id and by the sha256 of its checked file
 * (workers with another version refuse it), and the name suffix checked.
 */
export async function farmModel(library: ModelLibrary, model: string, options: FarmItemOptions): Promise<{ entry: ModelEntry; ref: { id: string; sha256: string } }> {
  const entry = await library.resolve(model);
  await library.verify(entry);
  if (options.nameSuffix !== undefined && !/^[\w.-]*$/.test(options.nameSuffix)) {
    throw new StudioError('BAD_ARGUMENT', `a name suffix may hold only letters, digits, dots, dashes and underscores, got "${options.nameSuffix}"`);
  }
  return { entry, ref: { id: entry.manifest.id, sha256: entry.manifest.sha256 } };
}

/** The key of the output folder, created first; refused outside the shared folder. */
export async function farmOutDir(storage: SharedFolderStorage, outDir: string): Promise<string> {
  await orSystemError(mkdir(resolve(outDir), { recursive: true }), (cause) => `cannot create the output folder ${outDir}: ${cause}`);
  return storage.keyOf(outDir);
}

