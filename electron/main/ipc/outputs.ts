import type { StudioService } from '../../studio/studio-service.js';
import { handleChannels } from './handle.js';

/** Opening outputs in the system viewer or their folder. */
export function registerOutputsIpc(service: StudioService): void {
  handleChannels(service, ['outputs:open']);
}
