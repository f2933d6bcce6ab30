import { useCallback, useEffect, useRef, useState } from 'react';
import Stack from '@mui/material/Stack';
import type { RunInfo } from '../../../electron/contract/finetune.js';
import { useEventBuffer } from '../../api/useEventBuffer.js';
import { useStudio } from '../../app/StudioContext.js';
import { LiveRun } from './LiveRun.js';
import { RunsList } from './RunsList.js';
import { SetupForm } from './SetupForm.js';

/**
 * Fine-tuning: a new run's setup, or the run being watched, and the list of every run. The
 * shown run comes from the App so the start-up resume offer can open it.
 */
export function FinetunePage({
  runId,
  onRunId,
  onUseModel,
}: {
  runId: string | null;
  onRunId: (id: string | null) => void;
  /** Opens the Translate page with an exported model picked. */
  onUseModel: (modelId: string) => void;
}) {
  const { platform } = useStudio();
  const { api } = platform;
  const [runs, setRuns] = useState<RunInfo[]>([]);

  // Refreshes overlap (a run starting sends several events): only the newest answer is shown,
  // so a slower, older one never puts back a list from before the run existed.
  const asked = useRef(0);
  const refresh = useCallback(async () => {
    const mine = ++asked.current;
    const r = await api.trainingRuns({});
    if (r.ok && mine === asked.current) setRuns(r.data);
  }, [api]);
  useEffect(() => void refresh(), [refresh, runId]);

  // The list follows status changes (a run starts, pauses or finishes) without polling.
  useEventBuffer(api, 'training:event', (events) => {
    if (events.some((e) => e.event.type !== 'train-progress')) void refresh();
  });

  // Opened while a run trains: show that run rather than an empty form (once; "New run" stays on the form).
  const training = runs.find((r) => r.status === 'running');
  const followed = useRef(false);
  useEffect(() => {
    if (followed.current || training === undefined) return;
    followed.current = true;
    if (runId === null) onRunId(training.id);
  }, [runId, training, onRunId]);

  // The exported models reach every page through the studio's models:changed; the runs list shows the export.
  const exported = useCallback(() => void refresh(), [refresh]);

  return (
    <Stack
      spacing={3}
      data-testid="finetune-page"
      // Files dropped here but outside a folder box must not reach the Translate page's window-wide drop.
      onDrop={(e) => {
        e.preventDefault();
        e.stopPropagation();
      }}
    >
      {runId === null ? <SetupForm onStarted={(run) => onRunId(run.id)} /> : <LiveRun key={runId} runId={runId} onClose={() => onRunId(null)} onExported={exported} onUseModel={onUseModel} onChanged={() => void refresh()} />}
      <RunsList runs={runs} onOpen={onRunId} onChanged={() => void refresh()} onExported={exported} />
    </Stack>
  );
}
