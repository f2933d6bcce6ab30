import type { IRedisClient, Queue } from 'bullmq';
import { FARM_PREFIX, itemJobId } from './farm-item.js';

/** A batch as `farm status` lists it: kept in Redis beside the queue, until its items expire. */
export interface BatchRecord {
  id: string;
  total: number;
  model: string;
  /** Key of the output folder in the shared storage. */
  outDir: string;
  created: string;
  cancelled: boolean;
}

/** How long a batch's record (and its finished items) stay in Redis: a week. */
export const BATCH_KEEP_S = 7 * 24 * 3600;

const batchKey = (id: string): string => `${FARM_PREFIX}:batch:${id}`;

export async function recordBatch(client: IRedisClient, batch: Omit<BatchRecord, 'cancelled'>): Promise<void> {
  await client.hset(batchKey(batch.id), { total: batch.total, model: batch.model, outDir: batch.outDir, created: batch.created, cancelled: 0 });
}

export async function readBatch(client: IRedisClient, id: string): Promise<BatchRecord | undefined> {
  const fields = await client.hgetall(batchKey(id));
  if (fields['total'] === undefined) return undefined;
  return {
    id,
    total: Number(fields['total']),
    model: fields['model'] ?? '',
    outDir: fields['outDir'] ?? '',
    created: fields['created'] ?? '',
    cancelled: fields['cancelled'] === '1',
  };
}

export async function listBatches(client: IRedisClient): Promise<BatchRecord[]> {
  const ids: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, { MATCH: batchKey('*'), COUNT: 500 });
    cursor = next;
    for (const key of keys) ids.push(key.slice(batchKey('').length));
  } while (cursor !== '0');
  const batches = await Promise.all(ids.map((id) => readBatch(client, id)));
  return batches.filter((b): b is BatchRecord => b !== undefined).sort((a, b) => a.created.localeCompare(b.created));
}

/** Workers check this before each item, so a cancelled batch stops on every machine. */
export async function batchCancelled(client: IRedisClient, id: string): Promise<boolean> {
  return (await client.hget(batchKey(id), 'cancelled')) === '1';
}

export async function markCancelled(client: IRedisClient, id: string): Promise<void> {
  await client.hset(batchKey(id), { cancelled: 1 });
}

/**
 * Marks a batch cancelled and removes its items that wait; an item a worker holds now finishes
 * there (workers check the mark before each item). Returns how many were removed.
 */
export async function cancelItems(queue: Queue, batch: string, items: Iterable<number>): Promise<number> {
  await markCancelled(await queue.backend.client, batch);
  let removed = 0;
  for (const index of items) removed += await queue.remove(itemJobId(batch, index)).catch(() => 0);
  return removed;
}

export async function forgetBatch(client: IRedisClient, id: string): Promise<void> {
  await client.del(batchKey(id));
}

/** The names of the workers connected to the queue now (BullMQ names each worker's connections). */
export async function workerNames(queue: Queue): Promise<string[]> {
  const clients = await queue.getWorkers();
  const names = new Set<string>();
  for (const c of clients) {
    const raw = String(c['rawname'] ?? '');
    const at = raw.indexOf(':w:');
    if (at >= 0) names.add(raw.slice(at + 3));
  }
  return [...names].sort();
}
