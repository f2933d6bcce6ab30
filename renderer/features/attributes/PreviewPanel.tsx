import { useState, type ReactNode } from 'react';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import type { StudioErrorInfo } from '../../../electron/contract/result.js';
import { ErrorNotice } from '../../app/ErrorNotice.js';
import { BUSY_SHOWN_AFTER_MS, useShownAfter } from '../../app/useShownAfter.js';
import type { LivePreviewFrame } from '../live/useLivePreview.js';

/** One picture in a frame of the panel, with its caption over the top-left corner. */
function Picture({
  src,
  alt,
  label,
  width,
  height,
  onSize,
  children,
}: {
  src: string | null;
  alt: string;
  label: string;
  width: number;
  height: number;
  onSize?: (size: { width: number; height: number }) => void;
  children?: ReactNode;
}) {
  return (
    <Box
      sx={{
        position: 'relative',
        aspectRatio: `${width} / ${height}`,
        borderRadius: 1.5,
        overflow: 'hidden',
        bgcolor: 'action.hover',
        border: 1,
        borderColor: 'divider',
      }}
    >
      {src !== null && (
        <img
          src={src}
          alt={alt}
          draggable={false}
          onLoad={(e) => onSize?.({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })}
          style={{ position: 'absolute', inset: 0, width: '100%', height: '100%', objectFit: 'contain', display: 'block' }}
        />
      )}
      <Chip
        size="small"
        label={label}
        sx={{ position: 'absolute', top: 8, left: 8, bgcolor: 'rgba(17,19,24,.62)', color: '#fff', fontWeight: 600, backdropFilter: 'blur(4px)' }}
      />
      {children}
    </Box>
  );
}

/**
 * The original beside the live preview. While the value moves the preview is a reduced draft;
 * on release it is computed at full size. The data attributes let tests (and the latency
 * benchmark) see what the shown picture was computed for.
 */
export function PreviewPanel({
  originalUrl,
  originalName,
  frame,
  busy,
  error,
  inputEvents,
  computed,
  requested,
}: {
  originalUrl: string;
  originalName: string;
  frame: LivePreviewFrame | null;
  busy: boolean;
  error: StudioErrorInfo | null;
  inputEvents: number;
  computed: number;
  /** Previews asked for (computed, skipped or in flight). */
  requested: number;
}) {
  // Both frames take the preview's shape (the original's until there is one), so they line up
  // and nothing jumps when the first preview arrives; a cropped preview shows the original letterboxed.
  const [original, setOriginal] = useState<{ url: string; width: number; height: number } | null>(null);
  const known = original !== null && original.url === originalUrl ? original : null;
  const width = frame?.width ?? known?.width ?? 4;
  const height = frame?.height ?? known?.height ?? 3;
  const full = frame !== null && frame.request.maxSide === undefined;
  const showBusy = useShownAfter(busy, BUSY_SHOWN_AFTER_MS);
  return (
    <Box
      data-testid="attribute-preview"
      data-computed={computed}
      data-input-events={inputEvents}
      data-busy={busy}
      data-preview-value={frame === null ? '' : JSON.stringify(frame.request.attributes ?? {})}
      data-preview-full={full}
      data-preview-seq={frame?.seq ?? 0}
      data-latency-ms={frame === null ? '' : Math.round(frame.latencyMs)}
      data-engine-ms={frame === null ? '' : Math.round(frame.ms)}
    >
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' }, gap: 2 }}>
        <Picture src={originalUrl} alt={`${originalName} original`} label="Original" width={width} height={height} onSize={(size) => setOriginal({ url: originalUrl, ...size })} />
        <Picture src={frame?.image ?? null} alt={`${originalName} preview`} label={frame === null ? 'Preview' : full ? 'Preview' : 'Draft'} width={width} height={height}>
          {showBusy && <LinearProgress aria-label="Computing the preview" sx={{ position: 'absolute', left: 0, right: 0, bottom: 0, height: 3 }} />}
          {frame === null && error === null && (
            <Typography variant="body2" color="text.secondary" sx={{ position: 'absolute', inset: 0, display: 'grid', placeItems: 'center' }}>
              Computing the preview…
            </Typography>
          )}
        </Picture>
      </Box>
      {error !== null && (
        <Box sx={{ mt: 2 }}>
          <ErrorNotice error={error} />
        </Box>
      )}
      <Box sx={{ mt: 1.5, display: 'flex', flexWrap: 'wrap', gap: 2, alignItems: 'center', color: 'text.secondary' }}>
        <Typography variant="caption" data-testid="preview-stats" sx={{ fontVariantNumeric: 'tabular-nums' }}>
          {frame === null
            ? 'No preview yet'
            : `${full ? 'Full size' : 'Draft'} ${frame.width} × ${frame.height} px · ${Math.round(frame.latencyMs)} ms · ${frame.provider.toUpperCase()}`}
        </Typography>
        {requested > computed && (
          <Typography variant="caption" sx={{ fontVariantNumeric: 'tabular-nums' }} title="While a preview is computed, newer slider values replace the waiting one">
            {computed} computed · {requested - computed - (busy ? 1 : 0)} skipped as outdated
          </Typography>
        )}
      </Box>
    </Box>
  );
}
