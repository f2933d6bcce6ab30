import { startTransition, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import AddPhotoIcon from '@mui/icons-material/AddPhotoAlternateOutlined';
import CropIcon from '@mui/icons-material/Crop';
import SendIcon from '@mui/icons-material/PlaylistPlay';
import TuneIcon from '@mui/icons-material/Tune';
import type { AttributePreset } from '../../../electron/contract/settings.js';
import { queueItemRef } from '../../../electron/contract/preview.js';
import type { StudioErrorInfo } from '../../../electron/contract/result.js';
import { filesFromInput } from '../../api/dropped-files.js';
import type { PickedFile } from '../../api/platform.js';
import { ErrorNotice } from '../../app/ErrorNotice.js';
import { useStudio } from '../../app/StudioContext.js';
import { useCommand } from '../../app/commands.js';
import { dropZoneSx, useWindowDrop } from '../../app/useWindowDrop.js';
import { useLivePreview } from '../live/useLivePreview.js';
import type { QueueItem } from '../translate/batch-state.js';
import { useBatch } from '../translate/useBatchQueue.js';
import { AttributeSliders, type ChangePhase } from './AttributeSliders.js';
import { defaultValues, sameValues, valuesFromPreset, withPreset, type AttributeValues } from './attribute-values.js';
import { PresetsPanel } from './PresetsPanel.js';
import { PreviewPanel } from './PreviewPanel.js';
import { QueueMenuButton } from './SourcePicker.js';
import { PanelCard } from '../../app/PanelCard.js';
import { ModelSelect } from '../../app/ModelSelect.js';

/** Longest side of the drafts computed while a slider moves; release computes full size. */
export const DRAFT_SIDE = 128;

/** The picture being edited: an engine input (upload, host path or queue item) and how to show it. */
interface ChosenImage {
  name: string;
  input: string;
  url: string;
  /** An object URL of a picked file, revoked when the picture changes. */
  ownedUrl: boolean;
}

/**
 * Attribute sliders on one picture with a live preview: drafts while a slider moves, full size
 * when it settles; presets per model; and "Apply to batch" through the Translate queue.
 */
export function AttributesPage({ shown, onApplied }: { shown: boolean; onApplied: () => void }) {
  const { platform, settings, library } = useStudio();
  const { api } = platform;
  const { batch, dispatch } = useBatch();
  const live = useLivePreview('attributes');
  const [modelId, setModelId] = useState<string | null>(null);
  const [values, setValues] = useState<AttributeValues>({});
  const valuesRef = useRef<AttributeValues>({});
  const [image, setImage] = useState<ChosenImage | null>(null);
  const [inputEvents, setInputEvents] = useState(0);
  const [error, setError] = useState<StudioErrorInfo | null>(null);
  const [adding, setAdding] = useState(false);
  const [applying, setApplying] = useState(false);
  const filePicker = useRef<HTMLInputElement>(null);

  const models = library?.models ?? null;
  const conditional = useMemo(() => (models ?? []).filter((m) => m.kind === 'conditional'), [models]);
  const model = conditional.find((m) => m.id === modelId) ?? conditional.find((m) => m.id === 'scene-attributes') ?? conditional[0];
  const modelKey = model?.id;

  const preview = useCallback(
    (next: AttributeValues, draft: boolean) => {
      if (modelKey === undefined || image === null) return;
      live.render({ model: modelKey, source: { input: image.input }, attributes: next, ...(draft ? { maxSide: DRAFT_SIDE } : { settled: true }) });
    },
    [modelKey, image, live.render],
  );

  // A new model starts from its defaults; a new model or picture is previewed at full size.
  const lastModel = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (model === undefined) return;
    if (lastModel.current !== model.id) {
      lastModel.current = model.id;
      valuesRef.current = defaultValues(model);
      setValues(valuesRef.current);
    }
    live.clear();
    preview(valuesRef.current, false);
    // Only a change of model or picture previews here; slider moves preview themselves.
  }, [modelKey, image]);

  useEffect(
    () => () => {
      if (image?.ownedUrl === true) URL.revokeObjectURL(image.url);
    },
    [image],
  );

  const onSlider = useCallback(
    (name: string, value: number, phase: ChangePhase) => {
      const next = { ...valuesRef.current, [name]: value };
      valuesRef.current = next;
      setValues(next);
      if (phase !== 'settled') setInputEvents((n) => n + 1);
      if (phase !== 'stepped') preview(next, phase === 'moving');
    },
    [preview],
  );

  const setAll = useCallback(
    (next: AttributeValues) => {
      valuesRef.current = next;
      setValues(next);
      preview(next, false);
    },
    [preview],
  );

  const chooseFiles = useCallback(
    async (files: PickedFile[]) => {
      const picked = files.find((f) => f.file.type.startsWith('image/') || /\.(png|jpe?g|webp|tiff?|bmp|gif|avif|heic)$/i.test(f.file.name)) ?? files[0];
      if (picked === undefined) return;
      setError(null);
      setAdding(true);
      try {
        const [input] = await platform.prepareInputs([{ file: picked.file, relativePath: picked.file.name }]);
        if (input === undefined) throw new Error(`${picked.file.name} could not be opened`);
        setImage({ name: picked.file.name, input, url: URL.createObjectURL(picked.file), ownedUrl: true });
      } catch (err) {
        setError({ code: 'IO_ERROR', message: err instanceof Error ? err.message : String(err) });
      } finally {
        setAdding(false);
      }
    },
    [platform],
  );
  const dragging = useWindowDrop(chooseFiles, shown);

  const queueItems = useMemo(() => batch.items.filter((i) => i.status !== 'failed'), [batch.items]);
  const pickQueued = useCallback(
    (item: QueueItem) => {
      setError(null);
      setImage({ name: item.name, input: queueItemRef(item.jobId, item.index), url: platform.mediaUrl(item.jobId, item.index, 'input', 'view'), ownedUrl: false });
    },
    [platform],
  );
  const thumbnailUrl = useCallback((item: QueueItem) => platform.mediaUrl(item.jobId, item.index, 'input', 'thumb'), [platform]);

  const presets: readonly AttributePreset[] = (model === undefined ? undefined : settings?.attributePresets[model.id]) ?? [];
  const activePreset = model === undefined ? null : (presets.find((p) => sameValues(valuesFromPreset(model, p), values))?.name ?? null);
  const savePresets = async (next: AttributePreset[]): Promise<boolean> => {
    if (model === undefined || settings === null) return false;
    const r = await api.settingsSet({ attributePresets: { ...settings.attributePresets, [model.id]: next } });
    if (!r.ok) setError(r.error);
    return r.ok;
  };

  const apply = async (): Promise<void> => {
    if (model === undefined) return;
    const inputs = queueItems.length > 0 ? queueItems.map((i) => queueItemRef(i.jobId, i.index)) : image === null ? [] : [image.input];
    if (inputs.length === 0) return;
    setApplying(true);
    setError(null);
    const started = await api.jobsStart({ inputs, model: model.id, attributes: { ...valuesRef.current } });
    setApplying(false);
    if (!started.ok) {
      setError(started.error);
      return;
    }
    startTransition(() => dispatch({ type: 'added', started: started.data }));
    onApplied();
  };

  useCommand('open-images', () => filePicker.current?.click(), shown);
  useCommand('start', () => void apply(), shown);

  if (models !== null && conditional.length === 0) {
    return (
      <Card data-testid="attributes-page">
        <CardContent sx={{ textAlign: 'center', py: 6 }}>
          <TuneIcon color="disabled" sx={{ fontSize: 48 }} />
          <Typography variant="h6">No model with attribute sliders</Typography>
          <Typography variant="body2" color="text.secondary">
            The Attributes page works with conditional models (StarGAN style). Download StarGAN CelebA on the Library page, or train one on the Fine-tune page.
          </Typography>
        </CardContent>
      </Card>
    );
  }

  const changed = model !== undefined && !sameValues(values, defaultValues(model));

  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: 'minmax(0,1fr) 340px' }, gap: 3, alignItems: 'start' }} data-testid="attributes-page">
      <Stack spacing={2} sx={{ minWidth: 0 }}>
        {error !== null && <ErrorNotice error={error} onClose={() => setError(null)} />}
        {model?.preprocess !== undefined && (
          <Alert severity="info" icon={<CropIcon />} data-testid="crop-note">
            This model crops: each picture is cut to its centred square and resized to {model.preprocess.size} × {model.preprocess.size} px, as it was trained on faces framed
            that way. Previews and batch outputs are square.
          </Alert>
        )}
        {image === null ? (
          <Card sx={dropZoneSx(dragging)}>
            <CardContent sx={{ py: 6, display: 'flex', flexDirection: 'column', alignItems: 'center', textAlign: 'center', gap: 1.5 }}>
              <TuneIcon color="primary" sx={{ fontSize: 44 }} />
              <Typography variant="h6" component="h2">
                {dragging ? 'Drop to edit this picture' : 'Pick a picture to edit its attributes'}
              </Typography>
              <Typography variant="body2" color="text.secondary" sx={{ maxWidth: 460 }}>
                Drop an image anywhere, choose one, or take one from the Translate queue. The preview follows the sliders as you move them.
              </Typography>
              <Stack direction="row" spacing={1.5} sx={{ mt: 1 }}>
                <Button variant="contained" startIcon={<AddPhotoIcon />} onClick={() => filePicker.current?.click()} disabled={model === undefined}>
                  Choose an image
                </Button>
                <QueueMenuButton items={queueItems} thumbnailUrl={thumbnailUrl} onPick={pickQueued} />
              </Stack>
            </CardContent>
            {adding && <LinearProgress aria-label="Adding the picture" />}
          </Card>
        ) : (
          <Card>
            <CardContent>
              <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5, mb: 2, flexWrap: 'wrap' }}>
                <Box sx={{ flex: 1, minWidth: 180 }}>
                  <Typography variant="subtitle1" sx={{ fontWeight: 600, overflowWrap: 'anywhere' }} data-testid="attribute-image-name">
                    {image.name}
                  </Typography>
                  <Typography variant="caption" color="text.secondary">
                    {model?.name ?? ''}
                    {dragging ? ' · drop to replace the picture' : ''}
                  </Typography>
                </Box>
                <Button startIcon={<AddPhotoIcon />} onClick={() => filePicker.current?.click()}>
                  Another image
                </Button>
                <QueueMenuButton items={queueItems} thumbnailUrl={thumbnailUrl} onPick={pickQueued} variant="text" />
              </Box>
              <PreviewPanel originalUrl={image.url} originalName={image.name} frame={live.frame} busy={live.busy} error={live.error} inputEvents={inputEvents} computed={live.computed} requested={live.sent} />
            </CardContent>
            {adding && <LinearProgress aria-label="Adding the picture" />}
          </Card>
        )}
        {model !== undefined && (
          <PanelCard title="Presets">
            <PresetsPanel
              presets={presets}
              activeName={activePreset}
              onApply={(p) => setAll(valuesFromPreset(model, p))}
              onSave={(name) => savePresets(withPreset(presets, name, valuesRef.current))}
              onDelete={(p) => void savePresets(presets.filter((q) => q !== p))}
            />
          </PanelCard>
        )}
        <input
          ref={filePicker}
          type="file"
          accept="image/*"
          hidden
          data-testid="attribute-file-input"
          onChange={(e) => {
            const list = e.currentTarget.files;
            if (list !== null && list.length > 0) void chooseFiles(filesFromInput(list));
            e.currentTarget.value = '';
          }}
        />
      </Stack>

      <Stack spacing={2}>
        <PanelCard title="Model">
          {models === null || model === undefined ? (
            <LinearProgress aria-label="Loading models" />
          ) : (
            <>
              <ModelSelect label="Conditional model" models={conditional} value={model.id} onChange={setModelId} testId="attributes-model-select" sx={{ mt: 0.5 }} />
              <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
                {model.description}
              </Typography>
            </>
          )}
        </PanelCard>
        {model !== undefined && (
          <PanelCard title="Attributes">
            <AttributeSliders model={model} values={values} onChange={onSlider} onReset={() => setAll(defaultValues(model))} changed={changed} />
          </PanelCard>
        )}
        {model !== undefined && (
          <PanelCard title="Batch">
            <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }} data-testid="apply-summary">
              {queueItems.length > 0
                ? `Translates the ${queueItems.length === 1 ? 'image' : `${queueItems.length} images`} of the Translate queue with these values.`
                : image !== null
                  ? 'The Translate queue is empty: translates this picture with these values.'
                  : 'Add images on the Translate page, or pick a picture here.'}
            </Typography>
            <Button
              variant="contained"
              fullWidth
              startIcon={<SendIcon />}
              onClick={() => void apply()}
              disabled={applying || (queueItems.length === 0 && image === null)}
            >
              Apply to batch
            </Button>
            {applying && <LinearProgress sx={{ mt: 1 }} aria-label="Starting the batch" />}
          </PanelCard>
        )}
      </Stack>
    </Box>
  );
}
