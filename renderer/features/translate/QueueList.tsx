import { useEffect, useRef, useState } from 'react';
import Box from '@mui/material/Box';
import { QueueRow, QUEUE_ROW_HEIGHT, type QueueRowActions } from './QueueRow.js';
import type { QueueItem } from './batch-state.js';

/** Rows drawn beyond the visible ones on each side, so fast scrolling shows no gaps. */
const OVERSCAN = 6;

/**
 * The queue, windowed: only the rows in view (plus a few) are in the DOM, so a batch of
 * thousands of files costs the same to render and lay out as one of twenty.
 */
export function QueueList({ items, actions }: { items: QueueItem[]; actions: QueueRowActions }) {
  const viewport = useRef<HTMLUListElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(560);

  useEffect(() => {
    const el = viewport.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / QUEUE_ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / QUEUE_ROW_HEIGHT) + OVERSCAN);
  return (
    <Box
      component="ul"
      ref={viewport}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      sx={{ m: 0, p: 0, maxHeight: '60vh', overflow: 'auto', position: 'relative' }}
      data-testid="queue"
      aria-label="Queue"
    >
      <Box component="li" aria-hidden sx={{ listStyle: 'none', height: first * QUEUE_ROW_HEIGHT }} />
      {items.slice(first, last).map((item) => (
        <QueueRow key={item.key} item={item} actions={actions} />
      ))}
      <Box component="li" aria-hidden sx={{ listStyle: 'none', height: (items.length - last) * QUEUE_ROW_HEIGHT }} />
    </Box>
  );
}
