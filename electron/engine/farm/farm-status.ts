import { Queue } from 'bullmq';
import { StudioError } from '../errors.js';
import { cancelItems, listBatches, readBatch, workerNames, type BatchRecord } from './farm-batches.js';
import { FARM_PREFIX, FARM_QUEUE, itemJobId } from './farm-item.js';
import { whenConnected, type FarmRedis } from './redis-connection.js';

export interface BatchStatus extends BatchRecord {
  done: number;
  failed: number;
  active: number;
  waiting: number;
}

export interface FarmStatus {
  workers: string[];
  counts: Record<string, number>;
  batches: BatchStatus[];
}

async function withQueue<T>(redis: FarmRedis, work: (queue: Queue) => Promise<T>): Promise<T> {
  const queue = new Queue(FARM_QUEUE, { connection: redis.options, prefix: FARM_PREFIX });
  queue.on('error', () => undefined);
  try {
    await whenConnected(queue, redis);
    return await work(queue);
  } finally {
    await queue.close().catch(() => undefined);
  }
}

/** The workers connected now, the queue's counts and each running batch's progress. */
export function farmStatus(redis: FarmRedis): Promise<FarmStatus> {
  return withQueue(redis, async (queue) => {
    const workers = await workerNames(queue);
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    const batches: BatchStatus[] = [];
    for (const batch of await listBatches(await queue.backend.client)) {
      const tally = { done: 0, failed: 0, active: 0, waiting: 0 };
      for (let i = 0; i < batch.total; i += 200) {
        const ids = Array.from({ length: Math.min(200, batch.total - i) }, (_, k) => itemJobId(batch.id, i + k));
        for (const state of await Promise.all(ids.map((id) => queue.getJobState(id)))) {
          if (state === 'completed') tally.done += 1;
          else if (state === 'failed') tally.failed += 1;
          else if (state === 'active') tally.active += 1;
          else if (state !== 'unknown') tally.waiting += 1;
        }
      }
      batches.push({ ...batch, ...tally });
    }
    return { workers, counts, batches };
  });
}

/** Stops a batch on every worker: its waiting items are removed, the ones in hand finish. */
export function cancelFarmBatch(redis: FarmRedis, id: string): Promise<{ removed: number }> {
  return withQueue(redis, async (queue) => {
    const batch = await readBatch(await queue.backend.client, id);
    if (batch === undefined) throw new StudioError('BAD_ARGUMENT', `no running farm batch "${id}" (gan-studio farm status lists them)`);
    return { removed: await cancelItems(queue, id, Array.from({ length: batch.total }, (_, i) => i)) };
  });
}
