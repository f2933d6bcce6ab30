import type { StudioService } from '../../studio/studio-service.js';
import { handleChannels } from './handle.js';

/** Fine-tuning: folder checks, estimates, runs (start, pause, resume, stop, export, delete). */
export function registerTrainingIpc(service: StudioService): void {
  handleChannels(service, [
    'training:check',
    'training:estimate',
    'training:start',
    'training:pause',
    'training:resume',
    'training:stop',
    'training:export',
    'training:runs',
    'training:history',
    'training:delete',
  ]);
}
