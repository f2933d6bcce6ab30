import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import AddPhotoIcon from '@mui/icons-material/AddPhotoAlternateOutlined';
import DownloadIcon from '@mui/icons-material/Download';
import SaveIcon from '@mui/icons-material/SaveOutlined';
import type { StudioErrorInfo } from '../../../electron/contract/result.js';
import type { SketchExample, SketchSaved } from '../../../electron/contract/sketch.js';
import { filesFromDrop, filesFromInput } from '../../api/dropped-files.js';
import type { PickedFile } from '../../api/platform.js';
import { ErrorNotice } from '../../app/ErrorNotice.js';
import { useStudio } from '../../app/StudioContext.js';
import { ExamplePicker } from './ExamplePicker.js';
import { OutputPane } from './OutputPane.js';
import { SketchCanvas, type SketchCanvasHandle } from './SketchCanvas.js';
import { ERASER_WIDTH, PEN_SIZES, SketchToolbar, type ToolChoice } from './SketchToolbar.js';
import { basePicture, emptyHistory, historyReducer, strokeCount, visibleOps, type Stroke } from './sketch-history.js';
import { useSketchPreview } from './useSketchPreview.js';
import { PanelCard } from '../../app/PanelCard.js';
import { ModelSelect } from '../../app/ModelSelect.js';

const DEFAULT_MODEL = 'edges2handbags';
/** The panes' largest side on screen: the canvas is scaled up by a whole factor up to this. */
const MAX_DISPLAY = 416;
/** Mid-stroke previews at most this often, and only when none is being computed. */
const MID_STROKE_MS = 120;

function displaySizeFor(size: number): number {
  const scale = Math.floor(MAX_DISPLAY / size);
  return scale >= 2 ? size * scale : MAX_DISPLAY;
}

function decodeImage(src: string): Promise<HTMLImageElement> {
  const img = new Image();
  img.src = src;
  return img.decode().then(() => img);
}

/** Hands a data URL to the browser as a download (browser mode: the files land where the browser saves them). */
function download(href: string, fileName: string): void {
  if (href === '') return;
  const link = document.createElement('a');
  link.href = href;
  link.download = fileName;
  link.click();
}

/** The picture as a PNG data URL: big previews may come as JPEG, and saved files are PNG. */
async function asPng(src: string): Promise<string> {
  if (src.startsWith('data:image/png')) return src;
  const img = await decodeImage(src);
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  canvas.getContext('2d')?.drawImage(img, 0, 0);
  return canvas.toDataURL('image/png');
}

/** The file name without its folder and extension, as the saved files' name. */
function stemOf(name: string): string {
  return name.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
}

/**
 * The sketch pad: draw at the model's size (pen sizes, eraser, undo and redo, clear), start
 * from an example or a picture traced into edges, and watch the translation follow every
 * stroke; save or download both images.
 */
