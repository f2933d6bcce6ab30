import type { StudioService } from '../../studio/studio-service.js';
import { handleDomain } from './handle.js';

/** The engine process's state. */
export function registerEngineIpc(service: StudioService): void {
  handleDomain(service, 'engine');
}
