import type { StudioJobEvent } from '../../contract/ipc.js';
import type { StudioLogger } from './studio-log.js';

/**
 * One line per batch event that a person reading the log after the fact needs: what was
 * asked, what each file became (or why it failed), and how the batch ended. Progress ticks are
 * left out (they are many and say nothing afterwards).
 */
export function logJobEvent(log: StudioLogger, event: StudioJobEvent): void {
  const job = { jobId: event.jobId };
  switch (event.type) {
    case 'queued':
      log.info({ ...job, total: event.total }, 'batch queued');
      return;
    case 'started':
      log.info({ ...job, total: event.total, model: event.model, device: event.device }, 'batch started');
      return;
    case 'item-done':
      log.info(
        { ...job, index: event.index, input: event.input, output: event.output, ms: Math.round(event.ms), provider: event.provider, ...(event.fallbacks.length > 0 ? { fallbacks: event.fallbacks } : {}), ...(event.notes.length > 0 ? { notes: event.notes } : {}) },
        'item translated',
      );
      return;
    case 'item-error':
      log.warn({ ...job, index: event.index, input: event.input, code: event.error.code, ...(event.error.detail === undefined ? {} : { detail: event.error.detail }) }, `item failed: ${event.error.message}`);
      return;
    case 'item-cancelled':
      log.info({ ...job, index: event.index }, 'item cancelled');
      return;
    case 'engine-lost':
      log.warn({ ...job, index: event.index, reason: event.reason }, 'the engine stopped while translating this item; it goes back to the queue');
      return;
    case 'retrying':
      log.info({ ...job, indices: event.indices }, 'retrying');
      return;
    case 'finished':
      log.info({ ...job, succeeded: event.succeeded, failed: event.failed, ms: event.ms }, 'batch finished');
      return;
    case 'cancelled':
      log.info({ ...job, succeeded: event.succeeded, failed: event.failed, remaining: event.remaining }, 'batch cancelled');
      return;
    case 'item-progress':
      return;
  }
}
