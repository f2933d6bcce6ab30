import { randomUUID } from 'node:crypto';
import type { JobItem, JobListing, JobStarted, StudioJobEvent } from '../contract/ipc.js';
import type { ItemResult } from '../contract/jobs.js';
import type { StudioErrorInfo } from '../contract/result.js';
import type { Result } from '../contract/result.js';
import type { ExpandedInputs, TranslateItemArgs } from '../engine/host/protocol.js';
import { pathExists } from '../engine/files/path-exists.js';

/** What every item of a batch is translated with (the engine's request, less the item). */
export type BatchSpec = Omit<TranslateItemArgs, 'jobId' | 'index' | 'input'>;

/** The engine as the JobManager needs it: one translation per request. */
export interface ItemTranslator {
  translate(args: TranslateItemArgs): Promise<Result<ItemResult>>;
}

/** A farm the Translate page's batches may run on (Settings > Farm). */
export interface FarmRoute {
  translator: ItemTranslator;
  /** Items sent to the farm at once: enough to keep its workers busy. */
  inFlight: number;
  /** A farm batch is over (its claims and staged inputs can go). */
  finished(jobId: string, outDir: string): void;
}

type ItemState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

interface Item {
  index: number;
  input: string;
  name: string;
  state: ItemState;
  output?: string;
  /** How many times the engine died while translating this item. */
  losses: number;
  /** Progress within the item, 0..1, while it runs. */
  within: number;
  /** The output name the engine announced just before placing the file there. */
  placing?: string;
  /** The running item's status line, and how a settled one went (for jobs:list). */
  status?: string;
  result?: { renamed: boolean; ms: number; provider: string };
  error?: StudioErrorInfo;
}

interface Job {
  id: string;
  spec: BatchSpec;
  items: Item[];
  started: number;
  queuedAt: number;
  announced: boolean;
  /** Items done, failed or cancelled: kept as a count so progress costs O(1) per event. */
  settled: number;
  /** Where the queue's first waiting item may be: everything before it is settled or running. */
  cursor: number;
  /** Runs on the farm instead of this machine's engine. */
  farm: boolean;
}

const SETTLED: ReadonlySet<ItemState> = new Set(['done', 'failed', 'cancelled']);

/** An item whose translation took the engine down this many times is failed, not retried. */
const MAX_ENGINE_LOSSES = 2;

/**
 * All batch state, keyed by job id, lives here in the studio process, never in the engine.
 * Items go to the engine one at a time, so when the engine dies only the item in flight is
 * affected: it goes back to the front of the queue, the restarted engine takes it, and items
 * already done are never sent again.
 */
export class JobManager {
  private readonly jobs = new Map<string, Job>();
  private readonly order: string[] = [];
  /** Items with the engine now (at most one) and with the farm now. */
  private readonly running = { engine: 0, farm: 0 };

  constructor(
    private readonly engine: ItemTranslator,
    private readonly emit: (event: StudioJobEvent) => void,
    private readonly onProvider: (provider: string, fallbacks: readonly { provider: string; reason: string }[]) => void = () => undefined,
    /** Where batches started with `farm` run; looked up when each item is sent. */
    private readonly farmRoute: () => FarmRoute | undefined = () => undefined,
  ) {}

  start(spec: BatchSpec, expanded: ExpandedInputs, options: { farm?: boolean } = {}): JobStarted {
    const id = randomUUID();
    const items: Item[] = [];
    for (const f of expanded.files) items.push({ index: items.length, input: f.path, name: f.name, state: 'queued', losses: 0, within: 0 });
    const failedEarly = expanded.errors.map((e) => ({
      item: { index: 0, input: e.path, name: e.name, state: 'failed', losses: 0, within: 0, error: { code: 'IO_ERROR', message: e.message } } satisfies Item as Item,
      message: e.message,
    }));
    for (const f of failedEarly) {
      f.item.index = items.length;
      items.push(f.item);
    }
    const job: Job = { id, spec, items, started: Date.now(), queuedAt: Date.now(), announced: false, settled: failedEarly.length, cursor: 0, farm: options.farm === true };
    this.jobs.set(id, job);
    this.order.push(id);
    this.emit({ type: 'queued', jobId: id, total: items.length });
    for (const f of failedEarly) {
      this.emit({ type: 'item-error', jobId: id, index: f.item.index, input: f.item.name, error: { code: 'IO_ERROR', message: f.message }, progress: this.progress(job) });
    }
    // Let the caller answer the page (which then knows the items) before the first event.
    setTimeout(() => this.pump(), 0);
    return { jobId: id, items: items.map((i): JobItem => ({ index: i.index, name: i.name })) };
  }

