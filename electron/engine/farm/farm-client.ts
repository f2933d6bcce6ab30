import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { JobEvent, OutputFormat } from '../../contract/jobs.js';
import { StudioError, describeSystemError } from '../errors.js';
import { listImageFiles } from '../imaging/index.js';
import { createPipeline, type ModelContext } from '../jobs/pipeline.js';
import type { JobSummary } from '../jobs/translate-job.js';
import { BATCH_KEEP_S, batchCancelled, cancelItems, forgetBatch, recordBatch } from './farm-batches.js';
import { FARM_ATTEMPTS, FARM_PREFIX, FARM_QUEUE, decodeFailure, farmProgressSchema, farmResultSchema, itemJobId, type FarmItemInput, type FarmResult } from './farm-item.js';
import type { SharedFolderStorage } from './shared-folder-storage.js';
import { whenConnected, type FarmRedis } from './redis-connection.js';

export interface FarmBatchSpec {
  /** Files and folders (recursed) inside the shared folder. */
  inputs: string[];
  /** A model of the client's library, by id or folder: the workers must hold the same version. */
  model: string;
  /** The output folder, inside the shared folder. */
  outDir: string;
  format: OutputFormat | 'auto';
  quality?: number;
  shorterSide?: number;
  attributes?: Record<string, number>;
  /** Appended to each output's name before the extension. */
  nameSuffix?: string;
  maxMemoryMB?: number;
  tileSize?: number;
}

export interface FarmContext extends ModelContext {
  redis: FarmRedis;
  storage: SharedFolderStorage;
  /** How often items whose events may have been missed (a Redis restart) are looked up. */
  pollMs?: number;
}

/** Items are added in chunks, so 100,000 files never make one huge Redis command. */
const ADD_CHUNK = 500;
/** Items looked up per poll. */
const POLL_CHUNK = 200;

/**
 * Runs a batch on a farm: one queue item per file, followed through BullMQ's events (and a
 * slow poll, which catches what a Redis restart swallowed) until every item is done or failed.
 * Reports the same job events as a local batch, so the command line and the studio show a farm
 * batch as they show their own; item events name the worker that ran the file.
 */
