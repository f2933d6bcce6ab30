import { memo, useEffect, useState } from 'react';
import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Slider from '@mui/material/Slider';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { NamingSetting, Settings } from '../../../electron/contract/settings.js';
import type { OutputFormat } from '../../../electron/contract/jobs.js';

/** Output folder, format, quality and naming; each change is saved as the new default. */
export const OutputOptions = memo(function OutputOptions({ settings, onChange }: { settings: Settings; onChange: (patch: Partial<Settings>) => void }) {
  const [folder, setFolder] = useState(settings.outputDir);
  useEffect(() => setFolder(settings.outputDir), [settings.outputDir]);
  const lossy = settings.format === 'jpeg' || settings.format === 'webp' || settings.format === 'auto';
  return (
    <Stack spacing={2}>
      <TextField
        size="small"
        label="Output folder"
        value={folder}
        onChange={(e) => setFolder(e.target.value)}
        onBlur={() => folder.trim() !== '' && folder !== settings.outputDir && onChange({ outputDir: folder.trim() })}
        helperText="On this computer. Existing files are never replaced."
        slotProps={{ htmlInput: { 'data-testid': 'output-folder', spellCheck: false } }}
      />
      <Stack direction="row" spacing={1.5}>
        <FormControl size="small" sx={{ flex: 1 }}>
          <InputLabel id="format-label">Format</InputLabel>
          <Select labelId="format-label" label="Format" value={settings.format} onChange={(e) => onChange({ format: e.target.value as OutputFormat | 'auto' })}>
            <MenuItem value="auto">As input</MenuItem>
            <MenuItem value="png">PNG</MenuItem>
            <MenuItem value="jpeg">JPEG</MenuItem>
            <MenuItem value="webp">WebP</MenuItem>
          </Select>
        </FormControl>
        <FormControl size="small" sx={{ flex: 1 }}>
          <InputLabel id="naming-label">Naming</InputLabel>
          <Select labelId="naming-label" label="Naming" value={settings.naming} onChange={(e) => onChange({ naming: e.target.value as NamingSetting })}>
            <MenuItem value="keep">photo.jpg</MenuItem>
            <MenuItem value="suffix">photo-model.jpg</MenuItem>
          </Select>
        </FormControl>
      </Stack>
      {lossy && (
        <div>
          <Typography variant="caption" id="quality-label" color="text.secondary">
            JPEG / WebP quality: {settings.quality}
          </Typography>
          <Slider size="small" aria-labelledby="quality-label" min={1} max={100} key={settings.quality} defaultValue={settings.quality} valueLabelDisplay="auto" onChangeCommitted={(_, v) => onChange({ quality: v as number })} />
        </div>
      )}
    </Stack>
  );
});