  cancel(jobId: string, index?: number): number {
    const job = this.jobs.get(jobId);
    if (job === undefined) return 0;
    const targets = job.items.filter((i) => i.state === 'queued' && (index === undefined || i.index === index));
    for (const item of targets) {
      this.setState(job, item, 'cancelled');
      this.emit({ type: 'item-cancelled', jobId, index: item.index });
    }
    if (index === undefined) {
      const count = (s: ItemState): number => job.items.filter((i) => i.state === s).length;
      this.emit({ type: 'cancelled', jobId, succeeded: count('done'), failed: count('failed'), remaining: targets.length });
    }
    this.finishIfIdle(job);
    return targets.length;
  }

  retry(jobId: string): number {
    const job = this.jobs.get(jobId);
    if (job === undefined) return 0;
    const again = job.items.filter((i) => i.state === 'failed' || i.state === 'cancelled');
    for (const item of again) {
      this.setState(job, item, 'queued');
      item.losses = 0;
      item.within = 0;
      item.error = undefined;
    }
    job.cursor = 0;
    if (again.length > 0) {
      this.emit({ type: 'retrying', jobId, indices: again.map((i) => i.index) });
      this.pump();
    }
    return again.length;
  }

  /** Every batch of this session, oldest first, with where each item stands. */
  list(): JobListing[] {
    const listing: JobListing[] = [];
    for (const id of this.order) {
      const job = this.jobs.get(id);
      if (job === undefined) continue;
      listing.push({
        jobId: job.id,
        model: job.spec.model,
        outDir: job.spec.outDir,
        queuedAt: job.queuedAt,
        items: job.items.map((i) => ({
          index: i.index,
          name: i.name,
          state: i.state,
          progress: i.state === 'running' ? i.within : SETTLED.has(i.state) ? 1 : 0,
          ...(i.state === 'running' && i.status !== undefined ? { status: i.status } : {}),
          ...(i.output === undefined ? {} : { output: i.output }),
          ...(i.result === undefined ? {} : i.result),
          ...(i.error === undefined ? {} : { error: i.error }),
        })),
      });
    }
    return listing;
  }

  /** Where a batch writes its outputs. */
  outDir(jobId: string): string | undefined {
    return this.jobs.get(jobId)?.spec.outDir;
  }

  /** The input or output file of an item, for the page's image views and downloads. */
  file(jobId: string, index: number, which: 'input' | 'output'): string | undefined {
    const item = this.jobs.get(jobId)?.items[index];
    return which === 'input' ? item?.input : item?.output;
  }

  /** Keeps the settled count in step with every state change. */
  private setState(job: Job, item: Item, state: ItemState): void {
    job.settled += (SETTLED.has(state) ? 1 : 0) - (SETTLED.has(item.state) ? 1 : 0);
    item.state = state;
  }

  /** Whole-job progress: settled items count fully, the running one by its own progress. */
  private progress(job: Job, running?: Item): number {
    if (job.items.length === 0) return 1;
    return (job.settled + (running?.state === 'running' ? running.within : 0)) / job.items.length;
  }

  itemProgress(jobId: string, index: number, within: number, status: string): void {
    const job = this.jobs.get(jobId);
    const item = job?.items[index];
    if (job === undefined || item === undefined || item.state !== 'running') return;
    item.within = within;
    item.status = status;
    this.emit({ type: 'item-progress', jobId, index, input: item.name, itemProgress: within, progress: this.progress(job, item), status });
  }

  itemPlacing(jobId: string, index: number, path: string): void {
    const item = this.jobs.get(jobId)?.items[index];
    if (item !== undefined && item.state === 'running') item.placing = path;
  }

