import { useState, type FormEvent } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import BookmarkAddIcon from '@mui/icons-material/BookmarkAddOutlined';
import CancelIcon from '@mui/icons-material/Cancel';
import type { AttributePreset } from '../../../electron/contract/settings.js';
import { PRESET_NAME_MAX } from '../../../electron/contract/settings.js';
import { presetNameProblem } from './attribute-values.js';

/**
 * Named slider settings of one model: click a preset to apply it, its cross to delete it;
 * saving under an existing name replaces that preset.
 */
export function PresetsPanel({
  presets,
  activeName,
  onApply,
  onSave,
  onDelete,
}: {
  presets: readonly AttributePreset[];
  /** The preset whose values the sliders show now, if any. */
  activeName: string | null;
  onApply: (preset: AttributePreset) => void;
  onSave: (name: string) => Promise<boolean>;
  onDelete: (preset: AttributePreset) => void;
}) {
  const [name, setName] = useState('');
  const [tried, setTried] = useState(false);
  const problem = presetNameProblem(name, presets);
  const replaces = problem === null && presets.some((p) => p.name.toLowerCase() === name.trim().toLowerCase());

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setTried(true);
    if (problem !== null) return;
    void onSave(name).then((saved) => {
      if (!saved) return;
      setName('');
      setTried(false);
    });
  };

  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, alignItems: 'flex-start' }}>
      <Box sx={{ flex: '1 1 260px', minWidth: 0, pt: 0.5 }}>
        {presets.length === 0 ? (
          <Typography variant="body2" color="text.secondary">
            No presets for this model yet. Set the sliders, name the look and save it.
          </Typography>
        ) : (
          <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.75 }} data-testid="preset-list">
            {presets.map((p) => (
              <Chip
                key={p.name}
                label={p.name}
                data-testid="preset"
                data-name={p.name}
                color={p.name === activeName ? 'primary' : 'default'}
                variant={p.name === activeName ? 'filled' : 'outlined'}
                onClick={() => onApply(p)}
                onDelete={() => onDelete(p)}
                deleteIcon={<CancelIcon aria-label={`Delete preset ${p.name}`} />}
                aria-label={`Apply preset ${p.name}`}
              />
            ))}
          </Box>
        )}
      </Box>
      <Box component="form" onSubmit={submit} sx={{ display: 'flex', gap: 1, alignItems: 'flex-start', flex: '0 1 340px' }}>
        <TextField
          size="small"
          label="Preset name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={tried && problem !== null}
          helperText={tried && problem !== null ? problem : replaces ? 'Replaces the preset of that name' : undefined}
          slotProps={{ htmlInput: { maxLength: PRESET_NAME_MAX + 1, 'data-testid': 'preset-name' } }}
          sx={{ flex: 1 }}
        />
        <Button type="submit" variant="outlined" startIcon={<BookmarkAddIcon />} sx={{ mt: '2px' }}>
          Save
        </Button>
      </Box>
    </Box>
  );
}
