import type { StudioService } from '../../studio/studio-service.js';
import { handleDomain } from './handle.js';

/** The official catalog: list, download with progress, cancel. */
export function registerCatalogIpc(service: StudioService): void {
  handleDomain(service, 'catalog');
}
