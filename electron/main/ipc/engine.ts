import type { StudioService } from '../../studio/studio-service.js';
import { handleChannels } from './handle.js';

/** The engine process's state. */
export function registerEngineIpc(service: StudioService): void {
  handleChannels(service, ['engine:status']);
}
