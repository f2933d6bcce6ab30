import { useEffect, useRef, useState, type DragEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import FolderOpenIcon from '@mui/icons-material/FolderOpen';
import type { FolderCheckInfo } from '../../../electron/contract/finetune.js';
import type { StudioErrorInfo } from '../../../electron/contract/result.js';
import { filesFromDrop, filesFromInput } from '../../api/dropped-files.js';
import type { PickedFile } from '../../api/platform.js';
import { ErrorNotice } from '../../app/ErrorNotice.js';
import { useStudio } from '../../app/StudioContext.js';

const THUMBNAILS = 8;
const IMAGE_NAME = /\.(png|jpe?g|webp|bmp|tiff?|gif|avif)$/i;

/**
 * One training folder: pick it or drop it, then see at once what training will find in it
 * (image count, a thumbnail strip, skipped files, warnings).
 */
export function FolderField({ label, hint, testId, check, onCheck }: { label: string; hint: string; testId: string; check: FolderCheckInfo | null; onCheck: (check: FolderCheckInfo | null) => void }) {
  const { platform } = useStudio();
  const picker = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<StudioErrorInfo | null>(null);
  const [thumbnails, setThumbnails] = useState<string[]>([]);
  const [over, setOver] = useState(false);

  useEffect(() => () => thumbnails.forEach((u) => URL.revokeObjectURL(u)), [thumbnails]);

  const take = async (files: PickedFile[]): Promise<void> => {
    if (files.length === 0) return;
    // The strip shows the picked files themselves: no round trip for pictures the page already has.
    setThumbnails(files.filter((f) => IMAGE_NAME.test(f.relativePath)).slice(0, THUMBNAILS).map((f) => URL.createObjectURL(f.file)));
    await checkInputs(() => platform.prepareInputs(files, (sent, total) => setProgress(sent / Math.max(1, total))));
  };

  const checkInputs = async (prepare: () => Promise<string[]>): Promise<void> => {
    setError(null);
    setProgress(0);
    onCheck(null);
    try {
      const inputs = await prepare();
      const r = await platform.api.trainingCheck({ inputs });
      if (r.ok) onCheck(r.data);
      else setError(r.error);
    } catch (err) {
      setError({ code: 'IO_ERROR', message: err instanceof Error ? err.message : String(err) });
    } finally {
      setProgress(null);
    }
  };

  // The desktop app asks the system's dialog for the folder (its path, no file listed first);
  // browser mode reads the picked folder's files in the page and uploads them.
  const choose = (): void => {
    if (platform.mode === 'browser') {
      picker.current?.click();
      return;
    }
    void platform.api.dialogPick({ kind: 'folder', title: label }).then((r) => {
      if (!r.ok) setError(r.error);
      else if (r.data.paths.length > 0) {
        setThumbnails([]);
        void checkInputs(async () => r.data.paths);
      }
    });
  };

  const drop = (e: DragEvent): void => {
    e.preventDefault();
    // The Translate page listens for drops on the whole window: this one is for training.
    e.stopPropagation();
    setOver(false);
    void filesFromDrop(e.dataTransfer).then(take);
  };

  return (
    <Paper
      variant="outlined"
      data-testid={testId}
      onDragOver={(e) => {
        e.preventDefault();
        e.stopPropagation();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
      sx={{ p: 2, borderStyle: 'dashed', borderColor: over ? 'primary.main' : 'divider', bgcolor: over ? 'action.hover' : 'transparent', minWidth: 0 }}
    >
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1 }}>
        <Box sx={{ flex: 1, minWidth: 0 }}>
          <Typography variant="subtitle2">{label}</Typography>
          <Typography variant="caption" color="text.secondary">
            {hint}
          </Typography>
        </Box>
        <Button size="small" variant="outlined" startIcon={<FolderOpenIcon />} onClick={choose}>
          {check === null ? 'Choose folder' : 'Change'}
        </Button>
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          data-testid={`${testId}-input`}
          {...({ webkitdirectory: '' } as Record<string, string>)}
          onChange={(e) => {
            const list = e.currentTarget.files;
            if (list !== null) void take(filesFromInput(list));
            e.currentTarget.value = '';
          }}
        />
      </Stack>
      {progress !== null && <LinearProgress variant={progress > 0 ? 'determinate' : 'indeterminate'} value={progress * 100} aria-label="Reading the folder" />}
      {check === null && progress === null && (
        <Typography variant="body2" color="text.secondary" sx={{ py: 1 }}>
          Drop a folder here, or choose one.
        </Typography>
      )}
      {check !== null && (
        <Box data-testid={`${testId}-check`}>
          <Typography variant="body2" sx={{ mb: 1 }}>
            <b data-testid={`${testId}-count`}>{check.count}</b> image{check.count === 1 ? '' : 's'} in <b>{check.name}</b>
            {check.attributes.length > 0 ? ` · attributes: ${check.attributes.join(', ')}` : ''}
          </Typography>
          <Box sx={{ display: 'flex', gap: 0.5, overflow: 'hidden', mb: 1 }}>
            {thumbnails.map((url) => (
              <Box key={url} component="img" src={url} alt="" sx={{ width: 56, height: 56, objectFit: 'cover', borderRadius: 0.5, flex: 'none' }} data-testid="folder-thumbnail" />
            ))}
          </Box>
          {check.warnings.map((w) => (
            <Alert key={w} severity={w.startsWith('no readable') || w.startsWith('only 1 ') ? 'error' : 'warning'} sx={{ py: 0, mb: 0.5 }} data-testid="folder-warning">
              {w}
            </Alert>
          ))}
          {check.skipped.length > 0 && (
            <Box component="details" sx={{ mt: 0.5 }}>
              <Typography component="summary" variant="caption" sx={{ cursor: 'pointer' }}>
                Skipped files
              </Typography>
              {check.skipped.map((s) => (
                <Typography key={s.path} variant="caption" component="div" color="text.secondary" data-testid="skipped-file">
                  {s.path.split(/[/\\]/).at(-1)}: {s.reason}
                </Typography>
              ))}
            </Box>
          )}
        </Box>
      )}
      {error !== null && <ErrorNotice error={error} onClose={() => setError(null)} />}
    </Paper>
  );
}
