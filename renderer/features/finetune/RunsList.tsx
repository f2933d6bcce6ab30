import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { RunInfo } from '../../../electron/contract/finetune.js';
import type { ModelSummary } from '../../../electron/contract/ipc.js';
import type { StudioErrorInfo } from '../../../electron/contract/result.js';
import { ErrorNotice } from '../../app/ErrorNotice.js';
import { useStudio } from '../../app/StudioContext.js';
import { StatusChip } from './StatusChip.js';

const folderName = (path: string | undefined): string => (path === undefined ? '' : (path.split(/[/\\]/).filter((p) => p !== '').at(-1) ?? path));

function RunRow({ run, onOpen, onChanged, onExported }: { run: RunInfo; onOpen: (id: string) => void; onChanged: () => void; onExported: (models: ModelSummary[]) => void }) {
  const { platform } = useStudio();
  const { api } = platform;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<StudioErrorInfo | null>(null);
  const latest = run.samples.at(-1);
  const s = run.settings;
  const act = async (work: () => Promise<{ ok: boolean; error?: StudioErrorInfo }>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    const r = await work();
    setBusy(false);
    if (!r.ok && r.error !== undefined) setError(r.error);
    onChanged();
    return r.ok;
  };
  const data = [folderName(s.dataA), folderName(s.dataB)].filter((d) => d !== '').join(' ↔ ');
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="run-row" data-run={run.id} data-status={run.status}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Box
          sx={{ width: 144, height: 96, flex: 'none', bgcolor: 'action.hover', borderRadius: 1, overflow: 'hidden', display: 'flex', alignItems: 'center', justifyContent: 'center' }}
        >
          {latest !== undefined ? (
            <Box component="img" src={platform.runMediaUrl(run.id, latest)} alt={`Latest sample of ${run.name}`} sx={{ width: '100%', height: '100%', objectFit: 'contain', imageRendering: 'pixelated' }} />
          ) : (
            <Typography variant="caption" color="text.secondary">
              no sample yet
            </Typography>
          )}
        </Box>
        <Box sx={{ flex: 1, minWidth: 0 }}>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 0.5 }}>
            <Typography variant="subtitle2" noWrap>
              {run.name}
            </Typography>
            <StatusChip status={run.status} />
          </Stack>
          <Typography variant="body2" color="text.secondary" noWrap>
            {run.mode}
            {s.edges ? ' (edges)' : ''} · {run.status === 'running' ? 'last checkpoint at' : 'iteration'} {run.iteration} of {run.iterations} · {s.size} px · {s.arch} ngf {s.ngf}
            {s.from === undefined ? '' : ` · from ${s.from}`}
          </Typography>
          <Typography variant="caption" color="text.secondary" component="div" noWrap>
            Data: {data} ({Object.entries(run.counts).map(([k, v]) => `${k} ${v}`).join(', ')}) · started {new Date(run.createdAt).toLocaleString()}
            {run.exports.length > 0 ? ` · exported as ${run.exports.join(', ')}` : ''}
          </Typography>
          {run.fallbacks.map((f) => (
            <Typography key={f.at} variant="caption" color="warning.main" component="div" noWrap data-testid="run-fallback">
              {f.provider} failed at iteration {f.failedAt}: on the CPU from iteration {f.iteration}
            </Typography>
          ))}
        </Box>
        <Stack direction="row" spacing={1}>
          <Button size="small" onClick={() => onOpen(run.id)}>
            Open
          </Button>
          {(run.status === 'paused' || run.status === 'interrupted' || run.status === 'stopped') && (
            <Button size="small" variant="outlined" disabled={busy} onClick={() => void act(() => api.trainingResume({ runId: run.id })).then((ok) => ok && onOpen(run.id))}>
              Resume
            </Button>
          )}
          <Button
            size="small"
            variant="outlined"
            disabled={busy || run.iteration === 0}
            onClick={() =>
              void act(async () => {
                const r = await api.trainingExport({ runId: run.id });
                if (r.ok) onExported(r.data);
                return r;
              })
            }
          >
            Export
          </Button>
          <Button size="small" color="error" disabled={busy || run.status === 'running'} onClick={() => void act(() => api.trainingDelete({ runId: run.id }))} data-testid="run-delete">
            Delete
          </Button>
        </Stack>
      </Stack>
      {error !== null && (
        <Box sx={{ mt: 1 }}>
          <ErrorNotice error={error} onClose={() => setError(null)} />
        </Box>
      )}
    </Paper>
  );
}

/** Every run under the studio home, newest first, with what can be done with each. */
export function RunsList({ runs, onOpen, onChanged, onExported }: { runs: RunInfo[]; onOpen: (id: string) => void; onChanged: () => void; onExported: (models: ModelSummary[]) => void }) {
  return (
    <Stack spacing={1} data-testid="runs-list">
      <Typography variant="subtitle1" sx={{ fontWeight: 600 }}>
        Runs
      </Typography>
      {runs.length === 0 && (
        <Typography variant="body2" color="text.secondary">
          No runs yet: your first one appears here as soon as it starts.
        </Typography>
      )}
      {runs.map((run) => (
        <RunRow key={run.id} run={run} onOpen={onOpen} onChanged={onChanged} onExported={onExported} />
      ))}
    </Stack>
  );
}
