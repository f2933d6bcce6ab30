import { useCommand } from '../../app/commands.js';
import { useEffect, useMemo, useState } from 'react';
import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import ModelTrainingIcon from '@mui/icons-material/ModelTraining';
import type { DurationEstimateInfo, FolderCheckInfo, RunInfo } from '../../../electron/contract/finetune.js';
import type { StudioErrorInfo } from '../../../electron/contract/result.js';
import { TRAIN_ARCHS, TRAIN_FIELDS, type TrainArch } from '../../../electron/contract/training.js';
import { ErrorNotice } from '../../app/ErrorNotice.js';
import { useStudio } from '../../app/StudioContext.js';
import { formatDuration } from '../../app/format.js';
import { FolderField } from './FolderField.js';
import { PRESETS, TASKS, buildSettings, compatibleModels, formFromPreset, needsFolderB, type PresetName, type TaskChoice, type TrainForm } from './presets.js';
import { ModelSelect } from '../../app/ModelSelect.js';

const FOLDER_HINTS: Record<TaskChoice, [string, string]> = {
  cyclegan: ['One look (e.g. summer photos)', 'The other look (e.g. winter photos)'],
  pix2pix: ['What the model gets (e.g. label maps)', 'What it should make, with the same file names'],
  edges: ['Photos of one kind of thing; their edge maps are drawn for you', ''],
  conditional: ['Photos, with attributes.csv beside them', ''],
};

/** How long to wait after the last change before timing a few iterations. */
const ESTIMATE_DELAY_MS = 700;

