import { StudioError } from '../engine/errors.js';
import { FarmWorker, SharedFolderStorage, cancelFarmBatch, farmRedis, farmStatus, runFarmBatch, type WorkerItemReport } from '../engine/farm/index.js';
import type { ModelLibrary } from '../engine/library/index.js';
import { processLogger } from '../engine/logging/index.js';
import type { SessionManager } from '../engine/runtime/index.js';
import { formatTable } from './table.js';
import { batchSpec, memoryOptions, runBatchCommand, type TranslateCliOptions } from './translate-command.js';

/** The environment variable naming the shared folder when --shared is not given. */
export const SHARED_ENV = 'GAN_FARM_SHARED';

export interface FarmCliOptions {
  redis?: string;
  shared?: string;
}

export interface WorkerCliOptions extends FarmCliOptions {
  device: string;
  concurrency?: number;
  threads?: number;
  name?: string;
  lockMs?: number;
}

/** translate's options, less what a farm's workers decide for themselves (device) or do not offer. */
export type FarmTranslateCliOptions = FarmCliOptions & Omit<TranslateCliOptions, 'device' | 'overwrite' | 'sweep'>;

async function sharedStorage(options: FarmCliOptions): Promise<SharedFolderStorage> {
  const root = options.shared ?? process.env[SHARED_ENV];
  if (root === undefined || root === '') {
    throw new StudioError('BAD_ARGUMENT', `no shared folder: pass --shared DIR (the folder every worker mounts) or set ${SHARED_ENV}`);
  }
  return SharedFolderStorage.open(root);
}

/** `gan-studio worker`: takes items until SIGTERM or Ctrl+C, which finish the items in hand. */
export async function workerCommand(options: WorkerCliOptions, library: ModelLibrary): Promise<number> {
  const redis = farmRedis(options.redis);
  const storage = await sharedStorage(options);
  const worker = new FarmWorker({
    redis,
    storage,
    library,
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    device: options.device,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.lockMs === undefined ? {} : { lockMs: options.lockMs }),
    onItem: (report) => process.stderr.write(`${itemLine(report)}\n`),
  });
  await worker.start();
  process.stderr.write(`worker ${worker.name} takes items from ${redis.shown} (${storage.description}); SIGTERM or Ctrl+C stops it after the items in hand\n`);
  processLogger().info({ worker: worker.name, redis: redis.shown }, 'farm worker started');
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.stderr.write(`worker ${worker.name} stopping after the items in hand (again to stop at once)...\n`);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await worker.close();
  process.stderr.write(`worker ${worker.name} stopped\n`);
  return 0;
}

function itemLine(report: WorkerItemReport): string {
  if (report.ok) {
    const r = report.result;
    return `ok    ${report.input} -> ${r.output} (${r.width}x${r.height}, ${Math.round(r.ms)} ms, ${r.provider}${r.already ? ', written before by another attempt' : ''})`;
  }
  return `FAIL  ${report.input}: ${report.error.message}${report.final ? '' : ' (to be retried)'}`;
}

/** `gan-studio farm translate`: translate's progress, summary and exit codes, on the farm. */
export async function farmTranslateCommand(
  inputs: string[],
  options: FarmTranslateCliOptions,
  deps: { library: ModelLibrary; sessions: SessionManager },
): Promise<number> {
  const redis = farmRedis(options.redis);
  const storage = await sharedStorage(options);
  return runBatchCommand(
    options.json === true,
    (onEvent, signal) =>
      runFarmBatch(
        { ...batchSpec(inputs, options), ...memoryOptions(options) },
        { ...deps, redis, storage },
        onEvent,
        signal,
      ),
    (event) => {
      if (event.type === 'queued') process.stderr.write(`batch ${event.jobId}: ${event.total} file(s) to the farm at ${redis.shown} (gan-studio farm cancel ${event.jobId} stops it)\n`);
    },
  );
}

export async function farmStatusCommand(options: FarmCliOptions & { json?: boolean }): Promise<number> {
  const redis = farmRedis(options.redis);
  const status = await farmStatus(redis);
  if (options.json === true) {
    process.stdout.write(`${JSON.stringify(status)}\n`);
    return 0;
  }
  const c = status.counts;
  const lines = [
    `farm at ${redis.shown}: ${status.workers.length} worker(s)${status.workers.length > 0 ? `: ${status.workers.join(', ')}` : ''}`,
    `items: ${c['waiting'] ?? 0} waiting, ${c['active'] ?? 0} running, ${c['delayed'] ?? 0} to retry, ${c['completed'] ?? 0} done, ${c['failed'] ?? 0} failed`,
  ];
  if (status.batches.length === 0) lines.push('no batch is running');
  else {
    lines.push(
      formatTable(
        ['batch', 'model', 'files', 'done', 'failed', 'running', 'waiting', 'started', ''],
        status.batches.map((b) => [b.id, b.model, String(b.total), String(b.done), String(b.failed), String(b.active), String(b.waiting), b.created, b.cancelled ? 'cancelled' : '']),
      ),
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

export async function farmCancelCommand(batch: string, options: FarmCliOptions): Promise<number> {
  const redis = farmRedis(options.redis);
  const { removed } = await cancelFarmBatch(redis, batch);
  process.stderr.write(`batch ${batch} cancelled: ${removed} waiting item(s) removed; items a worker holds now finish there\n`);
  return 0;
}
