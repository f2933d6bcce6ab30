import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { PreviewArgs, PreviewImage } from '../../../electron/contract/preview.js';
import type { StudioErrorInfo } from '../../../electron/contract/result.js';
import { useStudio } from '../../app/StudioContext.js';

/** One preview request as a page makes it (the stream is the hook's own). */
export type LivePreviewRequest = Omit<PreviewArgs, 'stream'>;

/** A computed preview with the request it was computed for. */
export interface LivePreviewFrame extends PreviewImage {
  request: LivePreviewRequest;
  /** Milliseconds from sending the request to the picture arriving. */
  latencyMs: number;
  /** Order of the request among those this hook sent (1, 2, ...). */
  seq: number;
}

export interface LivePreview {
  /** The newest computed preview, or null before the first. */
  frame: LivePreviewFrame | null;
  /** A request is still unanswered. */
  busy: boolean;
  /** Why the newest request failed; cleared by the next preview. */
  error: StudioErrorInfo | null;
  /** Requests sent on this stream. */
  sent: number;
  /** Previews the engine computed on this stream (the rest were superseded). */
  computed: number;
  /** Asks for a preview; a newer call supersedes an older one that has not started. */
  render(request: LivePreviewRequest): void;
  /** Forgets the shown preview and error (a new picture or model). */
  clear(): void;
}

/**
 * Live previews over `preview:render`, one stream per hook: send every change as it happens;
 * the studio computes at most one at a time and only the newest waiting one next, so the page
 * shows each picture as it arrives and never waits behind a queue of stale values.
 */
export function useLivePreview(name = 'preview'): LivePreview {
  const { platform } = useStudio();
  const { api } = platform;
  const stream = useMemo(() => `${name}-${crypto.randomUUID()}`, [name]);
  const [frame, setFrame] = useState<LivePreviewFrame | null>(null);
  const [error, setError] = useState<StudioErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [counts, setCounts] = useState({ sent: 0, computed: 0 });
  const seq = useRef(0);
  const shown = useRef(0);
  const answered = useRef(0);
  const alive = useRef(true);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const render = useCallback(
    (request: LivePreviewRequest) => {
      const mine = ++seq.current;
      const sentAt = performance.now();
      setBusy(true);
      setCounts((c) => ({ ...c, sent: c.sent + 1 }));
      void api.previewRender({ ...request, stream }).then((result) => {
        if (!alive.current) return;
        answered.current = Math.max(answered.current, mine);
        if (answered.current === seq.current) setBusy(false);
        if (!result.ok) {
          if (mine === seq.current) setError(result.error);
          return;
        }
        const data = result.data;
        if (data.superseded) return;
        setCounts((c) => ({ ...c, computed: Math.max(c.computed, data.computed) }));
        // Answers arrive in order; the guard only matters if a host ever reorders them.
        if (mine <= shown.current) return;
        shown.current = mine;
        setError(null);
        setFrame({ ...data, request, latencyMs: performance.now() - sentAt, seq: mine });
      });
    },
    [api, stream],
  );

  const clear = useCallback(() => {
    shown.current = seq.current;
    setFrame(null);
    setError(null);
  }, []);

  return { frame, busy, error, sent: counts.sent, computed: counts.computed, render, clear };
}
