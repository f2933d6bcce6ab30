import { describe, expect, it } from 'vitest';
import type { StudioJobEvent } from '../../../../electron/contract/ipc.js';
import { batchReducer, initialBatch, summarize, type BatchState } from '../batch-state.js';

const jobId = 'job-1';
const started = (n: number): BatchState =>
  batchReducer(initialBatch, { type: 'added', started: { jobId, items: Array.from({ length: n }, (_, i) => ({ index: i, name: `p${i}.jpg` })) } });
const apply = (state: BatchState, events: StudioJobEvent[], now = 1000): BatchState => batchReducer(state, { type: 'events', events, now });
const done = (index: number): StudioJobEvent => ({
  type: 'item-done', jobId, index, input: `p${index}.jpg`, output: `/out/p${index}.jpg`, renamed: false, notes: [], width: 8, height: 8, ms: 5, progress: 0, provider: 'cpu', fallbacks: [],
});

describe('the queue reducer', () => {
  it('moves rows through waiting, running and done, replacing only the rows that changed', () => {
    const queued = started(3);
    expect(queued.items.map((i) => i.status)).toEqual(['waiting', 'waiting', 'waiting']);
    const running = apply(queued, [{ type: 'item-progress', jobId, index: 0, input: 'p0.jpg', itemProgress: 0.5, progress: 0.1, status: 'translating' }]);
    expect(running.items[0]).toMatchObject({ status: 'running', itemProgress: 0.5, statusLine: 'translating' });
    // Untouched rows keep their identity, so memoised rows do not re-render.
    expect(running.items[1]).toBe(queued.items[1]);
    const finished = apply(running, [done(0), { type: 'item-error', jobId, index: 1, input: 'p1.jpg', error: { code: 'BAD_IMAGE', message: 'p1.jpg: truncated' }, progress: 0 }]);
    expect(finished.items.map((i) => i.status)).toEqual(['done', 'failed', 'waiting']);
    expect(finished.items[1]?.error?.code).toBe('BAD_IMAGE');
    expect(apply(finished, [{ type: 'finished', jobId, succeeded: 1, failed: 1, ms: 10 }])).toBe(finished);
  });

  it('puts a row back in the queue when the engine is lost, and failed rows back on retry', () => {
    let state = apply(started(2), [{ type: 'item-progress', jobId, index: 0, input: 'p0.jpg', itemProgress: 0.3, progress: 0.1, status: 'translating' }]);
    state = apply(state, [{ type: 'engine-lost', jobId, index: 0, reason: 'killed by SIGKILL' }]);
    expect(state.items[0]).toMatchObject({ status: 'waiting', itemProgress: 0 });
    expect(state.engineNotice?.reason).toBe('killed by SIGKILL');
    state = apply(state, [{ type: 'item-error', jobId, index: 1, input: 'p1.jpg', error: { code: 'BAD_IMAGE', message: 'x' }, progress: 0 }]);
    state = apply(state, [{ type: 'retrying', jobId, indices: [1] }]);
    expect(state.items[1]).toMatchObject({ status: 'waiting' });
    expect(state.items[1]?.error).toBeUndefined();
  });

  it('summarises progress and estimates the time left from the pace so far', () => {
    let state = started(4);
    state = { ...state, activeSince: 0 };
    state = apply(state, [done(0), done(1), { type: 'item-progress', jobId, index: 2, input: 'p2.jpg', itemProgress: 0.5, progress: 0, status: 'writing' }], 2000);
    const summary = summarize(state, 2000);
    expect(summary).toMatchObject({ total: 4, done: 2, running: 1, waiting: 1 });
    expect(summary.progress).toBeCloseTo(2.5 / 4);
    // Two items in 2 s: the two left take about 2 s more.
    expect(summary.etaMs).toBeCloseTo(2000);
    const cleared = batchReducer(state, { type: 'clear-finished' });
    expect(cleared.items.map((i) => i.index)).toEqual([2, 3]);
  });
});
