import { useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import FormControlLabel from '@mui/material/FormControlLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import DarkModeIcon from '@mui/icons-material/DarkModeOutlined';
import FolderOpenIcon from '@mui/icons-material/FolderOpenOutlined';
import NotificationsIcon from '@mui/icons-material/NotificationsOutlined';
import LightModeIcon from '@mui/icons-material/LightModeOutlined';
import SettingsBrightnessIcon from '@mui/icons-material/SettingsBrightnessOutlined';
import type { EngineStatus } from '../../../electron/contract/ipc.js';
import type { DeviceSetting, ThemeSetting } from '../../../electron/contract/settings.js';
import { useStudio } from '../../app/StudioContext.js';

function Section({ title, hint, children }: { title: string; hint: string; children: React.ReactNode }) {
  return (
    <Card>
      <CardContent sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '260px 1fr' }, gap: 2 }}>
        <Box>
          <Typography variant="subtitle1" sx={{ fontWeight: 600 }} component="h2">
            {title}
          </Typography>
          <Typography variant="body2" color="text.secondary">
            {hint}
          </Typography>
        </Box>
        <Box>{children}</Box>
      </CardContent>
    </Card>
  );
}

/**
 * Settings > Farm: the Translate page's batches run on a farm's workers (Redis URL and the
 * folder they share); rows, progress and errors look the same.
 */
function FarmSection() {
  const { settings, updateSettings } = useStudio();
  const farm = settings?.farm ?? { enabled: false, redis: '', shared: '' };
  const [redis, setRedis] = useState(farm.redis);
  const [shared, setShared] = useState(farm.shared);
  useEffect(() => {
    setRedis(farm.redis);
    setShared(farm.shared);
  }, [farm.redis, farm.shared]);
  const changed = redis.trim() !== farm.redis || shared.trim() !== farm.shared;
  return (
    <Section
      title="Farm"
      hint="Run batches on other machines: gan-studio worker processes that take items from a Redis queue and share a folder with this computer. The output folder must be inside that folder; inputs outside it are copied in."
    >
      <Stack spacing={1.5}>
        <FormControlLabel
          control={<Switch checked={farm.enabled} disabled={farm.shared === ''} onChange={(e) => void updateSettings({ farm: { ...farm, enabled: e.target.checked } })} slotProps={{ input: { 'aria-label': 'Run batches on the farm' } }} />}
          label={farm.enabled ? 'Batches run on the farm' : 'Batches run on this computer'}
        />
        <TextField
          size="small"
          label="Redis URL"
          placeholder="rediss://:password@queue.lan:6380"
          value={redis}
          onChange={(e) => setRedis(e.target.value)}
          helperText="redis:// or rediss:// (TLS). Never expose Redis without a password and TLS. Empty: GAN_FARM_REDIS where the studio runs."
          slotProps={{ htmlInput: { spellCheck: false, 'data-testid': 'settings-farm-redis' } }}
        />
        <TextField
          size="small"
          label="Shared folder"
          placeholder="/mnt/farm"
          value={shared}
          onChange={(e) => setShared(e.target.value)}
          helperText="The folder every worker mounts, as this computer sees it."
          slotProps={{ htmlInput: { spellCheck: false, 'data-testid': 'settings-farm-shared' } }}
        />
        <Box>
          <Button variant="contained" disabled={!changed} onClick={() => void updateSettings({ farm: { ...farm, redis: redis.trim(), shared: shared.trim() } })}>
            Save farm
          </Button>
        </Box>
      </Stack>
    </Section>
  );
}

