import { useEffect, useState } from 'react';
import type { ModelListing, StudioApi } from '../../electron/contract/ipc.js';
import type { StudioErrorInfo } from '../../electron/contract/result.js';

/**
 * The library as every page sees it (through StudioContext): listed once, replaced by the
 * list the studio sends after each change (import, download, delete, export), and listed
 * again when the window comes back to the front, since `gan-studio import` or `download`
 * may have changed it meanwhile. Null until the first list arrives.
 */
export function useModelsStore(api: StudioApi, onError: (error: StudioErrorInfo) => void): ModelListing | null {
  const [listing, setListing] = useState<ModelListing | null>(null);
  useEffect(() => {
    let live = true;
    // A list asked for before a change arrived may predate it: only the newest one is shown.
    let changes = 0;
    const load = (): void => {
      const seen = changes;
      void api.modelsList({}).then((r) => {
        if (!live || seen !== changes) return;
        if (r.ok) setListing(r.data);
        else onError(r.error);
      });
    };
    const off = api.on('models:changed', (next) => {
      changes += 1;
      setListing(next);
    });
    load();
    window.addEventListener('focus', load);
    return () => {
      live = false;
      off();
      window.removeEventListener('focus', load);
    };
  }, [api, onError]);
  return listing;
}
