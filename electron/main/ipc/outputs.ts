import type { StudioService } from '../../studio/studio-service.js';
import { handleDomain } from './handle.js';

/** Opening outputs in the system viewer or their folder. */
export function registerOutputsIpc(service: StudioService): void {
  handleDomain(service, 'outputs');
}