/** Device, theme and default output folder; saved as soon as they change. */
export function SettingsPage({ engine }: { engine: EngineStatus | null }) {
  const { settings, updateSettings, chooseOutputFolder, info, openLogs, platform } = useStudio();
  const [permission, setPermission] = useState(() => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission));
  const [folder, setFolder] = useState(settings?.outputDir ?? '');
  useEffect(() => setFolder(settings?.outputDir ?? ''), [settings?.outputDir]);
  if (settings === null) return null;
  return (
    <Stack spacing={2}>
      <Section title="Device" hint="Where translations run. Automatic uses a GPU when one works and falls back to the processor.">
        <RadioGroup aria-label="Device" value={settings.device} onChange={(e) => void updateSettings({ device: e.target.value as DeviceSetting })}>
          <FormControlLabel value="auto" control={<Radio />} label="Automatic" />
          <FormControlLabel value="cpu" control={<Radio />} label="Processor (CPU)" />
          <FormControlLabel value="gpu" control={<Radio />} label="Graphics card (GPU)" />
        </RadioGroup>
        <Typography variant="body2" color="text.secondary" data-testid="provider-in-use">
          {engine?.lastProvider == null ? 'Provider in use: shown after the first translation.' : `Provider in use: ${engine.lastProvider}`}
        </Typography>
      </Section>
      <Section title="Appearance" hint="Follow the system, or choose light or dark.">
        <ToggleButtonGroup exclusive value={settings.theme} onChange={(_, v: ThemeSetting | null) => v !== null && void updateSettings({ theme: v })} aria-label="Theme">
          <ToggleButton value="system" aria-label="System theme">
            <SettingsBrightnessIcon sx={{ mr: 1 }} /> System
          </ToggleButton>
          <ToggleButton value="light" aria-label="Light theme">
            <LightModeIcon sx={{ mr: 1 }} /> Light
          </ToggleButton>
          <ToggleButton value="dark" aria-label="Dark theme">
            <DarkModeIcon sx={{ mr: 1 }} /> Dark
          </ToggleButton>
        </ToggleButtonGroup>
      </Section>
      <Section title="Default output folder" hint="Translated images are saved here unless you pick another folder for a batch. Existing files are never replaced.">
        <Stack direction="row" spacing={1}>
          <TextField fullWidth size="small" label="Folder" value={folder} onChange={(e) => setFolder(e.target.value)} slotProps={{ htmlInput: { spellCheck: false, 'data-testid': 'settings-output-folder' } }} />
          <Button variant="contained" disabled={folder.trim() === '' || folder === settings.outputDir} onClick={() => void updateSettings({ outputDir: folder.trim() })}>
            Save
          </Button>
          <Button variant="outlined" startIcon={<FolderOpenIcon />} onClick={() => void chooseOutputFolder()} sx={{ flexShrink: 0 }}>
            Choose…
          </Button>
        </Stack>
      </Section>
      <FarmSection />
      <Section title="Notifications" hint="When a batch, a download or a training run ends or fails, the studio says so in the window, and with a system notification while it is in the background.">
        {platform.mode === 'desktop' ? (
          <Typography variant="body2">System notifications are on.</Typography>
        ) : permission === 'granted' ? (
          <Typography variant="body2" data-testid="notify-state">
            The browser shows notifications while this tab is in the background.
          </Typography>
        ) : (
          <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
            <Button variant="outlined" startIcon={<NotificationsIcon />} disabled={permission === 'unsupported' || permission === 'denied'} onClick={() => void Notification.requestPermission().then(setPermission)}>
              Allow notifications
            </Button>
            <Typography variant="body2" color="text.secondary" data-testid="notify-state">
              {permission === 'denied' ? 'The browser was told not to show them: allow them in its site settings.' : permission === 'unsupported' ? 'This browser has no notifications.' : 'The browser asks first.'}
            </Typography>
          </Stack>
        )}
      </Section>
      <Section title="Logs" hint="What the studio and its engine did, one file a day (rotated at 5 MB, the last ten kept), and crash reports. Attach them to a bug report.">
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
          {platform.mode === 'desktop' && (
            <Button variant="outlined" startIcon={<FolderOpenIcon />} onClick={() => void openLogs()}>
              Open logs folder
            </Button>
          )}
          <Typography variant="body2" color="text.secondary" data-testid="logs-folder" sx={{ fontFamily: 'ui-monospace, monospace', fontSize: 13, overflowWrap: 'anywhere' }}>
            {info?.logsDir ?? ''}
          </Typography>
        </Stack>
      </Section>
      <Section title="Engine" hint="Translations run in a separate process, restarted automatically if it stops.">
        <Typography variant="body2" data-testid="engine-state">
          {engine === null ? 'Unknown' : `${engine.state === 'ready' ? 'Running' : engine.state}${engine.pid === null ? '' : ` (process ${engine.pid})`}; restarted ${engine.restarts} time${engine.restarts === 1 ? '' : 's'}`}
          {engine?.lastExit != null ? ` · last stop: ${engine.lastExit}` : ''}
        </Typography>
      </Section>
    </Stack>
  );
}
