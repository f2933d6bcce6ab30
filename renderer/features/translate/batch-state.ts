import type { JobItemState, JobListing, JobStarted, StudioJobEvent } from '../../../electron/contract/ipc.js';
import type { StudioErrorInfo } from '../../../electron/contract/result.js';

export type ItemStatus = 'waiting' | 'running' | 'done' | 'failed' | 'cancelled';

/** One queue row. Rows are replaced, never mutated, so unchanged rows skip re-rendering. */
export interface QueueItem {
  key: string;
  jobId: string;
  index: number;
  name: string;
  status: ItemStatus;
  itemProgress: number;
  statusLine: string;
  output?: string;
  renamed?: boolean;
  ms?: number;
  provider?: string;
  /** The farm worker that translated it (batches on a farm). */
  worker?: string;
  error?: StudioErrorInfo;
}

export interface BatchState {
  items: QueueItem[];
  /** Row position by key, for O(1) event application. */
  positions: Record<string, number>;
  /** When the current run of work began and how many items finished since, for the ETA. */
  activeSince: number | null;
  finishedSinceActive: number;
  engineNotice: { reason: string; at: number } | null;
}

export type BatchAction =
  | { type: 'added'; started: JobStarted }
  /** The studio's batches, as jobs:list gave them when the page opened (a reload mid-batch). */
  | { type: 'restored'; jobs: JobListing[]; skip: ReadonlySet<string>; now: number }
  | { type: 'events'; events: StudioJobEvent[]; now: number }
  | { type: 'clear-finished' }
  | { type: 'dismiss-engine-notice' };

export const initialBatch: BatchState = { items: [], positions: {}, activeSince: null, finishedSinceActive: 0, engineNotice: null };

export const keyOf = (jobId: string, index: number): string => `${jobId}:${index}`;

const RESTORED_STATUS: Record<JobItemState['state'], ItemStatus> = { queued: 'waiting', running: 'running', done: 'done', failed: 'failed', cancelled: 'cancelled' };

function restoredItem(jobId: string, i: JobItemState): QueueItem {
  const status = RESTORED_STATUS[i.state];
  return {
    key: keyOf(jobId, i.index),
    jobId,
    index: i.index,
    name: i.name,
    status,
    itemProgress: i.progress,
    statusLine: status === 'running' ? (i.status ?? 'translating') : status,
    ...(i.output === undefined ? {} : { output: i.output }),
    ...(i.renamed === undefined ? {} : { renamed: i.renamed }),
    ...(i.ms === undefined ? {} : { ms: i.ms }),
    ...(i.provider === undefined ? {} : { provider: i.provider }),
    ...(i.error === undefined ? {} : { error: i.error }),
  };
}

function reindex(items: QueueItem[]): Record<string, number> {
  const positions: Record<string, number> = {};
  items.forEach((item, i) => (positions[item.key] = i));
  return positions;
}

export function batchReducer(state: BatchState, action: BatchAction): BatchState {
  switch (action.type) {
    case 'added': {
      const known = new Set(state.items.map((i) => i.key));
      const added = action.started.items
        .map((i): QueueItem => ({ key: keyOf(action.started.jobId, i.index), jobId: action.started.jobId, index: i.index, name: i.name, status: 'waiting', itemProgress: 0, statusLine: 'waiting' }))
        .filter((i) => !known.has(i.key));
      const items = [...state.items, ...added];
      return { ...state, items, positions: reindex(items), activeSince: state.activeSince ?? Date.now() };
    }
    case 'restored': {
      // Rows the page already has are newer (events may have come first); cleared ones stay cleared.
      const known = new Set(state.items.map((i) => i.key));
      const restored = action.jobs.flatMap((job) => job.items.map((i) => restoredItem(job.jobId, i))).filter((i) => !known.has(i.key) && !action.skip.has(i.key));
      if (restored.length === 0) return state;
      const items = [...restored, ...state.items];
      const busy = items.some((i) => i.status === 'waiting' || i.status === 'running');
      return { ...state, items, positions: reindex(items), activeSince: state.activeSince ?? (busy ? action.now : null) };
    }
    case 'clear-finished': {
      const items = state.items.filter((i) => i.status === 'waiting' || i.status === 'running');
      return { ...state, items, positions: reindex(items), finishedSinceActive: 0, activeSince: items.length > 0 ? state.activeSince : null };
    }
    case 'dismiss-engine-notice':
      return { ...state, engineNotice: null };
    case 'events':
      return applyEvents(state, action.events, action.now);
  }
}

