import type { StudioService } from '../../studio/studio-service.js';
import { handleDomain } from './handle.js';

/** The sketch pad: edges from a picture, saving a drawing with its translation, the examples. */
export function registerSketchIpc(service: StudioService): void {
  handleDomain(service, 'sketch');
}
