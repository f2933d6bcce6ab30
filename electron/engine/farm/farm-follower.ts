import { Job, Queue, QueueEvents } from 'bullmq';
import { FARM_PREFIX, FARM_QUEUE, farmProgressSchema, farmResultSchema, type FarmProgress, type FarmResult } from './farm-item.js';
import { whenConnected, type FarmRedis } from './redis-connection.js';

export interface ItemWatch {
  progress(progress: FarmProgress): void;
  done(result: FarmResult): void;
  /** The item failed for good (its tries are used up, or it cannot succeed anywhere). */
  failed(reason: string | undefined): void;
}

/** Items looked up per poll. */
const POLL_CHUNK = 200;

/** A client's connection to the farm: the queue it adds to and the events it follows. */
export interface FarmConnection {
  queue: Queue;
  events: QueueEvents;
  close(): Promise<void>;
}

export async function connectFarm(redis: FarmRedis): Promise<FarmConnection> {
  const queue = new Queue(FARM_QUEUE, { connection: redis.options, prefix: FARM_PREFIX });
  const events = new QueueEvents(FARM_QUEUE, { connection: redis.options, prefix: FARM_PREFIX });
  // Lost connections are retried by ioredis; the error events must have listeners or they throw.
  queue.on('error', () => undefined);
  events.on('error', () => undefined);
  const close = async (): Promise<void> => {
    await events.close().catch(() => undefined);
    await queue.close().catch(() => undefined);
  };
  try {
    await whenConnected(queue, redis);
    await whenConnected(events, redis);
  } catch (err) {
    await close();
    throw err;
  }
  return { queue, events, close };
}

/**
 * Follows items by job id until each is done or failed for good: BullMQ's events are the fast
 * path, and a slow poll of the items still open catches what a Redis restart swallowed.
 */
export class FarmFollower {
  private readonly watches = new Map<string, ItemWatch>();
  private readonly timer: NodeJS.Timeout;
  private cursor = 0;
  private polling = false;

  constructor(
    private readonly farm: FarmConnection,
    pollMs = 2000,
  ) {
    farm.events.on('completed', ({ jobId, returnvalue }) => this.settle(jobId, parseResult(returnvalue)));
    farm.events.on('failed', ({ jobId, failedReason }) => this.settle(jobId, { ok: false, reason: failedReason }));
    farm.events.on('progress', ({ jobId, data }) => {
      const parsed = farmProgressSchema.safeParse(data);
      if (parsed.success) this.watches.get(jobId)?.progress(parsed.data);
    });
    this.timer = setInterval(() => void this.poll(), pollMs);
    this.timer.unref();
  }

  watch(jobId: string, watch: ItemWatch): void {
    this.watches.set(jobId, watch);
  }

  get open(): number {
    return this.watches.size;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private settle(jobId: string, result: { ok: true; value: FarmResult } | { ok: false; reason: string | undefined }): void {
    const watch = this.watches.get(jobId);
    if (watch === undefined) return;
    this.watches.delete(jobId);
    if (result.ok) watch.done(result.value);
    else watch.failed(result.reason);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const ids = [...this.watches.keys()];
      const from = ids.length === 0 ? 0 : this.cursor % ids.length;
      this.cursor = from + POLL_CHUNK;
      for (const id of ids.slice(from, from + POLL_CHUNK)) {
        const job = await Job.fromId(this.farm.queue, id).catch(() => undefined);
        if (job === undefined) continue;
        const state = await job.getState().catch(() => 'unknown');
        if (state === 'completed') this.settle(id, parseResult(job.returnvalue));
        else if (state === 'failed') this.settle(id, { ok: false, reason: job.failedReason });
      }
    } finally {
      this.polling = false;
    }
  }
}

function parseResult(value: unknown): { ok: true; value: FarmResult } | { ok: false; reason: string } {
  let data = value;
  if (typeof value === 'string') {
    try {
      data = JSON.parse(value);
    } catch {
      data = value;
    }
  }
  const parsed = farmResultSchema.safeParse(data);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: 'the worker returned a result this client does not understand' };
}
