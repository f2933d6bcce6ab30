import { createContext, startTransition, useCallback, useContext, useEffect, useMemo, useReducer, useState, type Dispatch } from 'react';
import type { StudioApi, StudioJobEvent } from '../../../electron/contract/ipc.js';
import { useEventBuffer } from '../../api/useEventBuffer.js';
import { batchReducer, initialBatch, type BatchAction, type BatchState } from './batch-state.js';

/** Rows this tab cleared, kept for the tab's life so a reload does not bring them back. */
const CLEARED_KEY = 'gan-studio:cleared-rows';
function clearedRows(): Set<string> {
  try {
    return new Set(JSON.parse(sessionStorage.getItem(CLEARED_KEY) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
}

/** The Translate queue, shared with the Attributes page (which previews and resends its images). */
export interface BatchQueue {
  batch: BatchState;
  dispatch: Dispatch<BatchAction>;
  /** When events last arrived, for the ETA. */
  now: number;
}

export const BatchContext = createContext<BatchQueue | null>(null);

/** Owns the queue for the whole window, so it keeps receiving job events on every page. */
export function useBatchQueue(api: StudioApi): BatchQueue {
  const [batch, dispatchRaw] = useReducer(batchReducer, initialBatch);
  const [now, setNow] = useState(() => Date.now());
  // The queue is the studio's: a page opened (or reloaded) mid-batch lists what runs and what ended.
  useEffect(() => {
    void api.jobsList({}).then((r) => {
      if (r.ok) startTransition(() => dispatchRaw({ type: 'restored', jobs: r.data, skip: clearedRows(), now: Date.now() }));
    });
  }, [api]);
  const dispatch = useCallback(
    (action: BatchAction) => {
      if (action.type === 'clear-finished') {
        const cleared = clearedRows();
        for (const i of batch.items) if (i.status !== 'waiting' && i.status !== 'running') cleared.add(i.key);
        try {
          sessionStorage.setItem(CLEARED_KEY, JSON.stringify([...cleared]));
        } catch {
          // Storage refused (private mode): cleared rows may come back after a reload.
        }
      }
      dispatchRaw(action);
    },
    [batch.items],
  );
  // Queue updates are transitions: React renders them in small slices, so typing, dragging the
  // split or scrolling never waits behind a big batch update.
  useEventBuffer(api, 'jobs:event', (events: StudioJobEvent[]) => {
    const at = Date.now();
    startTransition(() => {
      dispatchRaw({ type: 'events', events, now: at });
      setNow(at);
    });
  });
  return useMemo(() => ({ batch, dispatch, now }), [batch, dispatch, now]);
}

export function useBatch(): BatchQueue {
  const value = useContext(BatchContext);
  if (value === null) throw new Error('useBatch outside <BatchContext>');
  return value;
}
