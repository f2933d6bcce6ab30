import { useCallback, useEffect, useState } from 'react';
import type { LossPoint, RunInfo, TrainingEventPayload } from '../../../electron/contract/finetune.js';
import type { StudioErrorInfo } from '../../../electron/contract/result.js';
import { useEventBuffer } from '../../api/useEventBuffer.js';
import { useStudio } from '../../app/StudioContext.js';

export interface LiveFigures {
  iteration: number;
  iterations: number;
  secondsPerIteration: number | null;
  etaSeconds: number | null;
  epoch: number | null;
  provider: string | null;
}

export interface TrainingRunView {
  run: RunInfo | null;
  /** Loss history as columns: the iterations, then each loss's values. */
  iterations: number[];
  losses: Record<string, number[]>;
  samples: string[];
  live: LiveFigures | null;
  error: StudioErrorInfo | null;
  refresh(): Promise<void>;
}

function columns(points: LossPoint[]): { iterations: number[]; losses: Record<string, number[]> } {
  const losses: Record<string, number[]> = {};
  for (const p of points) for (const key of Object.keys(p)) if (key !== 'i' && key !== 't') losses[key] ??= [];
  for (const p of points) for (const key of Object.keys(losses)) losses[key]?.push(p[key] ?? Number.NaN);
  return { iterations: points.map((p) => p.i), losses };
}

const fileName = (path: string): string => path.split(/[/\\]/).at(-1) ?? path;

/**
 * One run as the live view shows it: its history from disk (so charts continue across pauses
 * and restarts), then the engine's events, flushed about every 100 ms.
 */
export function useTrainingRun(runId: string | null): TrainingRunView {
  const { platform } = useStudio();
  const { api } = platform;
  const [run, setRun] = useState<RunInfo | null>(null);
  const [points, setPoints] = useState<{ iterations: number[]; losses: Record<string, number[]> }>({ iterations: [], losses: {} });
  const [samples, setSamples] = useState<string[]>([]);
  const [live, setLive] = useState<LiveFigures | null>(null);
  const [error, setError] = useState<StudioErrorInfo | null>(null);

  const refresh = useCallback(async () => {
    if (runId === null) return;
    const r = await api.trainingHistory({ runId });
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setRun(r.data.run);
    setPoints(columns(r.data.losses));
    setSamples(r.data.run.samples);
    setLive((old) => old ?? { iteration: r.data.run.iteration, iterations: r.data.run.iterations, secondsPerIteration: null, etaSeconds: null, epoch: null, provider: r.data.run.provider });
  }, [api, runId]);

  useEffect(() => {
    setRun(null);
    setPoints({ iterations: [], losses: {} });
    setSamples([]);
    setLive(null);
    setError(null);
    void refresh();
  }, [refresh]);

  useEventBuffer(api, 'training:event', (batch: TrainingEventPayload[]) => {
    const mine = batch.filter((b) => b.runId === runId).map((b) => b.event);
    if (mine.length === 0) return;
    setPoints((old) => {
      const iterations = [...old.iterations];
      const losses: Record<string, number[]> = Object.fromEntries(Object.entries(old.losses).map(([k, v]) => [k, [...v]]));
      for (const e of mine) {
        if (e.type === 'train-started' || e.type === 'train-fallback') {
          // A resume restarts from the checkpoint (and so may a move to the CPU): drop what was
          // logged after it, so the line stays continuous.
          const from = e.type === 'train-started' ? e.iteration : e.fallback.iteration;
          let keep = iterations.length;
          while (keep > 0 && (iterations[keep - 1] ?? 0) > from) keep -= 1;
          iterations.length = keep;
          for (const v of Object.values(losses)) v.length = keep;
        } else if (e.type === 'train-progress') {
          iterations.push(e.iteration);
          for (const [k, v] of Object.entries(e.losses)) (losses[k] ??= new Array<number>(iterations.length - 1).fill(Number.NaN)).push(v);
        }
      }
      return { iterations, losses };
    });
    const newSamples = mine.flatMap((e) => (e.type === 'train-sample' ? [fileName(e.path)] : []));
    if (newSamples.length > 0) setSamples((old) => [...old.filter((s) => !newSamples.includes(s)), ...newSamples].sort());
    setLive((old) => {
      let next = old ?? { iteration: 0, iterations: 0, secondsPerIteration: null, etaSeconds: null, epoch: null, provider: null };
      for (const e of mine) {
        if (e.type === 'train-started') next = { ...next, iteration: e.iteration, iterations: e.iterations, provider: e.provider };
        else if (e.type === 'train-fallback') next = { ...next, iteration: e.fallback.iteration, iterations: e.iterations, provider: e.provider };
        else if (e.type === 'train-progress') next = { ...next, iteration: e.iteration, iterations: e.iterations, secondsPerIteration: e.secondsPerIteration, etaSeconds: e.etaSeconds, epoch: e.epoch };
      }
      return next;
    });
    const failure = mine.find((e) => e.type === 'train-error');
    if (failure?.type === 'train-error') setError(failure.error);
    // The run's status changed: reload its summary (not the losses, which the events already carry).
    // (Also when the run's device is still unknown: its start may have been reported before this view subscribed.)
    const changed = mine.some((e) => e.type === 'train-started' || e.type === 'train-fallback' || e.type === 'train-finished' || e.type === 'train-error');
    if ((changed || (run !== null && run.provider === null && run.status === 'running')) && runId !== null) {
      void api.trainingHistory({ runId }).then((r) => r.ok && setRun(r.data.run));
    }
  });

  return { run, iterations: points.iterations, losses: points.losses, samples, live, error, refresh };
}
