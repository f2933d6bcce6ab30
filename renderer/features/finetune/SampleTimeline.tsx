import { useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Slider from '@mui/material/Slider';
import Typography from '@mui/material/Typography';
import { useStudio } from '../../app/StudioContext.js';

const iterationOf = (file: string): number => Number(/(\d+)/.exec(file)?.[1] ?? 0);

/**
 * The latest sample grid, and a slider over the earlier ones. It follows new grids while the
 * slider sits at the end; moved back, it stays where the user put it.
 */
export function SampleTimeline({ runId, samples, mode }: { runId: string; samples: string[]; mode: string }) {
  const { platform } = useStudio();
  const [picked, setPicked] = useState<number | null>(null);
  useEffect(() => setPicked(null), [runId]);
  const index = picked ?? samples.length - 1;
  const file = samples[index];
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="sample-timeline">
      <Box sx={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline', mb: 1 }}>
        <Typography variant="subtitle2">Samples</Typography>
        <Typography variant="caption" color="text.secondary" data-testid="sample-caption">
          {file === undefined ? 'the first grid appears after a few iterations' : `iteration ${iterationOf(file)} · ${index + 1} of ${samples.length}`}
        </Typography>
      </Box>
      <Box
        sx={{
          minHeight: 160,
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'center',
          bgcolor: 'action.hover',
          borderRadius: 1,
          overflow: 'hidden',
        }}
      >
        {file !== undefined && (
          <Box
            component="img"
            src={platform.runMediaUrl(runId, file)}
            alt={`Sample grid at iteration ${iterationOf(file)}`}
            data-testid="sample-grid"
            sx={{ width: '100%', maxHeight: 420, objectFit: 'contain', imageRendering: 'pixelated' }}
          />
        )}
      </Box>
      {samples.length > 1 && (
        <Slider
          size="small"
          min={0}
          max={samples.length - 1}
          step={1}
          marks
          value={index}
          onChange={(_, v) => setPicked((v as number) === samples.length - 1 ? null : (v as number))}
          valueLabelDisplay="auto"
          valueLabelFormat={(v) => `iteration ${iterationOf(samples[v] ?? '')}`}
          aria-label="Sample timeline"
          data-testid="sample-slider"
          sx={{ mt: 1 }}
        />
      )}
      <Typography variant="caption" color="text.secondary">
        {mode === 'cyclegan' ? 'Top row: A, translated to B, and back to A. Bottom row: B, to A, and back.' : 'Input, the model’s output, and the target.'}
      </Typography>
    </Paper>
  );
}
