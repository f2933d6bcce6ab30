import type { StudioService } from '../../studio/studio-service.js';
import { handleChannels } from './handle.js';

/** Persisted settings. */
export function registerSettingsIpc(service: StudioService): void {
  handleChannels(service, ['settings:get', 'settings:set']);
}
