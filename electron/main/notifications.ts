import { Notification, type BrowserWindow } from 'electron';
import type { EventChannels } from '../contract/ipc.js';

/**
 * System notifications when a batch, a download or a training run ends or fails, shown when
 * the window is not in front (the page's own snackbar covers the rest). Clicking one brings
 * the window back.
 */
export function notifyEnd<E extends keyof EventChannels>(event: E, payload: EventChannels[E], win: BrowserWindow | null): void {
  const words = endWords(event, payload);
  if (words === null || !Notification.isSupported()) return;
  if (win !== null && !win.isDestroyed() && win.isFocused()) return;
  const note = new Notification({ title: words.title, body: words.body, silent: false });
  note.on('click', () => {
    if (win === null || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  });
  note.show();
}

function endWords<E extends keyof EventChannels>(event: E, payload: EventChannels[E]): { title: string; body: string } | null {
  if (event === 'jobs:event') {
    const e = payload as EventChannels['jobs:event'];
    if (e.type === 'finished') return { title: e.failed > 0 ? 'Batch finished with failures' : 'Batch finished', body: `${e.succeeded} translated${e.failed > 0 ? `, ${e.failed} failed` : ''}` };
    return null;
  }
  if (event === 'catalog:progress') {
    const p = payload as EventChannels['catalog:progress'];
    if (p.stage === 'done') return { title: 'Model installed', body: p.name };
    if (p.stage === 'failed') return { title: 'Download failed', body: `${p.name}: ${p.error?.message ?? 'unknown error'}` };
    return null;
  }
  if (event === 'training:event') {
    const { event: t } = payload as EventChannels['training:event'];
    if (t.type === 'train-finished' && t.status === 'completed') return { title: 'Training finished', body: `${t.iteration} iterations` };
    if (t.type === 'train-error') return { title: 'Training stopped', body: t.error.message };
  }
  return null;
}
