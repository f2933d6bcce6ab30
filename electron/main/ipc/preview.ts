import type { StudioService } from '../../studio/studio-service.js';
import { handleChannels } from './handle.js';

/** Live previews (attribute sliders, the sketch pad): newest request per stream wins. */
export function registerPreviewIpc(service: StudioService): void {
  handleChannels(service, ['preview:render']);
}
