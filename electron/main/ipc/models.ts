import type { StudioService } from '../../studio/studio-service.js';
import { handleChannels } from './handle.js';

/** The model library: list, import, delete. */
export function registerModelsIpc(service: StudioService): void {
  handleChannels(service, ['models:list', 'models:import', 'models:delete']);
}
