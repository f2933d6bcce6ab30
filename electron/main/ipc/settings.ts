import type { StudioService } from '../../studio/studio-service.js';
import { handleDomain } from './handle.js';

/** Persisted settings. */
export function registerSettingsIpc(service: StudioService): void {
  handleDomain(service, 'settings');
}