export function SketchPage({ shown: pageShown }: { /** The page is the one on screen (keyboard shortcuts apply). */ shown: boolean }) {
  const { platform, settings, library } = useStudio();
  const { api } = platform;
  const models = useMemo(() => library?.models.filter((m) => m.kind === 'pix2pix') ?? null, [library]);
  const [modelId, setModelId] = useState<string | null>(null);
  const [examples, setExamples] = useState<SketchExample[] | null>(null);
  const [history, dispatch] = useReducer(historyReducer, emptyHistory);
  const [tool, setTool] = useState<ToolChoice>('medium');
  const [error, setError] = useState<StudioErrorInfo | null>(null);
  const [loading, setLoading] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [name, setName] = useState('');
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<SketchSaved | null>(null);
  const [latency, setLatency] = useState<{ ms: number; for: number } | null>(null);
  const canvas = useRef<SketchCanvasHandle>(null);
  const picker = useRef<HTMLInputElement>(null);
  const strokeEndedAt = useRef<number | null>(null);
  const lastMidStroke = useRef(0);

  useEffect(() => {
    void api.sketchExamples({}).then((r) => (r.ok ? setExamples(r.data) : setError(r.error)));
  }, [api]);

  const model = models?.find((m) => m.id === modelId) ?? models?.find((m) => m.id === DEFAULT_MODEL) ?? models?.[0];
  // Before the list arrives, the default model's size: the canvas does not jump when it does.
  const size = model?.preferredSize ?? 128;
  const displaySize = displaySizeFor(size);
  const preview = useSketchPreview(model?.id, size);

  const ops = useMemo(() => visibleOps(history.done), [history.done]);
  const strokes = useMemo(() => strokeCount(history.done), [history.done]);
  const picture = basePicture(history.done);
  const toolWidth = ((tool === 'eraser' ? ERASER_WIDTH : PEN_SIZES.find((p) => p.id === tool)?.width) ?? 2) * (size / 128);

  // Every repaint from the history (a finished stroke, undo, redo, clear, a picture, another
  // model) asks for the translation of what is now on the canvas.
  const onRendered = useCallback(() => {
    const png = canvas.current?.snapshot();
    if (png === undefined || png === '') return;
    const at = strokeEndedAt.current ?? performance.now();
    strokeEndedAt.current = null;
    preview.request(png, at);
  }, [preview]);

  // A model of the same size repaints nothing: ask for its translation of the same sketch.
  const rendered = useRef(onRendered);
  rendered.current = onRendered;
  const modelKey = model?.id;
  useEffect(() => {
    if (modelKey !== undefined) rendered.current();
  }, [modelKey]);

  const onStroke = useCallback((stroke: Stroke, endedAt: number) => {
    strokeEndedAt.current = endedAt;
    dispatch({ type: 'push', op: stroke });
  }, []);

  const onStrokeProgress = useCallback(() => {
    const now = performance.now();
    if (preview.busy || now - lastMidStroke.current < MID_STROKE_MS) return;
    lastMidStroke.current = now;
    const png = canvas.current?.snapshot();
    if (png !== undefined && png !== '') preview.request(png, null);
  }, [preview]);

  // The time from the request to the picture on screen, measured at the frame that shows it.
  const shown = preview.shown;
  useEffect(() => {
    if (shown === null || shown.requestedAt === null) return;
    const requestedAt = shown.requestedAt;
    const frame = requestAnimationFrame(() => setLatency({ ms: performance.now() - requestedAt, for: shown.shown }));
    return () => cancelAnimationFrame(frame);
  }, [shown]);

  const undo = useCallback(() => dispatch({ type: 'undo' }), []);
  const redo = useCallback(() => dispatch({ type: 'redo' }), []);
  const clear = useCallback(() => dispatch({ type: 'push', op: { kind: 'clear' } }), []);

  useEffect(() => {
    if (!pageShown) return;
    const onKey = (e: KeyboardEvent): void => {
      const target = e.target as HTMLElement | null;
      if (target !== null && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 'z') {
        e.preventDefault();
        dispatch({ type: e.shiftKey ? 'redo' : 'undo' });
      } else if (mod && key === 'y') {
        e.preventDefault();
        dispatch({ type: 'redo' });
      } else if (!mod && !e.altKey) {
        if (key === 'e') setTool('eraser');
        else if (key === 'b') setTool('medium');
        else if (['1', '2', '3'].includes(key)) setTool(PEN_SIZES[Number(key) - 1]?.id ?? 'medium');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [pageShown]);

  const startFrom = useCallback(
    async (src: string, pictureName: string) => {
      const image = await decodeImage(src);
      dispatch({ type: 'push', op: { kind: 'picture', image, name: pictureName } });
      setName(pictureName);
      setSaved(null);
    },
    [],
  );

  const pickExample = useCallback((example: SketchExample) => void startFrom(example.png, example.name), [startFrom]);

  const loadFiles = useCallback(
    async (files: PickedFile[]) => {
      const first = files[0];
      if (first === undefined) return;
      setError(null);
      setLoading(true);
      try {
        const inputs = await platform.prepareInputs([first]);
        const input = inputs[0];
        if (input === undefined) throw new Error(`${first.relativePath} could not be read`);
        const r = await api.sketchEdges({ source: { input }, size });
        if (r.ok) await startFrom(r.data.png, stemOf(first.relativePath));
        else setError(r.error);
      } catch (err) {
        setError({ code: 'IO_ERROR', message: err instanceof Error ? err.message : String(err) });
      } finally {
        setLoading(false);
      }
    },
    [api, platform, size, startFrom],
  );

  const save = async (): Promise<void> => {
    const sketch = canvas.current?.snapshot();
    if (shown === null || model === undefined || sketch === undefined) return;
    setSaving(true);
    try {
      const r = await api.sketchSave({ sketch, output: await asPng(shown.image), model: model.id, name: name.trim() === '' ? 'drawing' : name.trim() });
      if (r.ok) setSaved(r.data);
      else setError(r.error);
    } catch (err) {
      setError({ code: 'BAD_IMAGE', message: err instanceof Error ? err.message : String(err) });
    } finally {
      setSaving(false);
    }
  };

  // Downloads are named as saved files are (the engine's sketchStem does the rest on save).
  const fileStem = name.trim() === '' ? 'drawing' : name.trim().replace(/\s+/g, '-');
  const canUndo = history.done.length > 0;
  const canRedo = history.undone.length > 0;

  return (
    <Box
      data-testid="sketch-page"
      data-strokes={strokes}
      data-can-undo={canUndo ? 'true' : 'false'}
      data-can-redo={canRedo ? 'true' : 'false'}
      data-size={size}
      sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: 'auto auto minmax(260px, 1fr)' }, gap: 3, alignItems: 'start' }}
    >
      {error !== null && (
        <Box sx={{ gridColumn: '1 / -1' }}>
          <ErrorNotice error={error} onClose={() => setError(null)} />
        </Box>
      )}
      {preview.error !== null && (
        <Box sx={{ gridColumn: '1 / -1' }}>
          <ErrorNotice error={preview.error} title="The translation could not be updated." onClose={preview.clearError} />
        </Box>
      )}

      <Card
        onDragEnter={(e) => {
          if (!e.dataTransfer.types.includes('Files')) return;
          e.preventDefault();
          setDragging(true);
        }}
        onDragOver={(e) => {
          if (!e.dataTransfer.types.includes('Files')) return;
          e.preventDefault();
          e.stopPropagation();
          e.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={(e) => {
          // Ours alone: the Translate page listens for drops on the whole window.
          e.preventDefault();
          e.stopPropagation();
          setDragging(false);
          void filesFromDrop(e.dataTransfer).then((files) => void loadFiles(files));
        }}
        sx={{ borderColor: dragging ? 'primary.main' : 'divider', transition: 'border-color .15s' }}
        data-testid="sketch-card"
      >
        <Box sx={{ px: 2, pt: 1.5, pb: 1, display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 1 }}>
          <Typography variant="subtitle1" sx={{ fontWeight: 600 }}>
            Sketch
          </Typography>
          <Typography variant="caption" color="text.secondary" data-testid="sketch-stroke-count">
            {picture !== undefined ? `${picture.name} · ` : ''}
            {strokes === 1 ? '1 stroke' : `${strokes} strokes`}
          </Typography>
        </Box>
        <Box sx={{ px: 2, pb: 1.5, height: 52, display: 'flex', alignItems: 'center' }}>
          <SketchToolbar tool={tool} onTool={setTool} canUndo={canUndo} canRedo={canRedo} canClear={ops.length > 0} onUndo={undo} onRedo={redo} onClear={clear} />
        </Box>
        <Box sx={{ px: 2, position: 'relative' }}>
          <SketchCanvas
            handle={canvas}
            size={size}
            displaySize={displaySize}
            ops={ops}
            tool={tool === 'eraser' ? 'eraser' : 'pen'}
            width={toolWidth}
            onStroke={onStroke}
            onStrokeProgress={onStrokeProgress}
            onRendered={onRendered}
          />
          {ops.length === 0 && (
            <Box sx={{ position: 'absolute', inset: 0, mx: 2, display: 'grid', placeItems: 'center', pointerEvents: 'none', color: 'text.disabled', textAlign: 'center' }}>
              <Typography variant="body2">
                Draw a handbag's outline here,
                <br />
                or start from an example
              </Typography>
            </Box>
          )}
          {(dragging || loading) && (
            <Box sx={{ position: 'absolute', inset: 0, mx: 2, borderRadius: 1, display: 'grid', placeItems: 'center', bgcolor: 'rgba(57,73,171,.12)', border: 2, borderStyle: 'dashed', borderColor: 'primary.main', pointerEvents: 'none' }}>
              <Typography variant="subtitle2" color="primary">
                {loading ? 'Tracing edges…' : 'Drop a picture to trace its edges'}
              </Typography>
            </Box>
          )}
        </Box>
        {loading ? <LinearProgress sx={{ mx: 2, mt: 1 }} aria-label="Tracing edges" /> : <Box sx={{ height: 4, mt: 1 }} />}
        <Box sx={{ px: 2, pb: 2, pt: 0.5, display: 'flex', alignItems: 'center', gap: 1 }}>
          <Button size="small" startIcon={<AddPhotoIcon />} onClick={() => picker.current?.click()} disabled={loading}>
            Load a picture
          </Button>
          <Typography variant="caption" color="text.secondary" sx={{ flex: 1, textAlign: 'right' }}>
            {size} × {size} px{displaySize / size >= 2 ? ` · shown ${displaySize / size}×` : ''} · Ctrl+Z undo
          </Typography>
          <input ref={picker} type="file" accept="image/*" hidden data-testid="sketch-file-input" onChange={(e) => e.currentTarget.files !== null && void loadFiles(filesFromInput(e.currentTarget.files))} />
        </Box>
      </Card>

      <Card>
        <Box sx={{ px: 2, pt: 1.5, pb: 1, display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 1 }}>
          <Typography variant="subtitle1" sx={{ fontWeight: 600 }}>
            Translation
          </Typography>
          {model !== undefined && <Chip size="small" variant="outlined" label={model.name} />}
        </Box>
        <Box sx={{ px: 2, pb: 1.5, height: 52, display: 'flex', alignItems: 'center', gap: 1 }} data-testid="sketch-status">
          <Box
            sx={{ width: 8, height: 8, borderRadius: '50%', flex: 'none', bgcolor: preview.busy ? 'warning.main' : shown !== null ? 'success.main' : 'text.disabled', transition: 'background-color .2s' }}
          />
          <Typography variant="body2" color="text.secondary" sx={{ flex: 1 }}>
            {preview.busy ? (shown === null ? 'Loading the model…' : 'Updating…') : shown !== null ? 'Up to date' : 'Waiting for the model'}
          </Typography>
          {shown !== null && (
            <Typography variant="caption" color="text.secondary" data-testid="sketch-engine-time" title="Time the engine took for this translation">
              {Math.round(shown.ms)} ms on {shown.provider}
            </Typography>
          )}
        </Box>
        <Box sx={{ px: 2 }}>
          <OutputPane shown={shown} sent={preview.sent} computed={preview.computed} busy={preview.busy} displaySize={displaySize} latencyMs={latency?.ms ?? null} latencyFor={latency?.for ?? 0} modelName={model?.name ?? 'the model'} />
        </Box>
        <Box sx={{ height: 4, mt: 1 }} />
        <Box sx={{ px: 2, pb: 2, pt: 0.5, minHeight: 46, display: 'flex', alignItems: 'center' }}>
          <Typography variant="caption" color="text.secondary">
            {model === undefined ? 'No pix2pix model in the library' : `${model.architecture} · trained at ${model.preferredSize} px`}
          </Typography>
        </Box>
      </Card>

      <Stack spacing={2} sx={{ minWidth: 0 }}>
        <PanelCard title="Model">
          {models === null ? (
            <LinearProgress aria-label="Loading models" />
          ) : models.length === 0 ? (
            <Typography variant="body2">No pix2pix model yet: import or download one on the Library page.</Typography>
          ) : (
            <ModelSelect label="Model" models={models} value={model?.id ?? ''} onChange={setModelId} testId="sketch-model-select" sx={{ mt: 0.5 }} />
          )}
        </PanelCard>
        <PanelCard title="Start from an example">
          <ExamplePicker examples={examples} current={picture?.name} onPick={pickExample} />
        </PanelCard>
        <PanelCard title="Save">
          <Stack spacing={1.5} sx={{ mt: 0.5 }}>
            <TextField size="small" label="Name" value={name} placeholder="drawing" onChange={(e) => setName(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'sketch-name' } }} />
            <Button variant="contained" startIcon={<SaveIcon />} onClick={() => void save()} disabled={shown === null || saving}>
              Save sketch and translation
            </Button>
            {platform.mode === 'browser' && (
              <Stack direction="row" spacing={1}>
                <Button size="small" variant="outlined" startIcon={<DownloadIcon />} disabled={ops.length === 0} sx={{ flex: 1 }} onClick={() => download(canvas.current?.snapshot() ?? '', `${fileStem}-sketch.png`)}>
                  Sketch
                </Button>
                <Button
                  size="small"
                  variant="outlined"
                  startIcon={<DownloadIcon />}
                  disabled={shown === null}
                  sx={{ flex: 1 }}
                  onClick={() => shown !== null && void asPng(shown.image).then((png) => download(png, `${fileStem}-${model?.id ?? 'output'}.png`))}
                >
                  Translation
                </Button>
              </Stack>
            )}
            {saved !== null && (
              <Alert severity="success" onClose={() => setSaved(null)} data-testid="sketch-saved">
                Saved <strong>{saved.sketch.replace(/^.*[\\/]/, '')}</strong> and <strong>{saved.output.replace(/^.*[\\/]/, '')}</strong>
                {settings !== null ? ` in ${settings.outputDir}` : ''}
              </Alert>
            )}
          </Stack>
        </PanelCard>
      </Stack>
    </Box>
  );
}
