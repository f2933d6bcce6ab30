import type { StudioService } from '../../studio/studio-service.js';
import { handleDomain } from './handle.js';

/** Fine-tuning: folder checks, estimates, runs (start, pause, resume, stop, export, delete). */
export function registerTrainingIpc(service: StudioService): void {
  handleDomain(service, 'training');
}
