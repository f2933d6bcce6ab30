import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import FormControl from '@mui/material/FormControl';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import Menu from '@mui/material/Menu';
import Tooltip from '@mui/material/Tooltip';
import FolderOpenIcon from '@mui/icons-material/FolderOpenOutlined';
import HistoryIcon from '@mui/icons-material/History';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Slider from '@mui/material/Slider';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { NamingSetting, Settings } from '../../../electron/contract/settings.js';
import type { OutputFormat } from '../../../electron/contract/jobs.js';
import { acceleratorLabel } from '../../../electron/contract/commands.js';
import { IS_MAC } from '../../app/commands.js';
import { useStudio } from '../../app/StudioContext.js';

/** Output folder, format, quality and naming; each change is saved as the new default. */
export const OutputOptions = memo(function OutputOptions({ settings, onChange }: { settings: Settings; onChange: (patch: Partial<Settings>) => void }) {
  const { chooseOutputFolder } = useStudio();
  const [folder, setFolder] = useState(settings.outputDir);
  const [recentAt, setRecentAt] = useState<HTMLElement | null>(null);
  useEffect(() => setFolder(settings.outputDir), [settings.outputDir]);
  // A long path shows its end (the folder's own name) unless it is being edited.
  const field = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => {
    const input = field.current;
    if (input !== null && document.activeElement !== input) input.scrollLeft = input.scrollWidth;
  }, [folder]);
  const recent = settings.recentFolders.filter((f) => f !== settings.outputDir);
  const lossy = settings.format === 'jpeg' || settings.format === 'webp' || settings.format === 'auto';
  return (
    <Stack spacing={2}>
      <TextField
        size="small"
        label="Output folder"
        value={folder}
        inputRef={field}
        onChange={(e) => setFolder(e.target.value)}
        onBlur={() => folder.trim() !== '' && folder !== settings.outputDir && onChange({ outputDir: folder.trim() })}
        helperText={settings.farm.enabled ? `Batches run on the farm (Settings > Farm): a folder inside ${settings.farm.shared}. Existing files are never replaced.` : 'On this computer. Existing files are never replaced.'}
        slotProps={{
          htmlInput: { 'data-testid': 'output-folder', spellCheck: false, title: folder },
          input: {
            sx: { pr: 0.5 },
            endAdornment: (
              <InputAdornment position="end" sx={{ ml: 0.5 }}>
                <Tooltip title={`Choose the output folder (${acceleratorLabel('CmdOrCtrl+Shift+D', IS_MAC)})`}>
                  <IconButton size="small" edge="end" aria-label="Choose the output folder" onClick={() => void chooseOutputFolder()} data-testid="choose-output">
                    <FolderOpenIcon fontSize="small" />
                  </IconButton>
                </Tooltip>
                <Tooltip title="Recent output folders">
                  <span>
                    <IconButton size="small" aria-label="Recent output folders" disabled={recent.length === 0} onClick={(e) => setRecentAt(e.currentTarget)}>
                      <HistoryIcon fontSize="small" />
                    </IconButton>
                  </span>
                </Tooltip>
              </InputAdornment>
            ),
          },
        }}
      />
      <Menu anchorEl={recentAt} open={recentAt !== null} onClose={() => setRecentAt(null)}>
        {recent.map((f) => (
          <MenuItem
            key={f}
            onClick={() => {
              setRecentAt(null);
              onChange({ outputDir: f });
            }}
            sx={{ fontFamily: 'ui-monospace, monospace', fontSize: 13 }}
          >
            {f}
          </MenuItem>
        ))}
      </Menu>
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
