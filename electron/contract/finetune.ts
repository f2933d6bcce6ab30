/**
 * What the fine-tune page and the runs list exchange with the studio. The engine's own types
 * (TrainSettings, TrainEvent) are in training.ts; these are the page's view of runs.
 */
import type { TrainEvent, TrainFallback, TrainMode, TrainSettings } from './training.js';
import type { StudioErrorInfo } from './result.js';

/** paused: stopped with a checkpoint and meant to go on; stopped: ended early by the user. */
export type RunState = 'running' | 'paused' | 'stopped' | 'interrupted' | 'completed' | 'not started';

export interface RunInfo {
  id: string;
  name: string;
  mode: TrainMode;
  status: RunState;
  iteration: number;
  iterations: number;
  createdAt: string;
  /** Last time the run wrote its loss log. */
  updatedAt: string;
  counts: Record<string, number>;
  /** Library ids of the models exported from the run. */
  exports: string[];
  /** File names of the sample grids, oldest first. */
  samples: string[];
  settings: TrainSettings;
  /** The provider training used last (from the checkpoint), when known. */
  provider: string | null;
  /** Each move to the CPU after the device failed mid-run (the run record's), oldest first. */
  fallbacks: TrainFallback[];
}

/** The folder check the page shows as soon as a folder is picked or dropped. */
export interface FolderCheckInfo {
  /** The folder training will read (in browser mode, the studio's copy of the upload). */
  folder: string;
  name: string;
  count: number;
  skipped: { path: string; reason: string }[];
  attributes: string[];
  warnings: string[];
}

export interface DurationEstimateInfo {
  secondsPerIteration: number;
  totalSeconds: number;
  provider: string;
}

/** One point of a run's loss history (iteration, seconds, then one field per loss). */
export interface LossPoint {
  i: number;
  t: number;
  [loss: string]: number;
}

export interface RunHistory {
  run: RunInfo;
  losses: LossPoint[];
}

/** A training event for the page, with the run it belongs to; `train-error` when a run fails. */
export type TrainingEventPayload = { runId: string; event: TrainEvent | { type: 'train-error'; error: StudioErrorInfo } };
