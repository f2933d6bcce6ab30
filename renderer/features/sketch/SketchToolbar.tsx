import { memo } from 'react';
import Box from '@mui/material/Box';
import Divider from '@mui/material/Divider';
import IconButton from '@mui/material/IconButton';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Tooltip from '@mui/material/Tooltip';
import { createSvgIcon } from '@mui/material/utils';
import DeleteSweepIcon from '@mui/icons-material/DeleteSweepOutlined';
import RedoIcon from '@mui/icons-material/Redo';
import UndoIcon from '@mui/icons-material/Undo';

/** An eraser (Material Design Icons' "eraser", Apache 2.0): MUI's set has none. */
const EraserIcon = createSvgIcon(
  <path d="M16.24 3.56l4.95 4.94c.78.79.78 2.05 0 2.84L12 20.53a4.008 4.008 0 0 1-5.66 0L2.81 17c-.78-.79-.78-2.05 0-2.84l10.6-10.6c.79-.78 2.05-.78 2.83 0M4.22 15.58l3.54 3.53c.78.79 2.04.79 2.83 0l3.53-3.53l-4.95-4.95l-4.95 4.95Z" />,
  'Eraser',
);

/**
 * Pen widths in pixels of a 128 px canvas (scaled with the canvas). The training sketches'
 * lines are a black pixel with a grey (150) rim on each side, about 1.8 px of ink across:
 * the medium pen lays down as much, antialiased into the same soft black-and-grey line.
 */
export const PEN_SIZES = [
  { id: 'fine', label: 'Fine pen', width: 1.25, dot: 6 },
  { id: 'medium', label: 'Medium pen', width: 1.75, dot: 9 },
  { id: 'bold', label: 'Bold pen', width: 2.75, dot: 13 },
] as const;
export type PenSize = (typeof PEN_SIZES)[number]['id'];
export const ERASER_WIDTH = 8;

export type ToolChoice = PenSize | 'eraser';

/** Pen sizes and the eraser as one choice, then undo, redo and clear. Shortcuts are in the tooltips. */
export const SketchToolbar = memo(function SketchToolbar({
  tool,
  onTool,
  canUndo,
  canRedo,
  canClear,
  onUndo,
  onRedo,
  onClear,
}: {
  tool: ToolChoice;
  onTool: (tool: ToolChoice) => void;
  canUndo: boolean;
  canRedo: boolean;
  canClear: boolean;
  onUndo: () => void;
  onRedo: () => void;
  onClear: () => void;
}) {
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }} role="toolbar" aria-label="Drawing tools">
      <ToggleButtonGroup size="small" exclusive value={tool} onChange={(_, v: ToolChoice | null) => v !== null && onTool(v)} aria-label="Pen size or eraser">
        {PEN_SIZES.map((p, i) => (
          <Tooltip key={p.id} title={`${p.label} (${i + 1})`}>
            <ToggleButton value={p.id} aria-label={p.label} sx={{ width: 40 }}>
              <Box component="span" sx={{ width: p.dot, height: p.dot, borderRadius: '50%', bgcolor: 'currentColor' }} />
            </ToggleButton>
          </Tooltip>
        ))}
        <Tooltip title="Eraser (E)">
          <ToggleButton value="eraser" aria-label="Eraser" sx={{ width: 40 }}>
            <EraserIcon fontSize="small" />
          </ToggleButton>
        </Tooltip>
      </ToggleButtonGroup>
      <Divider orientation="vertical" flexItem sx={{ mx: 0.5 }} />
      <Tooltip title="Undo (Ctrl+Z)">
        <span>
          <IconButton aria-label="Undo" onClick={onUndo} disabled={!canUndo}>
            <UndoIcon />
          </IconButton>
        </span>
      </Tooltip>
      <Tooltip title="Redo (Ctrl+Shift+Z)">
        <span>
          <IconButton aria-label="Redo" onClick={onRedo} disabled={!canRedo}>
            <RedoIcon />
          </IconButton>
        </span>
      </Tooltip>
      <Tooltip title="Clear the sketch">
        <span>
          <IconButton aria-label="Clear" onClick={onClear} disabled={!canClear}>
            <DeleteSweepIcon />
          </IconButton>
        </span>
      </Tooltip>
    </Box>
  );
});
