import { createContext, startTransition, useContext, useMemo, useReducer, useState, type Dispatch } from 'react';
import type { StudioApi, StudioJobEvent } from '../../../electron/contract/ipc.js';
import { useEventBuffer } from '../../api/useEventBuffer.js';
import { batchReducer, initialBatch, type BatchAction, type BatchState } from './batch-state.js';

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
  const [batch, dispatch] = useReducer(batchReducer, initialBatch);
  const [now, setNow] = useState(() => Date.now());
  // Queue updates are transitions: React renders them in small slices, so typing, dragging the
  // split or scrolling never waits behind a big batch update.
  useEventBuffer(api, 'jobs:event', (events: StudioJobEvent[]) => {
    const at = Date.now();
    startTransition(() => {
      dispatch({ type: 'events', events, now: at });
      setNow(at);
    });
  });
  return useMemo(() => ({ batch, dispatch, now }), [batch, now]);
}

export function useBatch(): BatchQueue {
  const value = useContext(BatchContext);
  if (value === null) throw new Error('useBatch outside <BatchContext>');
  return value;
}
