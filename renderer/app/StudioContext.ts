import { createContext, useContext } from 'react';
import type { AppInfo, ModelListing } from '../../electron/contract/ipc.js';
import type { Settings } from '../../electron/contract/settings.js';
import type { Platform } from '../api/platform.js';

export interface StudioContextValue {
  platform: Platform;
  settings: Settings | null;
  updateSettings(patch: Partial<Settings>): Promise<void>;
  /** Picks the output folder: the system's dialog (desktop) or the folder browser (browser mode). */
  chooseOutputFolder(): Promise<void>;
  info: AppInfo | null;
  /** Opens the logs folder (desktop app). */
  openLogs(): Promise<void>;
  /** The one model list every page reads (see useModelsStore); null while it loads. */
  library: ModelListing | null;
}

export const StudioContext = createContext<StudioContextValue | null>(null);

export function useStudio(): StudioContextValue {
  const value = useContext(StudioContext);
  if (value === null) throw new Error('useStudio outside <StudioContext>');
  return value;
}