  private next(): { job: Job; item: Item } | undefined {
    for (const id of this.order) {
      const job = this.jobs.get(id);
      if (job === undefined) continue;
      // The cursor only moves past items that are no longer waiting; requeues and retries reset it.
      while (job.cursor < job.items.length && job.items[job.cursor]?.state !== 'queued') job.cursor += 1;
      const item = job.items[job.cursor];
      if (item !== undefined) return { job, item };
    }
    return undefined;
  }

  /**
   * Sends waiting items, oldest batch first: one at a time to this machine's engine, up to the
   * farm's in-flight count to a farm. `run` marks its item running before it first waits, so
   * the next look finds the next item.
   */
  private pump(): void {
    for (let work = this.next(); work !== undefined; work = this.next()) {
      const where = work.job.farm ? 'farm' : 'engine';
      const limit = work.job.farm ? (this.farmRoute()?.inFlight ?? 1) : 1;
      if (this.running[where] >= limit) return;
      this.running[where] += 1;
      const settle = (): void => {
        this.running[where] -= 1;
        this.pump();
      };
      this.run(work.job, work.item).then(settle, settle);
    }
  }

  private async run(job: Job, item: Item): Promise<void> {
    if (!job.announced) {
      job.announced = true;
      job.started = Date.now();
      this.emit({ type: 'started', jobId: job.id, total: job.items.length, model: job.spec.model, device: job.spec.device });
    }
    this.setState(job, item, 'running');
    item.within = 0;
    item.placing = undefined;
    const farm = job.farm ? this.farmRoute() : undefined;
    const result =
      job.farm && farm === undefined
        ? { ok: false as const, error: { code: 'FARM_UNREACHABLE' as const, message: 'the farm in Settings is switched off or not set up, so this batch cannot run there' } }
        : await (farm?.translator ?? this.engine).translate({ jobId: job.id, index: item.index, input: item.input, ...job.spec });
    if (result.ok) {
      this.setState(job, item, 'done');
      item.output = result.data.output;
      this.onProvider(result.data.provider, result.data.fallbacks);
      const { renamed, ms, provider } = result.data;
      item.result = { renamed, ms, provider };
      this.emit({ type: 'item-done', jobId: job.id, index: item.index, input: item.name, ...result.data, progress: this.progress(job) });
    } else if (result.error.code === 'ENGINE_LOST' && item.placing !== undefined && (await pathExists(item.placing, 'link'))) {
      // The engine died between placing the output and saying so: the file is complete (it was
      // written aside and moved into place in one step), so translating again would duplicate it.
      this.setState(job, item, 'done');
      item.output = item.placing;
      item.result = { renamed: false, ms: 0, provider: 'unknown' };
      this.emit({ type: 'engine-lost', jobId: job.id, index: item.index, reason: result.error.message });
      this.emit({
        type: 'item-done',
        jobId: job.id,
        index: item.index,
        input: item.name,
        output: item.placing,
        renamed: false,
        notes: ['the engine stopped just after writing this file; it was kept, not translated again'],
        width: 0,
        height: 0,
        ms: 0,
        provider: 'unknown',
        fallbacks: [],
        progress: this.progress(job),
      });
    } else if (result.error.code === 'ENGINE_LOST' && item.losses < MAX_ENGINE_LOSSES) {
      // Back to the queue: the supervisor is restarting the engine and the next request waits for it.
      item.losses += 1;
      this.setState(job, item, 'queued');
      job.cursor = Math.min(job.cursor, item.index);
      this.emit({ type: 'engine-lost', jobId: job.id, index: item.index, reason: result.error.message });
    } else {
      this.setState(job, item, 'failed');
      const error =
        result.error.code === 'ENGINE_LOST'
          ? { ...result.error, message: `${item.name}: the engine stopped each time it translated this file`, detail: result.error.message }
          : result.error;
      item.error = error;
      this.emit({ type: 'item-error', jobId: job.id, index: item.index, input: item.name, error, progress: this.progress(job) });
    }
    this.finishIfIdle(job);
  }

  private finishIfIdle(job: Job): void {
    if (job.settled < job.items.length) return;
    if (job.farm && !job.items.some((i) => i.state === 'running')) this.farmRoute()?.finished(job.id, job.spec.outDir);
    const count = (s: ItemState): number => job.items.filter((i) => i.state === s).length;
    this.emit({ type: 'finished', jobId: job.id, succeeded: count('done'), failed: count('failed'), ms: Date.now() - job.started });
  }
}
