import type { StudioService } from '../../studio/studio-service.js';
import { handleChannels } from './handle.js';

/** The official catalog: list, download with progress, cancel. */
export function registerCatalogIpc(service: StudioService): void {
  handleChannels(service, ['catalog:list', 'catalog:download', 'catalog:cancel']);
}