function applyEvents(state: BatchState, events: StudioJobEvent[], now: number): BatchState {
  let items: QueueItem[] | undefined;
  let finished = state.finishedSinceActive;
  let engineNotice = state.engineNotice;
  let activeSince = state.activeSince;
  const update = (jobId: string, index: number, patch: (item: QueueItem) => QueueItem): void => {
    const at = state.positions[keyOf(jobId, index)];
    if (at === undefined) return;
    items ??= [...state.items];
    items[at] = patch(items[at] as QueueItem);
  };
  for (const e of events) {
    switch (e.type) {
      case 'item-progress':
        activeSince ??= now;
        update(e.jobId, e.index, (i) => ({ ...i, status: 'running', itemProgress: e.itemProgress, statusLine: e.status }));
        break;
      case 'item-done':
        finished += 1;
        update(e.jobId, e.index, (i) => ({ ...i, status: 'done', itemProgress: 1, statusLine: 'done', output: e.output, renamed: e.renamed, ms: e.ms, provider: e.provider, ...(e.worker === undefined ? {} : { worker: e.worker }) }));
        break;
      case 'item-error':
        finished += 1;
        update(e.jobId, e.index, (i) => ({ ...i, status: 'failed', itemProgress: 1, statusLine: 'failed', error: e.error }));
        break;
      case 'item-cancelled':
        finished += 1;
        update(e.jobId, e.index, (i) => ({ ...i, status: 'cancelled', statusLine: 'cancelled' }));
        break;
      case 'retrying':
        activeSince = now;
        finished = 0;
        for (const index of e.indices) {
          update(e.jobId, index, (i) => {
            const { error: _error, ...rest } = i;
            return { ...rest, status: 'waiting', itemProgress: 0, statusLine: 'waiting' };
          });
        }
        break;
      case 'engine-lost':
        engineNotice = { reason: e.reason, at: now };
        update(e.jobId, e.index, (i) => ({ ...i, status: 'waiting', itemProgress: 0, statusLine: 'engine restarting; will be translated again' }));
        break;
      default:
        break;
    }
  }
  if (items === undefined && finished === state.finishedSinceActive && engineNotice === state.engineNotice && activeSince === state.activeSince) return state;
  return { ...state, items: items ?? state.items, finishedSinceActive: finished, engineNotice, activeSince };
}

export interface BatchSummary {
  total: number;
  done: number;
  failed: number;
  cancelled: number;
  running: number;
  waiting: number;
  progress: number;
  etaMs: number | null;
}

export function summarize(state: BatchState, now: number): BatchSummary {
  const s: BatchSummary = { total: state.items.length, done: 0, failed: 0, cancelled: 0, running: 0, waiting: 0, progress: 0, etaMs: null };
  let partial = 0;
  for (const i of state.items) {
    if (i.status === 'done') s.done += 1;
    else if (i.status === 'failed') s.failed += 1;
    else if (i.status === 'cancelled') s.cancelled += 1;
    else if (i.status === 'running') {
      s.running += 1;
      partial += i.itemProgress;
    } else s.waiting += 1;
  }
  const finished = s.done + s.failed + s.cancelled;
  s.progress = s.total === 0 ? 0 : (finished + partial) / s.total;
  const remaining = s.waiting + s.running;
  if (remaining > 0 && state.activeSince !== null && state.finishedSinceActive > 0) {
    s.etaMs = ((now - state.activeSince) / state.finishedSinceActive) * remaining;
  }
  return s;
}
