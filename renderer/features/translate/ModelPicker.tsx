import { memo } from 'react';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Slider from '@mui/material/Slider';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ModelSummary } from '../../../electron/contract/ipc.js';
import { ModelSelect } from '../../app/ModelSelect.js';

/** Chooses the model and shows its card; conditional models get a slider per attribute. */
export const ModelPicker = memo(function ModelPicker({
  models,
  selected,
  onSelect,
  attributes,
  onAttributes,
}: {
  models: ModelSummary[];
  selected: ModelSummary | undefined;
  onSelect: (id: string) => void;
  attributes: Record<string, number>;
  onAttributes: (values: Record<string, number>) => void;
}) {
  return (
    <Stack spacing={1.5}>
      <ModelSelect label="Model" models={models} value={selected?.id ?? ''} onChange={onSelect} testId="model-select" />
      {selected !== undefined && (
        <Box data-testid="picked-model">
          <Stack direction="row" spacing={0.5} sx={{ mb: 1, flexWrap: 'wrap', gap: 0.5 }}>
            <Chip size="small" label={selected.kind} color="primary" variant="outlined" />
            <Chip size="small" label={selected.origin} variant="outlined" />
            <Chip size="small" label={selected.licence} variant="outlined" />
          </Stack>
          <Typography variant="body2">{selected.description}</Typography>
          <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 0.5 }}>
            {selected.architecture} · trained at {selected.preferredSize} px
          </Typography>
          {selected.attributes.map((a) => (
            <Box key={a.name} sx={{ mt: 1 }}>
              <Typography variant="caption" id={`attr-${a.name}`}>
                {a.label ?? a.name}
              </Typography>
              <Slider
                size="small"
                aria-labelledby={`attr-${a.name}`}
                min={a.min}
                max={a.max}
                step={(a.max - a.min) / 100}
                value={attributes[a.name] ?? a.default}
                onChange={(_, v) => onAttributes({ ...attributes, [a.name]: v as number })}
                valueLabelDisplay="auto"
              />
            </Box>
          ))}
        </Box>
      )}
    </Stack>
  );
});
