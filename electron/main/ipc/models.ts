import type { StudioService } from '../../studio/studio-service.js';
import { handleDomain } from './handle.js';

/** The model library: list, import, delete. */
export function registerModelsIpc(service: StudioService): void {
  handleDomain(service, 'models');
}
