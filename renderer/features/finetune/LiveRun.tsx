import { useCommand } from '../../app/commands.js';
import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import PauseIcon from '@mui/icons-material/Pause';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import StopIcon from '@mui/icons-material/Stop';
import SaveAltIcon from '@mui/icons-material/SaveAlt';
import type { ModelSummary } from '../../../electron/contract/ipc.js';
import type { StudioErrorInfo } from '../../../electron/contract/result.js';
import { trainFallbackNotice } from '../../../electron/contract/training.js';
import { ErrorNotice } from '../../app/ErrorNotice.js';
import { useStudio } from '../../app/StudioContext.js';
import { formatDuration } from '../../app/format.js';
import { LossChart } from './LossChart.js';
import { SampleTimeline } from './SampleTimeline.js';
import { StatusChip } from './StatusChip.js';
import { useTrainingRun } from './useTrainingRun.js';

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Box sx={{ minWidth: 110 }}>
      <Typography variant="caption" color="text.secondary" component="div">
        {label}
      </Typography>
      <Typography variant="body1" sx={{ fontWeight: 600, fontVariantNumeric: 'tabular-nums' }} data-testid={testId}>
        {value}
      </Typography>
    </Box>
  );
}

/** A run while it trains (or after): figures, one chart per loss, samples, and its controls. */
export function LiveRun({
  runId,
  onClose,
  onExported,
  onUseModel,
  onChanged,
}: {
  runId: string;
  /** The run's status changed by a user's action (the runs list reloads). */
  onChanged: () => void;
  onClose: () => void;
  onExported: (models: ModelSummary[]) => void;
  onUseModel: (modelId: string) => void;
}) {
  const { platform } = useStudio();
  const { api } = platform;
  const view = useTrainingRun(runId);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<StudioErrorInfo | null>(null);
  const [exported, setExported] = useState<ModelSummary[] | null>(null);
  const { run, live } = view;
  const status = run?.status ?? 'running';
  const running = status === 'running';

  const act = async (label: string, work: () => Promise<{ ok: true } | { ok: false; error: StudioErrorInfo }>): Promise<void> => {
    setBusy(label);
    setActionError(null);
    const r = await work();
    if (!r.ok) setActionError(r.error);
    await view.refresh();
    onChanged();
    setBusy(null);
  };

  // The Fine-tune page shows one run at a time: the cancel shortcut pauses it (with a checkpoint).
  useCommand('cancel', () => running && busy === null && void act('pause', () => api.trainingPause({ runId })), true);

  const exportNow = (): Promise<void> =>
    act('export', async () => {
      const r = await api.trainingExport({ runId });
      if (r.ok) {
        setExported(r.data);
        onExported(r.data);
      }
      return r;
    });

  const iteration = live?.iteration ?? run?.iteration ?? 0;
  const iterations = live?.iterations ?? run?.iterations ?? 0;
  const eta = live?.etaSeconds;
  const lossNames = Object.keys(view.losses);
  return (
    <Stack spacing={2} data-testid="live-run" data-status={status}>
      <Paper variant="outlined" sx={{ p: 2 }}>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
          <Typography variant="h6" sx={{ fontSize: 18 }}>
            {run?.name ?? runId}
          </Typography>
          <StatusChip status={status} />
          {run !== null && <Chip size="small" variant="outlined" label={`${run.mode} · ${run.settings.size} px · ngf ${run.settings.ngf}`} />}
          <Box sx={{ flex: 1 }} />
          {running ? (
            <Button startIcon={<PauseIcon />} variant="outlined" disabled={busy !== null} onClick={() => void act('pause', () => api.trainingPause({ runId }))}>
              {busy === 'pause' ? 'Pausing…' : 'Pause'}
            </Button>
          ) : (
            status !== 'completed' && (
              <Button startIcon={<PlayArrowIcon />} variant="contained" disabled={busy !== null} onClick={() => void act('resume', () => api.trainingResume({ runId }))}>
                Resume
              </Button>
            )
          )}
          {status !== 'completed' && status !== 'stopped' && (
            <Button startIcon={<StopIcon />} color="error" variant="outlined" disabled={busy !== null} onClick={() => void act('stop', () => api.trainingStop({ runId }))}>
              {busy === 'stop' ? 'Stopping…' : 'Stop'}
            </Button>
          )}
          <Button startIcon={<SaveAltIcon />} variant={running ? 'outlined' : 'contained'} disabled={busy !== null || iteration === 0} onClick={() => void exportNow()}>
            {busy === 'export' ? 'Exporting…' : running ? 'Export now' : 'Export'}
          </Button>
          <Button onClick={onClose}>New run</Button>
        </Stack>
        <LinearProgress variant="determinate" value={iterations === 0 ? 0 : (100 * iteration) / iterations} sx={{ my: 1.5, height: 6, borderRadius: 3 }} />
        <Stack direction="row" spacing={3} sx={{ flexWrap: 'wrap', rowGap: 1 }}>
          <Figure label="Iteration" value={`${iteration} / ${iterations}`} testId="figure-iteration" />
          <Figure label="Seconds per iteration" value={live?.secondsPerIteration == null ? '—' : live.secondsPerIteration.toFixed(2)} testId="figure-speed" />
          <Figure label="Time left" value={!running ? '—' : eta == null ? 'measuring…' : formatDuration(eta * 1000)} testId="figure-eta" />
          <Figure label="Epoch" value={live?.epoch == null ? '—' : live.epoch.toFixed(1)} testId="figure-epoch" />
          <Figure label="Device" value={live?.provider ?? run?.provider ?? '—'} testId="figure-device" />
        </Stack>
      </Paper>
      {(run?.fallbacks ?? []).map((f) => (
        <Alert key={f.at} severity="warning" data-testid="device-fallback">
          {trainFallbackNotice(f)}
        </Alert>
      ))}
      {view.error !== null && <ErrorNotice error={view.error} />}
      {actionError !== null && <ErrorNotice error={actionError} onClose={() => setActionError(null)} />}
      {exported !== null && (
        <Alert
          severity="success"
          data-testid="export-done"
          onClose={() => setExported(null)}
          action={
            exported[0] !== undefined && (
              <Button color="inherit" size="small" onClick={() => onUseModel(exported[0]?.id ?? '')}>
                Translate with it
              </Button>
            )
          }
        >
          Exported to the library as {exported.map((m) => `“${m.name}”`).join(' and ')}.
        </Alert>
      )}
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '3fr 2fr' }, gap: 2, alignItems: 'start' }}>
        <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' }, gap: 1.5 }} data-testid="loss-charts">
          {lossNames.length === 0 && (
            <Typography variant="body2" color="text.secondary">
              The loss charts start with the first iteration.
            </Typography>
          )}
          {lossNames.map((name) => (
            <LossChart key={name} name={name} iterations={view.iterations} values={view.losses[name] ?? []} />
          ))}
        </Box>
        <SampleTimeline runId={runId} samples={view.samples} mode={run?.mode ?? 'cyclegan'} />
      </Box>
    </Stack>
  );
}
