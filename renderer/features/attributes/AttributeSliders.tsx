import { memo, useRef, type KeyboardEvent } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Slider from '@mui/material/Slider';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import RestartAltIcon from '@mui/icons-material/RestartAlt';
import type { ModelSummary } from '../../../electron/contract/ipc.js';
import { attributeLabel, formatValue, stepOf, type AttributeValues } from './attribute-values.js';

/**
 * How a change arrived: `moving` while a thumb is dragged or a key held, `settled` when it
 * comes to rest (release, key up), `stepped` for a single key press (its `settled` follows).
 */
export type ChangePhase = 'moving' | 'settled' | 'stepped';

/**
 * One slider per attribute with its label, range and value. Reports each change with its
 * phase, so the page can preview small while the value moves and full size when it settles:
 * a pointer drag moves until release; a single key press settles at once, a held key moves
 * until the key comes up.
 */
export const AttributeSliders = memo(function AttributeSliders({
  model,
  values,
  onChange,
  onReset,
  changed,
}: {
  model: ModelSummary;
  values: AttributeValues;
  onChange: (name: string, value: number, phase: ChangePhase) => void;
  onReset: () => void;
  /** Some value differs from its default (enables Reset). */
  changed: boolean;
}) {
  const keyboard = useRef(false);
  const repeating = useRef(false);

  const onKeyDownCapture = (e: KeyboardEvent): void => {
    keyboard.current = true;
    repeating.current = e.repeat;
  };
  const onKeyUp = (name: string): void => {
    if (!repeating.current) return;
    repeating.current = false;
    const value = values[name];
    if (value !== undefined) onChange(name, value, 'settled');
  };

  return (
    <Stack spacing={1.25} data-testid="attribute-sliders">
      {model.attributes.map((a) => {
        const value = values[a.name] ?? a.default;
        const id = `attribute-${a.name}`;
        return (
          <Box key={a.name}>
            <Box sx={{ display: 'flex', alignItems: 'baseline', justifyContent: 'space-between', gap: 1 }}>
              <Typography variant="body2" id={id} sx={{ fontWeight: 500 }}>
                {attributeLabel(a)}
              </Typography>
              <Typography
                variant="body2"
                data-testid={`attribute-value-${a.name}`}
                sx={{ fontVariantNumeric: 'tabular-nums', color: value === a.default ? 'text.secondary' : 'primary.main', fontWeight: 600, minWidth: 40, textAlign: 'right' }}
              >
                {formatValue(a, value)}
              </Typography>
            </Box>
            <Slider
              aria-labelledby={id}
              data-testid={`attribute-slider-${a.name}`}
              min={a.min}
              max={a.max}
              step={stepOf(a)}
              shiftStep={(a.max - a.min) / 10}
              value={value}
              marks={[{ value: a.default }]}
              onPointerDownCapture={() => {
                keyboard.current = false;
                repeating.current = false;
              }}
              onKeyDownCapture={onKeyDownCapture}
              onKeyUp={() => onKeyUp(a.name)}
              onChange={(_, v) => {
                // A single key press settles at once (onChangeCommitted follows); drags and held keys move.
                onChange(a.name, v as number, keyboard.current && !repeating.current ? 'stepped' : 'moving');
              }}
              onChangeCommitted={(_, v) => {
                if (repeating.current) return;
                onChange(a.name, v as number, 'settled');
              }}
              valueLabelDisplay="auto"
              valueLabelFormat={(v) => formatValue(a, v)}
              sx={{ mt: -0.5, mb: -0.5 }}
            />
            <Box sx={{ display: 'flex', justifyContent: 'space-between', mt: -0.5 }}>
              <Typography variant="caption" color="text.secondary">
                {formatValue(a, a.min)}
              </Typography>
              <Typography variant="caption" color="text.secondary">
                {formatValue(a, a.max)}
              </Typography>
            </Box>
          </Box>
        );
      })}
      <Box>
        <Button size="small" startIcon={<RestartAltIcon />} onClick={onReset} disabled={!changed}>
          Reset to defaults
        </Button>
      </Box>
    </Stack>
  );
});
