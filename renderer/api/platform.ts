import type { StudioApi } from '../../electron/contract/ipc.js';
import type { MediaVariant } from '../../electron/contract/wire.js';

/** A file the user dropped or picked, with its path inside what was dropped (folders keep theirs). */
export interface PickedFile {
  file: File;
  relativePath: string;
}

/**
 * What differs between the desktop app and browser mode, behind one interface: the contract
 * API, how picked files become engine inputs, and where images are shown from.
 */
export interface Platform {
  mode: 'desktop' | 'browser';
  api: StudioApi;
  /** Turns dropped or picked files into inputs for jobs:start or models:import. */
  prepareInputs(files: PickedFile[], onProgress?: (sent: number, total: number) => void): Promise<string[]>;
  /** URL of the engine's picture of an item's input or output: `thumb` for rows, `view` for the compare view. */
  mediaUrl(jobId: string, index: number, which: 'input' | 'output', variant: MediaVariant): string;
  /** URL that downloads an item's output, where downloads make sense (browser mode). */
  downloadUrl(jobId: string, index: number): string | null;
  /** URL of a training run's sample grid (its file name, e.g. `iter-0000100.png`). */
  runMediaUrl(runId: string, file: string): string;
}
