import { useEffect, useRef } from 'react';
import type { EventChannel, EventChannels, StudioApi } from '../../electron/contract/ipc.js';

/** How often buffered events reach React state: fast enough to look live, rare enough to stay cheap. */
export const FLUSH_MS = 100;

/**
 * Subscribes to an event and hands the events to `flush` in batches about every 100 ms, so a
 * fast batch (hundreds of progress events a second) costs a few renders a second.
 */
export function useEventBuffer<E extends EventChannel>(api: StudioApi, event: E, flush: (events: EventChannels[E][]) => void): void {
  const flushRef = useRef(flush);
  flushRef.current = flush;
  useEffect(() => {
    let buffer: EventChannels[E][] = [];
    const off = api.on(event, (payload) => buffer.push(payload));
    const timer = setInterval(() => {
      if (buffer.length === 0) return;
      const events = buffer;
      buffer = [];
      flushRef.current(events);
    }, FLUSH_MS);
    return () => {
      off();
      clearInterval(timer);
    };
  }, [api, event]);
}