/** Everything a new run needs: task, folders, starting model, preset (with a measured estimate), advanced settings. */
export function SetupForm({ onStarted }: { onStarted: (run: RunInfo) => void }) {
  const { platform, library } = useStudio();
  const { api } = platform;
  const [task, setTask] = useState<TaskChoice>('cyclegan');
  const [folderA, setFolderA] = useState<FolderCheckInfo | null>(null);
  const [folderB, setFolderB] = useState<FolderCheckInfo | null>(null);
  const [from, setFrom] = useState<string>('');
  const [preset, setPreset] = useState<PresetName>('quick');
  const [form, setForm] = useState<TrainForm>(() => formFromPreset('cyclegan', 'quick'));
  const [name, setName] = useState('my-model');
  const [estimate, setEstimate] = useState<DurationEstimateInfo | 'measuring' | null>(null);
  const [error, setError] = useState<StudioErrorInfo | null>(null);
  const [starting, setStarting] = useState(false);

  const startModels = useMemo(() => compatibleModels(library?.models ?? [], task), [library, task]);
  const bNeeded = needsFolderB(task);
  const ready = folderA !== null && folderA.count >= 2 && (!bNeeded || (folderB !== null && folderB.count >= 2));
  const settings = useMemo(
    () =>
      folderA === null
        ? null
        : buildSettings({ task, form, dataA: folderA.folder, ...(folderB === null ? {} : { dataB: folderB.folder }), ...(from === '' ? {} : { from }), name }),
    [task, form, folderA, folderB, from, name],
  );

  const chooseTask = (next: TaskChoice): void => {
    setTask(next);
    setFrom('');
    setForm(formFromPreset(next, preset));
  };
  const choosePreset = (next: PresetName): void => {
    setPreset(next);
    setForm(formFromPreset(task, next));
  };
  const edit = <K extends keyof TrainForm>(key: K, value: TrainForm[K]): void => setForm((f) => ({ ...f, [key]: value }));

  // The estimate times real iterations on the chosen device, so it follows every change that matters.
  const estimateKey = ready && settings !== null ? JSON.stringify({ ...settings, name: '', iterations: 0 }) : null;
  useEffect(() => {
    if (estimateKey === null || settings === null) {
      setEstimate(null);
      return;
    }
    let current = true;
    setEstimate('measuring');
    const timer = setTimeout(() => {
      void api.trainingEstimate({ settings }).then((r) => {
        if (!current) return;
        setEstimate(r.ok ? r.data : null);
        if (!r.ok) setError(r.error);
      });
    }, ESTIMATE_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // Re-measure only when what is timed changes (not the run's name or length).
  }, [api, estimateKey]);

  // Mounted only while the Fine-tune page shows it.
  useCommand('start', () => ready && !starting && void start(), true);

  const start = async (): Promise<void> => {
    if (settings === null) return;
    setStarting(true);
    setError(null);
    const r = await api.trainingStart({ settings });
    setStarting(false);
    if (r.ok) onStarted(r.data);
    else setError(r.error);
  };

  // Labels come from the contract, so the studio's errors name each setting as this form does.
  const number = (key: 'size' | 'loadSize' | 'iterations' | 'ngf' | 'ndf' | 'dLayers' | 'sampleEvery' | 'checkpointEvery') => (
    <TextField
      size="small"
      type="number"
      label={TRAIN_FIELDS[key].label}
      value={form[key]}
      onChange={(e) => edit(key, Math.max(1, Math.round(Number(e.target.value) || 1)))}
      slotProps={{ htmlInput: { 'data-testid': `advanced-${key}`, min: 1 } }}
    />
  );

  return (
    <Stack spacing={2} data-testid="finetune-setup">
      <Paper variant="outlined" sx={{ p: 2 }}>
        <Typography variant="subtitle1" sx={{ mb: 1, fontWeight: 600 }}>
          1. What should the model learn?
        </Typography>
        <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr', md: 'repeat(4, 1fr)' }, gap: 1 }} role="radiogroup" aria-label="Task">
          {TASKS.map((t) => (
            <Paper
              key={t.value}
              variant="outlined"
              role="radio"
              aria-checked={task === t.value}
              tabIndex={0}
              data-testid={`task-${t.value}`}
              onClick={() => chooseTask(t.value)}
              onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && chooseTask(t.value)}
              sx={{ p: 1.5, cursor: 'pointer', borderColor: task === t.value ? 'primary.main' : 'divider', borderWidth: task === t.value ? 2 : 1, m: task === t.value ? 0 : '1px' }}
            >
              <Typography variant="subtitle2">{t.title}</Typography>
              <Typography variant="caption" color="text.secondary">
                {t.explanation}
              </Typography>
            </Paper>
          ))}
        </Box>
      </Paper>

      <Paper variant="outlined" sx={{ p: 2 }}>
        <Typography variant="subtitle1" sx={{ mb: 1, fontWeight: 600 }}>
          2. Your images
        </Typography>
        <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: bNeeded ? '1fr 1fr' : '1fr' }, gap: 1.5 }}>
          <FolderField label={bNeeded ? (task === 'cyclegan' ? 'Folder A' : 'Inputs') : 'Photos'} hint={FOLDER_HINTS[task][0]} testId="folder-a" check={folderA} onCheck={setFolderA} />
          {bNeeded && <FolderField label={task === 'cyclegan' ? 'Folder B' : 'Targets'} hint={FOLDER_HINTS[task][1]} testId="folder-b" check={folderB} onCheck={setFolderB} />}
        </Box>
      </Paper>

      <Paper variant="outlined" sx={{ p: 2 }}>
        <Typography variant="subtitle1" sx={{ mb: 1.5, fontWeight: 600 }}>
          3. How to train
        </Typography>
        <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ alignItems: { md: 'center' } }}>
          <ModelSelect label={TRAIN_FIELDS.from.label} models={startModels} value={from} onChange={setFrom} testId="start-from" none="Scratch (new networks)" fullWidth={false} sx={{ minWidth: 240 }} />
          <ToggleButtonGroup exclusive size="small" value={preset} onChange={(_, v: PresetName | null) => v !== null && choosePreset(v)} aria-label="Preset">
            {(Object.keys(PRESETS) as PresetName[]).map((p) => (
              <ToggleButton key={p} value={p} data-testid={`preset-${p}`} sx={{ px: 2 }}>
                {PRESETS[p].title}
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
          <TextField size="small" label={TRAIN_FIELDS.name.label} value={name} onChange={(e) => setName(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'run-name' } }} />
        </Stack>
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1.5 }} data-testid="estimate">
          {form.size} px, {form.iterations} iterations, widths {form.ngf}/{form.ndf} ·{' '}
          {!ready
            ? 'choose the folders to get an estimate'
            : estimate === 'measuring' || estimate === null
              ? 'timing a few iterations…'
              : `about ${formatDuration(estimate.totalSeconds * 1000)} on ${estimate.provider} (${estimate.secondsPerIteration.toFixed(2)} s per iteration, measured)`}
        </Typography>
        <Accordion disableGutters variant="outlined" sx={{ mt: 1.5, '&:before': { display: 'none' } }}>
          <AccordionSummary expandIcon={<ExpandMoreIcon />} data-testid="advanced-toggle">
            <Typography variant="body2">Advanced settings</Typography>
          </AccordionSummary>
          <AccordionDetails>
            <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr 1fr', md: 'repeat(4, 1fr)' }, gap: 1.5 }}>
              <FormControl size="small">
                <InputLabel id="arch-label">{TRAIN_FIELDS.arch.label}</InputLabel>
                <Select labelId="arch-label" label={TRAIN_FIELDS.arch.label} value={form.arch} onChange={(e) => edit('arch', e.target.value as TrainArch)} disabled={from !== ''}>
                  {TRAIN_ARCHS.map((a) => (
                    <MenuItem key={a} value={a}>
                      {a}
                    </MenuItem>
                  ))}
                </Select>
              </FormControl>
              {number('size')}
              {number('loadSize')}
              {number('iterations')}
              {number('ngf')}
              {number('ndf')}
              {number('dLayers')}
              <TextField size="small" type="number" label={TRAIN_FIELDS.lr.label} value={form.lr} onChange={(e) => edit('lr', Number(e.target.value) || 2e-4)} slotProps={{ htmlInput: { step: 0.0001 } }} />
              {number('sampleEvery')}
              {number('checkpointEvery')}
              <FormControl size="small">
                <InputLabel id="device-label">{TRAIN_FIELDS.device.label}</InputLabel>
                <Select labelId="device-label" label={TRAIN_FIELDS.device.label} value={form.device} onChange={(e) => edit('device', e.target.value)}>
                  <MenuItem value="auto">Automatic</MenuItem>
                  <MenuItem value="cpu">CPU</MenuItem>
                  <MenuItem value="gpu">GPU</MenuItem>
                </Select>
              </FormControl>
              <FormControlLabel control={<Switch checked={form.flip} onChange={(e) => edit('flip', e.target.checked)} />} label={TRAIN_FIELDS.flip.label} />
            </Box>
          </AccordionDetails>
        </Accordion>
      </Paper>
      {error !== null && <ErrorNotice error={error} onClose={() => setError(null)} />}
      <Box>
        <Button variant="contained" size="large" startIcon={<ModelTrainingIcon />} disabled={!ready || starting} onClick={() => void start()} data-testid="start-training">
          {starting ? 'Starting…' : 'Start training'}
        </Button>
      </Box>
    </Stack>
  );
}
