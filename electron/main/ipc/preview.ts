import type { StudioService } from '../../studio/studio-service.js';
import { handleDomain } from './handle.js';

/** Live previews (attribute sliders, the sketch pad): newest request per stream wins. */
export function registerPreviewIpc(service: StudioService): void {
  handleDomain(service, 'preview');
}
