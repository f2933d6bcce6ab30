import { hostname } from 'node:os';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { StudioErrorInfo } from '../../contract/result.js';
import { StudioError, toErrorInfo } from '../errors.js';
import type { ModelLibrary } from '../library/model-library.js';
import { deviceChoice } from '../runtime/index.js';
import { FARM_ATTEMPTS, FARM_PREFIX, FARM_QUEUE, decodeFailure, encodeFailure, parseFarmItem, type FarmItem, type FarmProgress, type FarmResult } from './farm-item.js';
import { batchCancelled, workerNames } from './farm-batches.js';
import type { FarmStorage } from './farm-storage.js';
import { whenConnected, type FarmRedis } from './redis-connection.js';
import { TranslateThreads } from './translate-thread.js';

export interface FarmWorkerOptions {
  /** The worker's own library: the translation threads open it by its folders. */
  library: ModelLibrary;
  /** onnxruntime threads per translation (onnxruntime's default when unset). */
  threads?: number;
  redis: FarmRedis;
  storage: FarmStorage;
  device: string;
  /** Items this worker runs at once (default 1: one translation already uses every core). */
  concurrency?: number;
  /** How the worker is named in progress lines and `farm status` (default host-pid). */
  name?: string;
  /**
   * How long an item stays this worker's without a heartbeat (ms). The lock is renewed every
   * half of it; a worker that stops renewing (killed, frozen) loses the item to another.
   */
  lockMs?: number;
  /** Told of each item's end, for the worker's own log lines. */
  onItem?: (report: WorkerItemReport) => void;
}

export type WorkerItemReport =
  | { ok: true; input: string; result: FarmResult }
  | { ok: false; input: string; error: StudioErrorInfo; final: boolean };

/** How many times an item steps aside for another worker after failing here. */
const MAX_STEP_ASIDE = 5;

/**
 * A farm worker: takes translate items from the queue and runs them with its own engine and
 * its own library. BullMQ keeps the item locked while it runs (the lock is the heartbeat);
 * an item whose worker died is taken over by another once the lock expires.
 */
export class FarmWorker {
  readonly name: string;
  private readonly threads: TranslateThreads;
  private worker: Worker | undefined;
  private queue: Queue | undefined;

  constructor(private readonly options: FarmWorkerOptions) {
    this.name = options.name ?? `${hostname()}-${process.pid}`;
    deviceChoice(options.device);
    this.threads = new TranslateThreads({
      name: this.name,
      device: options.device,
      home: options.library.home,
      cacheDir: options.library.cacheDir,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    });
  }

  /** Connects and starts taking items; resolves once the worker listens. */
  async start(): Promise<void> {
    const lockMs = this.options.lockMs ?? 30_000;
    const connection = this.options.redis.options;
    this.queue = new Queue(FARM_QUEUE, { connection, prefix: FARM_PREFIX });
    this.worker = new Worker(FARM_QUEUE, (job, token) => this.process(job, token), {
      connection,
      prefix: FARM_PREFIX,
      name: this.name,
      concurrency: this.options.concurrency ?? 1,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      // A kill -9 mid-item is a stall: the item goes back to the queue, up to the tries of a failure.
      maxStalledCount: FARM_ATTEMPTS,
      autorun: false,
    });
    this.worker.on('failed', (job, err) => {
      if (job === undefined || err instanceof DelayedError) return;
      const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      this.options.onItem?.({ ok: false, input: String((job.data as { input?: unknown }).input), error: decodeFailure(err.message), final });
    });
    // A lost connection is retried by ioredis; the error event must have a listener or it throws.
    this.worker.on('error', () => undefined);
    this.queue.on('error', () => undefined);
    try {
      await whenConnected(this.queue, this.options.redis);
      await whenConnected(this.worker, this.options.redis);
    } catch (err) {
      await this.close(true);
      throw err;
    }
    void this.worker.run().catch(() => undefined);
  }

  /** Graceful stop: the items in hand are finished (SIGTERM), nothing new is taken. */
  async close(force = false): Promise<void> {
    await this.worker?.close(force);
    await this.queue?.close();
    await this.threads.close();
  }

  private async process(job: Job, token: string | undefined): Promise<FarmResult> {
    let item: FarmItem;
    try {
      item = parseFarmItem(job.data);
    } catch (err) {
      throw new UnrecoverableError(encodeFailure(toErrorInfo(err), this.name));
    }
    if (await this.stepAside(job, item, token)) throw new DelayedError();
    try {
      if (await batchCancelled(await this.client(), item.batch)) throw new StudioError('CANCELLED', 'the batch was cancelled');
      const result = await this.translate(job, item, token);
      this.options.onItem?.({ ok: true, input: item.input, result });
      return result;
    } catch (err) {
      const info = toErrorInfo(err);
      // A bad image, a cancelled batch or a forged job fails the same everywhere: no retry.
      if (info.code === 'BAD_IMAGE' || info.code === 'CANCELLED' || info.code === 'BAD_ARGUMENT') {
        throw new UnrecoverableError(encodeFailure(info, this.name));
      }
      await job.updateData({ ...item, failedOn: [...item.failedOn, this.name] }).catch(() => undefined);
      throw new Error(encodeFailure(info, this.name));
    }
  }

  /**
   * An item that already failed here waits a moment for another worker, while there is one;
   * a batch with a single worker still gets all its tries.
   */
  private async stepAside(job: Job, item: FarmItem, token: string | undefined): Promise<boolean> {
    if (!item.failedOn.includes(this.name)) return false;
    if (item.asides >= MAX_STEP_ASIDE || this.queue === undefined) return false;
    const others = (await workerNames(this.queue).catch(() => [])).filter((w) => !item.failedOn.includes(w));
    if (others.length === 0) return false;
    await job.updateData({ ...item, asides: item.asides + 1 });
    await job.moveToDelayed(Date.now() + 250, token);
    return true;
  }

  private async client() {
    if (this.queue === undefined) throw new StudioError('INTERNAL', 'the worker is not started');
    return this.queue.backend.client;
  }

  private async translate(job: Job, item: FarmItem, token: string | undefined): Promise<FarmResult> {
    const started = performance.now();
    const report = (fraction: number, status: string): void => {
      const progress: FarmProgress = { fraction, status, worker: this.name };
      void job.updateProgress(progress).catch(() => undefined);
    };
    report(0, 'decoding');
    const input = await this.options.storage.read(item.input);
    const result = await this.threads.run(item, input, report);
    // An item this worker lost (it froze past its lock and another took it over) is not placed.
    if (token !== undefined && (await job.extendLock(token, this.options.lockMs ?? 30_000)) === 0) {
      throw new StudioError('CANCELLED', 'this worker lost the item to another (its lock expired)');
    }
    const placed = await this.options.storage.writeOnce({ dir: item.outDir, stem: item.stem, extension: result.extension, batch: item.batch, item: item.item }, result.bytes);
    return {
      output: placed.key,
      renamed: placed.renamed,
      already: placed.already,
      width: result.width,
      height: result.height,
      ms: performance.now() - started,
      provider: result.provider,
      fallbacks: result.fallbacks,
      notes: result.notes,
      worker: this.name,
    };
  }
}
