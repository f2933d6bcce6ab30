import { randomUUID } from 'node:crypto';
import type { JobEvent } from '../../contract/jobs.js';
import { listImageFiles } from '../imaging/index.js';
import { createPipeline, type ModelContext } from '../jobs/pipeline.js';
import type { JobSummary } from '../jobs/translate-job.js';
import { batchCancelled, cancelItems, forgetBatch, recordBatch } from './farm-batches.js';
import { connectFarm, FarmFollower } from './farm-follower.js';
import { itemJobId } from './farm-item.js';
import { farmJob, farmModel, farmOutDir, itemErrorOf, itemResultOf, type FarmItemOptions } from './farm-jobs.js';
import type { FarmRedis } from './redis-connection.js';
import type { SharedFolderStorage } from './shared-folder-storage.js';

export interface FarmBatchSpec extends FarmItemOptions {
  /** Files and folders (recursed) inside the shared folder. */
  inputs: string[];
  /** A model of the client's library, by id or folder: the workers must hold the same version. */
  model: string;
  /** The output folder, inside the shared folder. */
  outDir: string;
}

export interface FarmContext extends ModelContext {
  redis: FarmRedis;
  storage: SharedFolderStorage;
  /** How often items whose events may have been missed (a Redis restart) are looked up. */
  pollMs?: number;
}

/** Items are added in chunks, so 100,000 files never make one huge Redis command. */
const ADD_CHUNK = 500;

/**
 * Runs a batch on a farm: one queue item per file, followed until every item is done or failed.
 * Reports the same job events as a local batch, so the command line shows a farm batch as it
 * shows its own; item events name the worker that ran the file.
 */
export async function runFarmBatch(
  spec: FarmBatchSpec,
  ctx: FarmContext,
  onEvent: (event: JobEvent) => void,
  signal?: AbortSignal,
  batch: string = randomUUID(),
): Promise<JobSummary> {
  const started = performance.now();
  const { entry, ref } = await farmModel(ctx.library, spec.model, spec);
  createPipeline(entry, ctx.sessions, 'cpu', { cacheDir: ctx.library.cacheDir, budgetBytes: 0 }).validate(spec.attributes === undefined ? {} : { attributes: spec.attributes });
  const { files, errors } = await listImageFiles(spec.inputs);
  const keys = await Promise.all(files.map((f) => ctx.storage.keyOf(f)));
  const outDir = await farmOutDir(ctx.storage, spec.outDir);

  const farm = await connectFarm(ctx.redis);
  const follower = new FarmFollower(farm, ctx.pollMs);
  try {
    const total = files.length + errors.length;
    onEvent({ type: 'queued', jobId: batch, total });
    const client = await farm.queue.backend.client;
    await recordBatch(client, { id: batch, total: files.length, model: ref.id, outDir, created: new Date().toISOString() });
    let succeeded = 0;
    let failed = 0;
    const progress = (): number => (total === 0 ? 1 : (succeeded + failed) / total);
    let wake: (() => void) | undefined;
    files.forEach((input, i) => {
      const index = errors.length + i;
      follower.watch(itemJobId(batch, i), {
        progress: (p) => onEvent({ type: 'item-progress', jobId: batch, index, input, itemProgress: p.fraction, progress: progress(), status: `${p.status} on ${p.worker}` }),
        done: (r) => {
          succeeded += 1;
          onEvent({ type: 'item-done', jobId: batch, index, input, progress: progress(), ...itemResultOf(r, ctx.storage) });
          if (follower.open === 0) wake?.();
        },
        failed: (reason) => {
          failed += 1;
          onEvent({ type: 'item-error', jobId: batch, index, input, progress: progress(), ...itemErrorOf(reason) });
          if (follower.open === 0) wake?.();
        },
      });
    });

    onEvent({ type: 'started', jobId: batch, total, model: ref.id, device: 'farm' });
    errors.forEach((problem, index) => {
      failed += 1;
      onEvent({ type: 'item-error', jobId: batch, index, input: problem.path, error: { code: 'IO_ERROR', message: problem.message }, progress: progress() });
    });
    for (let from = 0; from < files.length; from += ADD_CHUNK) {
      await farm.queue.addBulk(
        keys.slice(from, from + ADD_CHUNK).map((input, k) => farmJob(batch, from + k, { input, outDir, file: files[from + k] as string }, ref, spec)),
      );
    }

    signal?.addEventListener('abort', () => wake?.(), { once: true });
    let cancelledElsewhere = false;
    while (follower.open > 0 && signal?.aborted !== true && !cancelledElsewhere) {
      await new Promise<void>((done) => {
        const timer = setTimeout(done, ctx.pollMs ?? 2000);
        wake = () => {
          clearTimeout(timer);
          done();
        };
      });
      wake = undefined;
      // `farm cancel` from another terminal ends this batch as Ctrl+C would.
      cancelledElsewhere = await batchCancelled(client, batch).catch(() => false);
    }
    const remaining = follower.open;
    if (remaining > 0) {
      await cancelItems(farm.queue, batch, files.map((_, i) => i));
      await forgetBatch(client, batch);
      onEvent({ type: 'cancelled', jobId: batch, succeeded, failed, remaining });
      return { jobId: batch, model: entry, succeeded, failed, cancelled: true, ms: performance.now() - started };
    }
    await ctx.storage.forgetClaims(outDir, batch).catch(() => undefined);
    await forgetBatch(client, batch);
    const ms = performance.now() - started;
    onEvent({ type: 'finished', jobId: batch, succeeded, failed, ms });
    return { jobId: batch, model: entry, succeeded, failed, cancelled: false, ms };
  } finally {
    follower.close();
    await farm.close();
  }
}
