import { useCallback, useEffect, useState } from 'react';
import type { StudioApi } from '../../electron/contract/ipc.js';
import { trainFallbackNotice } from '../../electron/contract/training.js';

export interface EndNotice {
  key: number;
  message: string;
  severity: 'success' | 'warning' | 'error' | 'info';
  /** The batch it is about, for "Show output folder". */
  jobId?: string;
}

/**
 * What ended, said when it ends: a batch, a model download or a training run, finished or
 * failed. Always an in-app snackbar; in browser mode also a system notification through the
 * Notification API when the tab is in the background and the user allowed them (the desktop
 * app's main process shows its own).
 */
export function useEndNotices(api: StudioApi, browser: boolean): { notice: EndNotice | null; dismiss: () => void } {
  const [notice, setNotice] = useState<EndNotice | null>(null);
  const dismiss = useCallback(() => setNotice(null), []);
  useEffect(() => {
    let key = 0;
    // A cancelled batch still ends with `finished`: it is told as cancelled, with what was left.
    const cancelled = new Map<string, number>();
    const say = (n: Omit<EndNotice, 'key'>): void => {
      setNotice({ ...n, key: ++key });
      if (browser && typeof Notification !== 'undefined' && Notification.permission === 'granted' && document.hidden) new Notification('GAN Studio', { body: n.message });
    };
    const offs = [
      api.on('jobs:event', (e) => {
        if (e.type === 'cancelled') cancelled.set(e.jobId, e.remaining);
        if (e.type !== 'finished') return;
        const left = cancelled.get(e.jobId);
        cancelled.delete(e.jobId);
        const failed = e.failed > 0 ? `, ${e.failed} failed` : '';
        if (left !== undefined) say({ message: `Batch cancelled: ${e.succeeded} translated${failed}, ${left} not started`, severity: 'info', jobId: e.jobId });
        else say({ message: `Batch finished: ${e.succeeded} of ${e.succeeded + e.failed} translated${failed}`, severity: e.failed > 0 ? 'warning' : 'success', jobId: e.jobId });
      }),
      api.on('catalog:progress', (p) => {
        if (p.stage === 'done') say({ message: `${p.name} is installed`, severity: 'success' });
        else if (p.stage === 'failed') say({ message: `Download of ${p.name} failed: ${p.error?.message ?? 'unknown error'}`, severity: 'error' });
      }),
      api.on('training:event', ({ event }) => {
        if (event.type === 'train-finished') say({ message: event.status === 'completed' ? `Training finished after ${event.iteration} iterations` : `Training paused at iteration ${event.iteration}`, severity: event.status === 'completed' ? 'success' : 'info' });
        else if (event.type === 'train-error') say({ message: `Training stopped: ${event.error.message}`, severity: 'error' });
        // Not an end, but the user must know: the run goes on, slower, on the CPU.
        else if (event.type === 'train-fallback') say({ message: trainFallbackNotice(event.fallback), severity: 'warning' });
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [api, browser]);
  return { notice, dismiss };
}
