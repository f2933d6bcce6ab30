import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Typography from '@mui/material/Typography';
import BoltIcon from '@mui/icons-material/Bolt';
import { BUSY_SHOWN_AFTER_MS, useShownAfter } from '../../app/useShownAfter.js';
import type { ShownPreview } from './useSketchPreview.js';

/**
 * The translation beside the sketch, at the same size. The busy ring shows
 * while a newer output is being computed (once that takes long enough to notice); the chip reads how long the last update took from
 * the end of the stroke to the picture on screen, and the engine's share of it.
 */
export function OutputPane({
  shown,
  sent,
  computed,
  busy,
  displaySize,
  latencyMs,
  latencyFor,
  modelName,
}: {
  shown: ShownPreview | null;
  /** Previews asked for, and those the engine computed (superseded requests are not computed). */
  sent: number;
  computed: number;
  busy: boolean;
  displaySize: number;
  latencyMs: number | null;
  /** Which shown output `latencyMs` belongs to (its `shown` count). */
  latencyFor: number;
  modelName: string;
}) {
  const showBusy = useShownAfter(busy, BUSY_SHOWN_AFTER_MS);
  return (
    <Box
      data-testid="sketch-output"
      data-sent={sent}
      data-computed={computed}
      data-shown={shown?.shown ?? 0}
      data-busy={busy ? 'true' : 'false'}
      data-latency-ms={latencyMs === null ? undefined : Math.round(latencyMs)}
      data-latency-for={latencyFor}
      sx={{ position: 'relative', width: displaySize, height: displaySize }}
    >
      {shown === null ? (
        <Box
          sx={{ width: '100%', height: '100%', borderRadius: 1, bgcolor: 'action.hover', display: 'grid', placeItems: 'center', boxShadow: (t) => `0 0 0 1px ${t.palette.divider}` }}
        >
          <Typography variant="body2" color="text.secondary">
            {busy ? `Warming up ${modelName}…` : 'The translation appears here'}
          </Typography>
        </Box>
      ) : (
        <Box
          component="img"
          src={shown.image}
          alt={`${modelName} output`}
          data-testid="sketch-output-image"
          sx={{
            display: 'block',
            width: '100%',
            height: '100%',
            // Smoothly scaled, unlike the canvas: a photo-like output reads better without blocks.
            imageRendering: 'auto',
            borderRadius: 1,
            boxShadow: (t) => `0 0 0 1px ${t.palette.divider}, 0 1px 3px rgba(0,0,0,.08)`,
          }}
        />
      )}
      <Box sx={{ position: 'absolute', top: 10, right: 10, display: 'flex', alignItems: 'center', gap: 1 }}>
        {showBusy && <CircularProgress size={18} thickness={5} aria-label="Updating the translation" data-testid="sketch-busy" />}
        {shown !== null && latencyMs !== null && (
          <Chip
            size="small"
            icon={<BoltIcon />}
            label={`${Math.round(latencyMs)} ms`}
            title={`From the end of the stroke to this picture: ${Math.round(latencyMs)} ms, of which the ${shown.provider} provider computed ${Math.round(shown.ms)} ms`}
            sx={{ bgcolor: 'rgba(255,255,255,.88)', color: '#1b1e25', fontWeight: 600, backdropFilter: 'blur(4px)', '& .MuiChip-icon': { color: '#3949ab' } }}
            data-testid="sketch-latency"
          />
        )}
      </Box>
    </Box>
  );
}
