import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import type { RunInfo } from '../../../electron/contract/finetune.js';
import type { StudioErrorInfo } from '../../../electron/contract/result.js';
import { useStudio } from '../../app/StudioContext.js';

/**
 * On start, offers to go on with a run that was paused when the studio last closed (or that
 * was interrupted by a crash): it resumes from its last checkpoint.
 */
export function ResumeOffer({ onResumed }: { onResumed: (runId: string) => void }) {
  const { platform } = useStudio();
  const { api } = platform;
  const [run, setRun] = useState<RunInfo | null>(null);
  const [error, setError] = useState<StudioErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void api.trainingRuns({}).then((r) => r.ok && setRun(r.data.find((x) => x.status === 'paused' || x.status === 'interrupted') ?? null));
  }, [api]);

  if (run === null) return null;
  const resume = async (): Promise<void> => {
    setBusy(true);
    const r = await api.trainingResume({ runId: run.id });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setRun(null);
    onResumed(run.id);
  };
  return (
    <Alert
      severity={error === null ? 'info' : 'error'}
      data-testid="resume-offer"
      onClose={() => setRun(null)}
      action={
        <Button color="inherit" size="small" disabled={busy} onClick={() => void resume()} data-testid="resume-offer-button">
          {busy ? 'Resuming…' : 'Resume'}
        </Button>
      }
      sx={{ mb: 2 }}
    >
      {error !== null
        ? `${run.name} could not resume: ${error.message}`
        : `Fine-tuning “${run.name}” ${run.status === 'interrupted' ? 'was interrupted' : 'was paused'} at iteration ${run.iteration} of ${run.iterations}. Resume it from its last checkpoint?`}
    </Alert>
  );
}
