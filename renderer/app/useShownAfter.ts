import { useEffect, useState } from 'react';

/** How long a live preview may take before its busy indicator appears. */
export const BUSY_SHOWN_AFTER_MS = 300;

/**
 * `on`, but only once it has stayed on for `delayMs`: a busy indicator for work that is
 * usually quick (a live preview) appears only when the wait is long enough to notice. A
 * flash of it would be noise, and on a small machine its animation takes processor time
 * from the very work it waits for.
 */
export function useShownAfter(on: boolean, delayMs: number): boolean {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!on) {
      setShown(false);
      return;
    }
    const timer = setTimeout(() => setShown(true), delayMs);
    return () => clearTimeout(timer);
  }, [on, delayMs]);
  return on && shown;
}
