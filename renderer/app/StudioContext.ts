import { createContext, useContext } from 'react';
import type { ModelListing } from '../../electron/contract/ipc.js';
import type { Settings } from '../../electron/contract/settings.js';
import type { Platform } from '../api/platform.js';

export interface StudioContextValue {
  platform: Platform;
  settings: Settings | null;
  updateSettings(patch: Partial<Settings>): Promise<void>;
  /** The one model list every page reads (see useModelsStore); null while it loads. */
  library: ModelListing | null;
}

export const StudioContext = createContext<StudioContextValue | null>(null);

export function useStudio(): StudioContextValue {
  const value = useContext(StudioContext);
  if (value === null) throw new Error('useStudio outside <StudioContext>');
  return value;
}
