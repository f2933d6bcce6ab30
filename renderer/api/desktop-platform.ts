import type { StudioApi } from '../../electron/contract/ipc.js';
import type { Platform } from './platform.js';

/** What the preload bridge exposes beside the contract API. */
export interface DesktopBridge {
  studio: StudioApi;
  /** The host path of a dropped or picked file (Electron's webUtils.getPathForFile). */
  pathForFile(file: File): string;
}

/** The desktop app: the preload's `window.studio`; files are used where they are on disk. */
export function createDesktopPlatform(bridge: DesktopBridge): Platform {
  return {
    mode: 'desktop',
    api: bridge.studio,
    async prepareInputs(files) {
      // A dropped folder arrives as one entry whose path is the folder: the engine walks it.
      const paths = new Set<string>();
      for (const f of files) {
        const path = bridge.pathForFile(f.file);
        if (path !== '') paths.add(path);
      }
      return [...paths];
    },
    mediaUrl: (jobId, index, which, variant) => `studio-media://job/${jobId}/${index}/${which}?variant=${variant}`,
    downloadUrl: () => null,
    runMediaUrl: (runId, file) => `studio-media://run/${encodeURIComponent(runId)}/${encodeURIComponent(file)}`,
  };
}
