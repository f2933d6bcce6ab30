import type { StudioService } from '../../studio/studio-service.js';
import { handleDomain } from './handle.js';

/** Batches: start, cancel one or all, retry the failed. */
export function registerJobsIpc(service: StudioService): void {
  handleDomain(service, 'jobs');
}
