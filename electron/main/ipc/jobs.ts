import type { StudioService } from '../../studio/studio-service.js';
import { handleChannels } from './handle.js';

/** Batches: start, cancel one or all, retry the failed. */
export function registerJobsIpc(service: StudioService): void {
  handleChannels(service, ['jobs:start', 'jobs:cancel', 'jobs:retry']);
}
