import { useCallback, useEffect, useRef, useState } from 'react';
import { useLivePreview, type LivePreviewRequest } from '../live/useLivePreview.js';

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
  /** performance.now() of the user action it answers (a stroke's pointerup, an undo...); null for mid-stroke previews. */
  requestedAt: number | null;
}

/**
 * The sketch pad's side of the shared live preview (`useLivePreview`, newest request wins in
 * the studio): sends the canvas as PNG, remembers which user action each request answers, and
 * decodes each answer before showing it, so the pane never flashes an empty picture and the
 * latency readout ends when the picture can actually be painted.
 */
export function useSketchPreview(model: string | undefined, size: number) {
  const live = useLivePreview('sketch');
  const { render, frame } = live;
  const actions = useRef(new WeakMap<LivePreviewRequest, number>());
  const [shown, setShown] = useState<ShownPreview | null>(null);
  const count = useRef(0);

  const request = useCallback(
    (png: string, requestedAt: number | null) => {
      if (model === undefined || png === '') return;
      const req: LivePreviewRequest = {
        model,
        source: { png: png.slice(png.indexOf(',') + 1) },
        // Mid-stroke previews of big canvases may come at half size; the one after the stroke is full size.
        ...(requestedAt === null && size > 128 ? { maxSide: Math.max(128, size / 2) } : {}),
      };
      if (requestedAt !== null) actions.current.set(req, requestedAt);
      render(req);
    },
    [model, size, render],
  );

  useEffect(() => {
    if (frame === null) return;
    let cancelled = false;
    const img = new Image();
    img.src = frame.image;
    void img
      .decode()
      .catch(() => undefined)
      .then(() => {
        if (cancelled) return;
        count.current += 1;
        setShown({ image: frame.image, width: frame.width, height: frame.height, ms: frame.ms, provider: frame.provider, shown: count.current, requestedAt: actions.current.get(frame.request) ?? null });
      });
    return () => {
      cancelled = true;
    };
  }, [frame]);

  return { shown, busy: live.busy, error: live.error, sent: live.sent, computed: live.computed, request, clearError: live.clear };
}
