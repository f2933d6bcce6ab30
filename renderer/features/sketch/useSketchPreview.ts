import { useCallback, useRef, useState } from 'react';
import type { StudioApi } from '../../../electron/contract/ipc.js';
import type { Result, StudioErrorInfo } from '../../../electron/contract/result.js';

/** The output pane's picture and how it was made. */
export interface ShownPreview {
  image: string;
  width: number;
  height: number;
  /** Engine time for this output. */
  ms: number;
  provider: string;
  /** How many outputs this pane has shown, this one included. */
  shown: number;
  /** When the request for it was made for a finished stroke (or an undo, a clear...): performance.now(). */
  requestedAt: number | null;
}

type PreviewData = { superseded: true } | { superseded: false; image: string; width: number; height: number; ms: number; provider: string; notes: string[]; computed: number };
type PreviewRender = (args: { stream: string; model: string; source: { png: string } }) => Promise<Result<PreviewData>>;

/**
 * Live output for the sketch pad over the studio's preview channel, which computes newest
 * first: a request made while another is being computed replaces any that waited, and a
 * superseded one answers `superseded`, which is simply dropped here. The newest answer is
 * decoded before it is shown, so the pane never flashes an empty image.
 */
export function useSketchPreview(api: StudioApi, model: string | undefined) {
  const [shown, setShown] = useState<ShownPreview | null>(null);
  const [pending, setPending] = useState(0);
  const [error, setError] = useState<StudioErrorInfo | null>(null);
  const latest = useRef(0);
  const count = useRef(0);

  const request = useCallback(
    (png: string, requestedAt: number | null) => {
      if (model === undefined) return;
      const render = (api as unknown as { previewRender?: PreviewRender }).previewRender;
      if (render === undefined) return;
      const id = ++latest.current;
      setPending((n) => n + 1);
      void render({ stream: 'sketch', model, source: { png: png.slice(png.indexOf(',') + 1) } })
        .then(async (r) => {
          if (!r.ok) {
            if (id === latest.current) setError(r.error);
            return;
          }
          if (r.data.superseded || id !== latest.current) return;
          const data = r.data;
          const img = new Image();
          img.src = data.image;
          await img.decode().catch(() => undefined);
          // A newer answer may have arrived while this one decoded.
          if (id !== latest.current) return;
          setError(null);
          count.current += 1;
          setShown({ image: data.image, width: data.width, height: data.height, ms: data.ms, provider: data.provider, shown: count.current, requestedAt });
        })
        .finally(() => setPending((n) => n - 1));
    },
    [api, model],
  );

  return { shown, busy: pending > 0, error, request, clearError: () => setError(null) };
}
