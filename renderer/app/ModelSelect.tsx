import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import type { SxProps, Theme } from '@mui/material/styles';
import type { ModelSummary } from '../../electron/contract/ipc.js';

/** A drop-down of library models, the same on every page that picks one. */
export function ModelSelect({
  label,
  models,
  value,
  onChange,
  testId,
  none,
  fullWidth = true,
  sx,
}: {
  label: string;
  models: ModelSummary[];
  /** The picked model's id ('' for none). */
  value: string;
  onChange: (id: string) => void;
  testId: string;
  /** The words for "no model" (value ''), offered first. */
  none?: string;
  fullWidth?: boolean;
  sx?: SxProps<Theme>;
}) {
  const labelId = `${testId}-label`;
  // With a "none" entry the label stays up, so it never sits over that entry's words.
  const empty = none === undefined ? {} : { notched: true, displayEmpty: true };
  return (
    <FormControl fullWidth={fullWidth} size="small" {...(sx === undefined ? {} : { sx })}>
      <InputLabel id={labelId} {...(none === undefined ? {} : { shrink: true })}>
        {label}
      </InputLabel>
      <Select labelId={labelId} label={label} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} {...empty}>
        {none !== undefined && <MenuItem value="">{none}</MenuItem>}
        {models.map((m) => (
          <MenuItem key={m.id} value={m.id}>
            {m.name}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
