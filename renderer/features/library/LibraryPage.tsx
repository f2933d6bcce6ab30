import { useCallback, useEffect, useRef, useState } from 'react';
import { useCommand } from '../../app/commands.js';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import UploadFileIcon from '@mui/icons-material/UploadFileOutlined';
import type { CatalogItem, CatalogProgress, ModelSummary } from '../../../electron/contract/ipc.js';
import type { StudioErrorInfo } from '../../../electron/contract/result.js';
import { filesFromInput } from '../../api/dropped-files.js';
import type { PickedFile } from '../../api/platform.js';
import { useEventBuffer } from '../../api/useEventBuffer.js';
import { ErrorNotice } from '../../app/ErrorNotice.js';
import { useStudio } from '../../app/StudioContext.js';
import { useWindowDrop } from '../../app/useWindowDrop.js';
import { CatalogList } from './CatalogList.js';
import { ModelCard } from './ModelCard.js';

/** Bundled and installed models, importing checkpoints, and the official catalog. */
export function LibraryPage() {
  const { platform, library: listing } = useStudio();
  const { api } = platform;
  const [catalog, setCatalog] = useState<CatalogItem[] | null>(null);
  const [progress, setProgress] = useState<Record<string, CatalogProgress>>({});
  const [error, setError] = useState<StudioErrorInfo | null>(null);
  const [importing, setImporting] = useState<string | null>(null);
  const [imported, setImported] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<ModelSummary | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  // The page is mounted only while shown, so its shortcut is live whenever it exists.
  useCommand('open-images', () => choose(), true);

  // The models come from the studio's one list; the catalog's "installed" marks follow each change here.
  const refresh = useCallback(async () => {
    const official = await api.catalogList({});
    setCatalog((old) => (official.ok ? official.data : (old ?? [])));
  }, [api]);
  useEffect(() => void refresh(), [refresh]);

  useEventBuffer(api, 'catalog:progress', (events) => {
    setProgress((old) => {
      const next = { ...old };
      for (const e of events) next[e.name] = e;
      return next;
    });
  });

  /** Imports each file in turn: its label (as the user knows it) and how to get the studio's input for it. */
  const importEach = useCallback(
    async (files: { label: string; input: () => Promise<string | undefined> }[]) => {
      setError(null);
      setImported(null);
      for (const { label, input } of files) {
        setImporting(label);
        try {
          const path = await input();
          const result = await api.modelsImport({ path: path ?? '', name: label.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '') });
          if (result.ok) setImported(result.data.name);
          else setError({ ...result.error, message: `${label}: ${result.error.message}` });
        } catch (err) {
          setError({ code: 'IO_ERROR', message: err instanceof Error ? err.message : String(err) });
        }
      }
      setImporting(null);
      await refresh();
    },
    [api, refresh],
  );
  const importFiles = useCallback(
    (files: PickedFile[]) => importEach(files.map((picked) => ({ label: picked.relativePath, input: async () => (await platform.prepareInputs([picked]))[0] }))),
    [importEach, platform],
  );
  // The system's dialog in the desktop app (host paths); the page's file picker in browser mode.
  const choose = useCallback(() => {
    if (platform.mode === 'browser') {
      picker.current?.click();
      return;
    }
    void api.dialogPick({ kind: 'model' }).then((r) => {
      if (!r.ok) setError(r.error);
      else void importEach(r.data.paths.map((path) => ({ label: path, input: async () => path })));
    });
  }, [api, importEach, platform.mode]);
  const dragging = useWindowDrop(importFiles);

  const download = async (name: string): Promise<void> => {
    const result = await api.catalogDownload({ name });
    if (!result.ok && result.error.code !== 'CANCELLED') setError(result.error);
    await refresh();
  };

  const confirmDelete = async (): Promise<void> => {
    if (toDelete === null) return;
    const result = await api.modelsDelete({ id: toDelete.id });
    setToDelete(null);
    if (!result.ok) setError(result.error);
    await refresh();
  };

  return (
    <Stack spacing={3}>
      <Card sx={{ borderStyle: 'dashed', borderWidth: 2, borderColor: dragging ? 'primary.main' : 'divider', bgcolor: dragging ? 'action.selected' : 'background.paper' }}>
        <CardContent sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
          <UploadFileIcon color="primary" sx={{ fontSize: 40 }} />
          <Box sx={{ flex: 1, minWidth: 220 }}>
            <Typography variant="subtitle1" sx={{ fontWeight: 600 }}>
              Import a model
            </Typography>
            <Typography variant="body2" color="text.secondary">
              Drop a PyTorch checkpoint (.pth, .pt, .ckpt) or an ONNX model here. Checkpoints are read safely: nothing in them is ever run.
            </Typography>
          </Box>
          <Button variant="contained" startIcon={<UploadFileIcon />} onClick={choose} disabled={importing !== null}>
            Choose a file
          </Button>
          <input
            ref={picker}
            type="file"
            hidden
            accept=".pth,.pt,.ckpt,.onnx"
            data-testid="import-input"
            onChange={(e) => {
              const list = e.currentTarget.files;
              if (list !== null && list.length > 0) void importFiles(filesFromInput(list));
              e.currentTarget.value = '';
            }}
          />
        </CardContent>
        {importing !== null && <LinearProgress aria-label={`Importing ${importing}`} />}
      </Card>
      {imported !== null && (
        <Alert severity="success" onClose={() => setImported(null)} data-testid="import-done">
          Imported “{imported}”. It is ready on the Translate page.
        </Alert>
      )}
      {error !== null && <ErrorNotice error={error} onClose={() => setError(null)} />}

      <section aria-labelledby="your-models">
        <Typography variant="h6" id="your-models" sx={{ mb: 1.5 }}>
          Your models
        </Typography>
        {/* Models and catalog appear together, so the page does not shift when the catalog arrives. */}
        {listing === null || catalog === null ? (
          <LinearProgress aria-label="Loading models" />
        ) : listing.models.length === 0 ? (
          <Typography color="text.secondary">No models yet. Import a checkpoint above or download an official model below.</Typography>
        ) : (
          <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(280px, 1fr))', gap: 2 }}>
            {listing.models.map((m) => (
              <ModelCard key={m.id} model={m} onDelete={setToDelete} />
            ))}
          </Box>
        )}
        {listing?.problems.map((p) => (
          <Alert key={p.path} severity="warning" sx={{ mt: 1.5 }}>
            A model folder could not be read: {p.path} — {p.reason}
          </Alert>
        ))}
      </section>

      <section aria-labelledby="official-models">
        <Typography variant="h6" id="official-models" sx={{ mb: 0.5 }}>
          Official pretrained models
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          Downloaded from the authors’ servers, converted on this computer and kept in your library.
        </Typography>
        <Card>
          <CardContent sx={{ py: 0, '&:last-child': { pb: 0 } }}>
            <CatalogList items={catalog ?? []} progress={progress} onDownload={(n) => void download(n)} onCancel={(name) => void api.catalogCancel({ name })} />
          </CardContent>
        </Card>
      </section>

      <Dialog open={toDelete !== null} onClose={() => setToDelete(null)}>
        <DialogTitle>Delete {toDelete?.name}?</DialogTitle>
        <DialogContent>
          <Typography>The model is removed from your library. Images you translated with it are kept.</Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setToDelete(null)} autoFocus>
            Keep it
          </Button>
          <Button color="error" onClick={() => void confirmDelete()}>
            Delete
          </Button>
        </DialogActions>
      </Dialog>
    </Stack>
  );
}
