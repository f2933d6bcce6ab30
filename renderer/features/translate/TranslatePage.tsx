import { startTransition, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import CancelIcon from '@mui/icons-material/CancelOutlined';
import ClearAllIcon from '@mui/icons-material/ClearAll';
import FolderOpenIcon from '@mui/icons-material/FolderOpenOutlined';
import CloudUploadIcon from '@mui/icons-material/CloudUploadOutlined';
import CreateNewFolderIcon from '@mui/icons-material/CreateNewFolderOutlined';
import ReplayIcon from '@mui/icons-material/Replay';
import type { EngineStatus } from '../../../electron/contract/ipc.js';
import type { Settings } from '../../../electron/contract/settings.js';
import type { StudioErrorInfo } from '../../../electron/contract/result.js';
import { filesFromInput } from '../../api/dropped-files.js';
import type { PickedFile } from '../../api/platform.js';
import { FLUSH_MS } from '../../api/useEventBuffer.js';
import { ErrorNotice } from '../../app/ErrorNotice.js';
import { formatDuration } from '../../app/format.js';
import { useStudio } from '../../app/StudioContext.js';
import { useCommand } from '../../app/commands.js';
import { dropZoneSx, useWindowDrop } from '../../app/useWindowDrop.js';
import { BeforeAfterDialog, type CompareTarget } from './BeforeAfterDialog.js';
import { ModelPicker } from './ModelPicker.js';
import { OutputOptions } from './OutputOptions.js';
import { QueueList } from './QueueList.js';
import type { QueueRowActions } from './QueueRow.js';
import { summarize, type QueueItem } from './batch-state.js';
import { useBatch } from './useBatchQueue.js';
import { PanelCard } from '../../app/PanelCard.js';

/** Drop or pick images, watch the queue, compare results. */
export function TranslatePage({
  onProgress,
  engine,
  shown = true,
}: {
  onProgress: (progress: number | null) => void;
  engine: EngineStatus | null;
  /** The page is shown (it stays mounted when hidden; drops then belong to the page shown). */
  shown?: boolean;
}) {
  const { platform, settings, updateSettings, library } = useStudio();
  const { api } = platform;
  const { batch, dispatch, now } = useBatch();
  const models = library?.models ?? null;
  const [attributes, setAttributes] = useState<Record<string, number>>({});
  const [error, setError] = useState<StudioErrorInfo | null>(null);
  const [uploading, setUploading] = useState<{ sent: number; total: number } | null>(null);
  const [compare, setCompare] = useState<CompareTarget | null>(null);
  // Engine restarts are reported by the studio whether or not a file was in flight.
  const [acknowledgedRestarts, setAcknowledgedRestarts] = useState(0);
  const restarted = engine !== null && engine.restarts > acknowledgedRestarts;
  const filePicker = useRef<HTMLInputElement>(null);
  const folderPicker = useRef<HTMLInputElement>(null);

  const summary = useMemo(() => summarize(batch, now), [batch, now]);
  const active = summary.waiting + summary.running > 0;
  useEffect(() => onProgress(active ? summary.progress : null), [active, summary.progress, onProgress]);

  const model = models?.find((m) => m.id === settings?.model) ?? models?.[0];

  /** Starts a batch of inputs the studio can use as they are (host paths from the system's dialog). */
  const startInputs = useCallback(
    async (inputs: string[]) => {
      if (model === undefined) {
        setError({ code: 'MODEL_NOT_FOUND', message: 'Add a model on the Library page first.' });
        return;
      }
      if (inputs.length === 0) return;
      setError(null);
      const started = await api.jobsStart({ inputs, model: model.id, ...(model.attributes.length > 0 ? { attributes } : {}) });
      if (started.ok) startTransition(() => dispatch({ type: 'added', started: started.data }));
      else setError(started.error);
    },
    [api, model, attributes, dispatch],
  );

  const addFiles = useCallback(
    async (files: PickedFile[]) => {
      if (model === undefined) {
        setError({ code: 'MODEL_NOT_FOUND', message: 'Add a model on the Library page first.' });
        return;
      }
      setError(null);
      setUploading({ sent: 0, total: files.length });
      // Upload progress is shown at most every 100 ms: one render per file would flood a big drop.
      let shown = 0;
      try {
        const inputs = await platform.prepareInputs(files, (sent, total) => {
          const at = performance.now();
          if (at - shown < FLUSH_MS && sent < total) return;
          shown = at;
          setUploading({ sent, total });
        });
        const started = await api.jobsStart({ inputs, model: model.id, ...(model.attributes.length > 0 ? { attributes } : {}) });
        if (started.ok) startTransition(() => dispatch({ type: 'added', started: started.data }));
        else setError(started.error);
      } catch (err) {
        setError({ code: 'IO_ERROR', message: err instanceof Error ? err.message : String(err) });
      } finally {
        setUploading(null);
      }
    },
    [api, platform, model, attributes, dispatch],
  );
  const dragging = useWindowDrop(addFiles, shown);

  const actions = useMemo<QueueRowActions>(
    () => ({
      cancel: (item) => void api.jobsCancel({ jobId: item.jobId, index: item.index }),
      compare: (item) => setCompare({ name: item.name, before: platform.mediaUrl(item.jobId, item.index, 'input', 'view'), after: platform.mediaUrl(item.jobId, item.index, 'output', 'view') }),
      open: (item, reveal) => void api.outputsOpen({ jobId: item.jobId, index: item.index, reveal }).then((r) => !r.ok && setError(r.error)),
      thumbnailUrl: (item: QueueItem) => platform.mediaUrl(item.jobId, item.index, item.status === 'done' ? 'output' : 'input', 'thumb'),
      downloadUrl: (item) => platform.downloadUrl(item.jobId, item.index),
      canOpen: platform.mode === 'desktop',
      ...(platform.mode === 'desktop' ? { drag: (item: QueueItem) => void api.outputsDrag({ jobId: item.jobId, index: item.index }) } : {}),
    }),
    [api, platform],
  );

  const selectModel = useCallback((id: string) => void updateSettings({ model: id }), [updateSettings]);
  const changeOutput = useCallback((patch: Partial<Settings>) => void updateSettings(patch), [updateSettings]);

  const jobIds = useMemo(() => [...new Set(batch.items.map((i) => i.jobId))], [batch.items]);
  const cancelAll = (): void => jobIds.forEach((jobId) => void api.jobsCancel({ jobId }));
  const retryFailed = (): void => jobIds.forEach((jobId) => void api.jobsRetry({ jobId }));
  const lastJob = jobIds[jobIds.length - 1];

  // The system's dialog in the desktop app (paths, nothing listed first); the page's pickers in browser mode.
  const pick = (kind: 'images' | 'folder'): void => {
    if (platform.mode === 'desktop') void api.dialogPick({ kind }).then((r) => (r.ok ? void startInputs(r.data.paths) : setError(r.error)));
    else (kind === 'images' ? filePicker : folderPicker).current?.click();
  };
  const showOutputFolder = (): void => {
    if (lastJob === undefined) return;
    void api.outputsOpenFolder({ jobId: lastJob }).then((r) => !r.ok && setError({ ...r.error, code: 'BAD_ARGUMENT' }));
  };
  useCommand('open-images', () => pick('images'), shown);
  useCommand('open-folder', () => pick('folder'), shown);
  useCommand('start', () => summary.failed + summary.cancelled > 0 && !active && retryFailed(), shown);
  useCommand('cancel', () => summary.waiting > 0 && cancelAll(), shown);
  useCommand('open-output-folder', showOutputFolder, shown);

  const onPicked = (list: FileList | null): void => {
    if (list !== null && list.length > 0) void addFiles(filesFromInput(list));
  };

  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: 'minmax(0,1fr) 340px' }, gap: 3, alignItems: 'start' }}>
      <Stack spacing={2} sx={{ minWidth: 0 }}>
        {(restarted || batch.engineNotice !== null) && (
          <Alert
            severity="warning"
            onClose={() => {
              setAcknowledgedRestarts(engine?.restarts ?? 0);
              dispatch({ type: 'dismiss-engine-notice' });
            }}
            data-testid="engine-notice"
          >
            The translation engine stopped ({engine?.lastExit ?? batch.engineNotice?.reason ?? 'unknown reason'})
            {engine?.state === 'failed' ? '. It stopped too often to be restarted again: save your work and restart the studio.' : '. It was restarted and the batch carries on where it was; no file is translated twice.'}
          </Alert>
        )}
        {error !== null && <ErrorNotice error={error} onClose={() => setError(null)} />}
        <Card sx={dropZoneSx(dragging)}>
          <CardContent sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
            <CloudUploadIcon color="primary" sx={{ fontSize: 40 }} />
            <Box sx={{ flex: 1, minWidth: 200 }}>
              <Typography variant="subtitle1" sx={{ fontWeight: 600 }}>
                {dragging ? 'Drop to translate' : 'Drop images or folders anywhere'}
              </Typography>
              <Typography variant="body2" color="text.secondary">
                PNG, JPEG, WebP, TIFF and more. Folders are searched for images. Outputs go to {settings?.outputDir ?? 'your output folder'}.
              </Typography>
            </Box>
            <Button variant="contained" startIcon={<CloudUploadIcon />} onClick={() => pick('images')} disabled={model === undefined}>
              Choose images
            </Button>
            <Button variant="outlined" startIcon={<CreateNewFolderIcon />} onClick={() => pick('folder')} disabled={model === undefined}>
              Choose a folder
            </Button>
            <input ref={filePicker} type="file" accept="image/*" multiple hidden data-testid="file-input" onChange={(e) => onPicked(e.currentTarget.files)} />
            <input
              ref={folderPicker}
              type="file"
              multiple
              hidden
              data-testid="folder-input"
              {...({ webkitdirectory: '' } as Record<string, string>)}
              onChange={(e) => onPicked(e.currentTarget.files)}
            />
          </CardContent>
          {uploading !== null && <LinearProgress variant="determinate" value={(uploading.sent / Math.max(1, uploading.total)) * 100} aria-label="Adding files" />}
        </Card>

        <Card>
          <Box sx={{ p: 2, display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
            <Box sx={{ flex: 1, minWidth: 220 }}>
              <Typography variant="subtitle1" sx={{ fontWeight: 600 }} data-testid="batch-summary">
                {summary.total === 0
                  ? 'Queue'
                  : `${summary.done} of ${summary.total} translated${summary.failed > 0 ? ` · ${summary.failed} failed` : ''}${summary.cancelled > 0 ? ` · ${summary.cancelled} cancelled` : ''}`}
              </Typography>
              <Typography variant="caption" color="text.secondary" data-testid="batch-eta">
                {active ? (summary.etaMs === null ? 'Estimating time left…' : `About ${formatDuration(summary.etaMs)} left`) : summary.total > 0 ? 'All done' : 'Nothing queued yet'}
              </Typography>
            </Box>
            <Button startIcon={<CancelIcon />} onClick={cancelAll} disabled={summary.waiting === 0}>
              Cancel all
            </Button>
            <Button startIcon={<ReplayIcon />} onClick={retryFailed} disabled={active || summary.failed + summary.cancelled === 0}>
              Retry failed
            </Button>
            <Button startIcon={<ClearAllIcon />} onClick={() => dispatch({ type: 'clear-finished' })} disabled={summary.total === summary.waiting + summary.running}>
              Clear finished
            </Button>
            {platform.mode === 'desktop' && (
              <Button startIcon={<FolderOpenIcon />} onClick={showOutputFolder} disabled={lastJob === undefined}>
                Output folder
              </Button>
            )}
          </Box>
          <LinearProgress variant="determinate" value={summary.progress * 100} aria-label="Batch progress" data-testid="batch-progress" sx={{ height: 4 }} />
          {batch.items.length === 0 ? (
            <Box sx={{ p: 5, textAlign: 'center' }}>
              <Typography variant="body1" sx={{ fontWeight: 500 }}>
                No images yet
              </Typography>
              <Typography variant="body2" color="text.secondary">
                {model === undefined ? 'Pick or import a model on the Library page, then drop images here.' : `Drop photos here to translate them with ${model.name}.`}
              </Typography>
            </Box>
          ) : (
            <QueueList items={batch.items} actions={actions} />
          )}
        </Card>
      </Stack>

      <Stack spacing={2}>
        <PanelCard title="Model">
          {models === null ? (
            <LinearProgress aria-label="Loading models" />
          ) : models.length === 0 ? (
            <Typography variant="body2">No models yet: import one or download one on the Library page.</Typography>
          ) : (
            <ModelPicker models={models} selected={model} onSelect={selectModel} attributes={attributes} onAttributes={setAttributes} />
          )}
        </PanelCard>
        {settings !== null && (
          <PanelCard title="Output">
            <OutputOptions settings={settings} onChange={changeOutput} />
          </PanelCard>
        )}
      </Stack>
      <BeforeAfterDialog target={compare} onClose={() => setCompare(null)} />
    </Box>
  );
}