export async function runFarmBatch(
  spec: FarmBatchSpec,
  ctx: FarmContext,
  onEvent: (event: JobEvent) => void,
  signal?: AbortSignal,
  batch: string = randomUUID(),
): Promise<JobSummary> {
  const started = performance.now();
  const entry = await ctx.library.resolve(spec.model);
  await ctx.library.verify(entry);
  createPipeline(entry, ctx.sessions, 'cpu', { cacheDir: ctx.library.cacheDir, budgetBytes: 0 }).validate(spec.attributes === undefined ? {} : { attributes: spec.attributes });
  if (spec.nameSuffix !== undefined && !/^[\w.-]*$/.test(spec.nameSuffix)) {
    throw new StudioError('BAD_ARGUMENT', `a name suffix may hold only letters, digits, dots, dashes and underscores, got "${spec.nameSuffix}"`);
  }
  const { files, errors } = await listImageFiles(spec.inputs);
  const keys = await Promise.all(files.map((f) => ctx.storage.keyOf(f)));
  try {
    await mkdir(resolve(spec.outDir), { recursive: true });
  } catch (err) {
    throw new StudioError('IO_ERROR', `cannot create the output folder ${spec.outDir}: ${describeSystemError(err)}`, { cause: err });
  }
  const outDir = await ctx.storage.keyOf(spec.outDir);

  const connection = ctx.redis.options;
  const queue = new Queue(FARM_QUEUE, { connection, prefix: FARM_PREFIX });
  const events = new QueueEvents(FARM_QUEUE, { connection, prefix: FARM_PREFIX });
  queue.on('error', () => undefined);
  events.on('error', () => undefined);
  try {
    await whenConnected(queue, ctx.redis);
    await whenConnected(events, ctx.redis);
    const total = files.length + errors.length;
    onEvent({ type: 'queued', jobId: batch, total });
    const client = await queue.backend.client;
    await recordBatch(client, { id: batch, total: files.length, model: entry.manifest.id, outDir, created: new Date().toISOString() });

    let succeeded = 0;
    let failed = 0;
    const pending = new Map<number, string>(files.map((f, i) => [i, f]));
    const progress = (): number => (total === 0 ? 1 : (succeeded + failed) / total);
    let wake: (() => void) | undefined;
    const finish = (index: number, result: { ok: true; value: FarmResult } | { ok: false; reason: string | undefined }): void => {
      const input = pending.get(index);
      if (input === undefined) return;
      pending.delete(index);
      if (result.ok) {
        succeeded += 1;
        const r = result.value;
        onEvent({
          type: 'item-done', jobId: batch, index: errors.length + index, input, output: ctx.storage.locate(r.output), renamed: r.renamed,
          notes: r.notes, width: r.width, height: r.height, ms: r.ms, progress: progress(), provider: r.provider, fallbacks: r.fallbacks, worker: r.worker,
        });
      } else {
        failed += 1;
        const { worker, ...error } = decodeFailure(result.reason);
        onEvent({ type: 'item-error', jobId: batch, index: errors.length + index, input, error, progress: progress(), ...(worker === undefined ? {} : { worker }) });
      }
      if (pending.size === 0) wake?.();
    };
    const indexOf = (jobId: string): number | undefined => {
      if (!jobId.startsWith(`${batch}.`)) return undefined;
      const index = Number(jobId.slice(batch.length + 1));
      return pending.has(index) ? index : undefined;
    };
    events.on('completed', ({ jobId, returnvalue }) => {
      const index = indexOf(jobId);
      if (index !== undefined) finish(index, parseResult(returnvalue));
    });
    events.on('failed', ({ jobId, failedReason }) => {
      const index = indexOf(jobId);
      if (index !== undefined) finish(index, { ok: false, reason: failedReason });
    });
    events.on('progress', ({ jobId, data }) => {
      const index = indexOf(jobId);
      const parsed = farmProgressSchema.safeParse(data);
      if (index === undefined || !parsed.success) return;
      const p = parsed.data;
      onEvent({
        type: 'item-progress', jobId: batch, index: errors.length + index, input: pending.get(index) as string,
        itemProgress: p.fraction, progress: progress(), status: `${p.status} on ${p.worker}`,
      });
    });

    onEvent({ type: 'started', jobId: batch, total, model: entry.manifest.id, device: 'farm' });
    errors.forEach((problem, index) => {
      failed += 1;
      onEvent({ type: 'item-error', jobId: batch, index, input: problem.path, error: { code: 'IO_ERROR', message: problem.message }, progress: progress() });
    });

    for (let from = 0; from < files.length; from += ADD_CHUNK) {
      await queue.addBulk(
        keys.slice(from, from + ADD_CHUNK).map((input, k) => {
          const i = from + k;
          const file = files[i] as string;
          const data: FarmItemInput = {
            batch, item: i, input, outDir, stem: `${basename(file, extname(file))}${spec.nameSuffix ?? ''}`,
            model: { id: entry.manifest.id, sha256: entry.manifest.sha256 }, format: spec.format,
            ...(spec.quality === undefined ? {} : { quality: spec.quality }),
            ...(spec.shorterSide === undefined ? {} : { shorterSide: spec.shorterSide }),
            ...(spec.attributes === undefined ? {} : { attributes: spec.attributes }),
            ...(spec.maxMemoryMB === undefined ? {} : { maxMemoryMB: spec.maxMemoryMB }),
            ...(spec.tileSize === undefined ? {} : { tileSize: spec.tileSize }),
          };
          return {
            name: 'translate', data,
            opts: { jobId: itemJobId(batch, i), attempts: FARM_ATTEMPTS, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: { age: BATCH_KEEP_S }, removeOnFail: { age: BATCH_KEEP_S } },
          };
        }),
      );
    }

    // Events are the fast path; the poll finds items whose events were lost.
    const pollMs = ctx.pollMs ?? 2000;
    let cursor = 0;
    signal?.addEventListener('abort', () => wake?.(), { once: true });
    let cancelledElsewhere = false;
    while (pending.size > 0 && signal?.aborted !== true && !cancelledElsewhere) {
      await new Promise<void>((done) => {
        const timer = setTimeout(done, pollMs);
        wake = () => {
          clearTimeout(timer);
          done();
        };
      });
      wake = undefined;
      // `farm cancel` from another terminal ends this batch as Ctrl+C would.
      cancelledElsewhere = await batchCancelled(client, batch).catch(() => false);
      const outstanding = [...pending.keys()];
      const slice = outstanding.slice(cursor % Math.max(1, outstanding.length)).slice(0, POLL_CHUNK);
      cursor += POLL_CHUNK;
      for (const index of slice) {
        const job = await Job.fromId(queue, itemJobId(batch, index)).catch(() => undefined);
        if (job === undefined) continue;
        const state = await job.getState().catch(() => 'unknown');
        if (state === 'completed') finish(index, parseResult(job.returnvalue));
        else if (state === 'failed') finish(index, { ok: false, reason: job.failedReason });
      }
    }
    if ((signal?.aborted === true || cancelledElsewhere) && pending.size > 0) {
      await cancelItems(queue, batch, [...pending.keys()]);
      await forgetBatch(client, batch);
      onEvent({ type: 'cancelled', jobId: batch, succeeded, failed, remaining: pending.size });
      return { jobId: batch, model: entry, succeeded, failed, cancelled: true, ms: performance.now() - started };
    }
    await ctx.storage.forgetClaims(outDir, batch).catch(() => undefined);
    await forgetBatch(client, batch);
    const ms = performance.now() - started;
    onEvent({ type: 'finished', jobId: batch, succeeded, failed, ms });
    return { jobId: batch, model: entry, succeeded, failed, cancelled: false, ms };
  } finally {
    await events.close().catch(() => undefined);
    await queue.close().catch(() => undefined);
  }
}

function parseResult(value: unknown): { ok: true; value: FarmResult } | { ok: false; reason: string } {
  const parsed = farmResultSchema.safeParse(typeof value === 'string' ? safeJson(value) : value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: 'the worker returned a result this client does not understand' };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
