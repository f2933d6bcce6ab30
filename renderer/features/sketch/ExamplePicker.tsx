import { memo } from 'react';
import Box from '@mui/material/Box';
import ButtonBase from '@mui/material/ButtonBase';
import Skeleton from '@mui/material/Skeleton';
import Typography from '@mui/material/Typography';
import type { SketchExample } from '../../../electron/contract/sketch.js';

/** The bundled example sketches as thumbnails; picking one replaces the sketch (undoable). */
export const ExamplePicker = memo(function ExamplePicker({
  examples,
  onPick,
  current,
}: {
  examples: SketchExample[] | null;
  onPick: (example: SketchExample) => void;
  current: string | undefined;
}) {
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(3, 1fr)', gap: 1 }} data-testid="sketch-examples">
      {(examples ?? Array.from({ length: 6 }, () => null)).map((example, i) =>
        example === null ? (
          <Skeleton key={i} variant="rounded" sx={{ aspectRatio: '1', height: 'auto' }} />
        ) : (
          <ButtonBase
            key={example.name}
            onClick={() => onPick(example)}
            aria-label={`Start from the ${example.title.toLowerCase()} sketch`}
            data-name={example.name}
            sx={{
              display: 'flex',
              flexDirection: 'column',
              alignItems: 'stretch',
              borderRadius: 1.5,
              p: 0.5,
              border: 1,
              borderColor: current === example.name ? 'primary.main' : 'divider',
              bgcolor: current === example.name ? 'action.selected' : 'transparent',
              transition: 'border-color .15s, background-color .15s',
              '&:hover': { borderColor: 'primary.light' },
            }}
          >
            <Box component="img" src={example.png} alt="" sx={{ width: '100%', aspectRatio: '1', borderRadius: 1, bgcolor: '#fff', display: 'block' }} />
            <Typography variant="caption" sx={{ mt: 0.25, lineHeight: 1.4, textAlign: 'center' }} noWrap>
              {example.title}
            </Typography>
          </ButtonBase>
        ),
      )}
    </Box>
  );
});
