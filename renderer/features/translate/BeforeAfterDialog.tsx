import { useCallback, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import Box from '@mui/material/Box';
import Dialog from '@mui/material/Dialog';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Slider from '@mui/material/Slider';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import ZoomInIcon from '@mui/icons-material/ZoomIn';
import { CloseActions } from '../../app/CloseActions.js';

export interface CompareTarget {
  name: string;
  before: string;
  after: string;
}

/**
 * Before/after view: the output drawn over the input and clipped at a split the user drags
 * (or moves with the arrow keys), with zoom. Both images share one box so they stay aligned.
 */
export function BeforeAfterDialog({ target, onClose }: { target: CompareTarget | null; onClose: () => void }) {
  const [split, setSplit] = useState(50);
  const [zoom, setZoom] = useState(1);
  const frame = useRef<HTMLDivElement>(null);

  const moveTo = useCallback((clientX: number) => {
    const box = frame.current?.getBoundingClientRect();
    if (box === undefined || box.width === 0) return;
    setSplit(Math.min(100, Math.max(0, ((clientX - box.left) / box.width) * 100)));
  }, []);
  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    e.currentTarget.setPointerCapture(e.pointerId);
    moveTo(e.clientX);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    if (e.currentTarget.hasPointerCapture(e.pointerId)) moveTo(e.clientX);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const step = e.shiftKey ? 10 : 2;
    if (e.key === 'ArrowLeft') setSplit((s) => Math.max(0, s - step));
    else if (e.key === 'ArrowRight') setSplit((s) => Math.min(100, s + step));
    else if (e.key === 'Home') setSplit(0);
    else if (e.key === 'End') setSplit(100);
    else return;
    e.preventDefault();
  };

  return (
    <Dialog open={target !== null} onClose={onClose} maxWidth="lg" fullWidth aria-labelledby="compare-title">
      <DialogTitle id="compare-title">Before and after — {target?.name}</DialogTitle>
      <DialogContent>
        <Box sx={{ overflow: 'auto', maxHeight: '65vh', borderRadius: 1, bgcolor: 'action.hover' }} data-testid="compare-viewport">
          <Box
            ref={frame}
            data-testid="compare-frame"
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            sx={{ position: 'relative', width: `${zoom * 100}%`, cursor: 'ew-resize', userSelect: 'none', touchAction: 'none', lineHeight: 0 }}
          >
            {target !== null && (
              <>
                <img src={target.before} alt={`${target.name} before`} draggable={false} style={{ width: '100%', imageRendering: zoom > 2 ? 'pixelated' : 'auto' }} />
                <img
                  src={target.after}
                  alt={`${target.name} after`}
                  draggable={false}
                  style={{ position: 'absolute', inset: 0, width: '100%', clipPath: `inset(0 0 0 ${split}%)`, imageRendering: zoom > 2 ? 'pixelated' : 'auto' }}
                />
              </>
            )}
            {(['Before', 'After'] as const).map((label) => (
              <Box
                key={label}
                aria-hidden
                sx={{
                  position: 'absolute',
                  top: 8,
                  [label === 'Before' ? 'left' : 'right']: 8,
                  px: 1,
                  py: 0.25,
                  borderRadius: 1,
                  bgcolor: 'rgba(0,0,0,.55)',
                  color: 'common.white',
                  fontSize: 12,
                  lineHeight: 1.6,
                  fontWeight: 600,
                  pointerEvents: 'none',
                }}
              >
                {label}
              </Box>
            ))}
            <Box
              role="slider"
              tabIndex={0}
              aria-label="Split between before and after"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(split)}
              data-testid="compare-split"
              onKeyDown={onKeyDown}
              sx={{
                position: 'absolute',
                top: 0,
                bottom: 0,
                left: `${split}%`,
                width: 4,
                ml: '-2px',
                bgcolor: 'common.white',
                boxShadow: '0 0 0 1px rgba(0,0,0,.35)',
                '&:focus-visible': { outline: '3px solid', outlineColor: 'primary.main' },
              }}
            />
          </Box>
        </Box>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mt: 2 }}>
          <Typography variant="body2" color="text.secondary">
            Before ◂ drag the line ▸ After
          </Typography>
          <Box sx={{ flex: 1 }} />
          <ZoomInIcon color="action" />
          <Slider
            aria-label="Zoom"
            value={zoom}
            min={1}
            max={8}
            step={0.5}
            onChange={(_, v) => setZoom(v as number)}
            valueLabelDisplay="auto"
            valueLabelFormat={(v) => `${v}×`}
            sx={{ width: 200 }}
          />
        </Stack>
      </DialogContent>
      <CloseActions onClose={onClose} />
    </Dialog>
  );
}
