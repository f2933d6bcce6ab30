import { open, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LossPoint } from '../../contract/finetune.js';
import type { TrainDataSummary, TrainFallback, TrainSettings } from '../../contract/training.js';
import { StudioError, orSystemError } from '../errors.js';
import { writeFileAtomic as writeAtomic } from '../write-atomic.js';
import { readSafetensors, serializeSafetensors } from '../graph/safetensors.js';
import { slugify } from '../library/model-importer.js';
import type { Architecture } from '../nets/index.js';

/**
 * A run's folder: run.json (settings, networks, data), checkpoint.json pointing at the latest
 * state-<iteration>.safetensors (weights, Adam moments, pool), losses.jsonl (one line per
 * iteration) and samples/. Every file a reader may see mid-run is written to a temporary name
 * and renamed, so a crash or kill -9 leaves the previous checkpoint whole.
 */
export interface RunRecord {
  version: 1;
  settings: TrainSettings;
  networks: { id: string; origin: string; arch?: Architecture }[];
  conditionSize: number;
  data: TrainDataSummary;
  createdAt: string;
  /** Library ids of the models exported from this run. */
  exports: string[];
  /** Each move to the CPU after a step failed on the device mid-run, oldest first. */
  fallbacks?: TrainFallback[];
}

export interface CheckpointRecord {
  iteration: number;
  stateFile: string;
  dataRng: number[];
  poolRng: number[];
  /** Seconds of training before this checkpoint (across resumes). */
  seconds: number;
  provider: string;
}

async function readJson(path: string, what: string): Promise<unknown> {
  const text = await orSystemError(readFile(path, 'utf8'), (cause) => `${path}: cannot read the ${what} (${cause}); is this a training run folder?`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new StudioError('BAD_CHECKPOINT', `${path}: the ${what} is not valid JSON (damaged?)`);
  }
}

export const runRecordPath = (dir: string): string => join(dir, 'run.json');
const checkpointPath = (dir: string): string => join(dir, 'checkpoint.json');
export const lossLogPath = (dir: string): string => join(dir, 'losses.jsonl');

/** A new run's folder under `<home>/runs`: its name as a slug and the time it starts (`my-bags-20260101-120000`). */
export function newRunDir(home: string, name: string): string {
  return join(home, 'runs', `${slugify(name)}-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`);
}

/** What checkpoint.json says, or nothing when the run has none yet (or it cannot be read): for summaries, never for resuming. */
export async function peekCheckpoint(dir: string): Promise<Partial<CheckpointRecord>> {
  const record = await readFile(checkpointPath(dir), 'utf8')
    .then((text) => JSON.parse(text) as Partial<CheckpointRecord> | null)
    .catch(() => null);
  return record ?? {};
}

export async function readRunRecord(dir: string): Promise<RunRecord> {
  const record = (await readJson(runRecordPath(dir), 'run description')) as Partial<RunRecord>;
  if (record.version !== 1 || record.settings === undefined || !Array.isArray(record.networks)) {
    throw new StudioError('BAD_CHECKPOINT', `${runRecordPath(dir)}: not a run description this version understands`);
  }
  return record as RunRecord;
}

export async function writeRunRecord(dir: string, record: RunRecord): Promise<void> {
  await writeAtomic(runRecordPath(dir), `${JSON.stringify(record, null, 2)}\n`);
}

export async function readCheckpoint(dir: string): Promise<{ record: CheckpointRecord; tensors: Map<string, Float32Array> } | null> {
  try {
    await readFile(checkpointPath(dir));
  } catch {
    return null;
  }
  const record = (await readJson(checkpointPath(dir), 'checkpoint')) as CheckpointRecord;
  const file = await orSystemError(readSafetensors(join(dir, record.stateFile)), (cause) => `${join(dir, record.stateFile)}: the checkpoint's state cannot be read (${cause})`, 'BAD_CHECKPOINT');
  return { record, tensors: new Map([...file.tensors].map(([k, v]) => [k, v.data])) };
}

/** A tensor of a checkpoint's state file. */
export interface StateTensor {
  shape: readonly number[];
  data: Float32Array;
}

/** Writes the state file, then points checkpoint.json at it, then drops older state files. */
export async function writeCheckpoint(dir: string, record: Omit<CheckpointRecord, 'stateFile'>, tensors: ReadonlyMap<string, StateTensor>): Promise<string> {
  const stateFile = `state-${String(record.iteration).padStart(7, '0')}.safetensors`;
  await writeAtomic(join(dir, stateFile), serializeSafetensors(tensors, { iteration: String(record.iteration) }));
  await writeAtomic(checkpointPath(dir), `${JSON.stringify({ ...record, stateFile }, null, 2)}\n`);
  for (const name of await readdir(dir)) {
    if (name.startsWith('state-') && name.endsWith('.safetensors') && name !== stateFile) await rm(join(dir, name), { force: true });
  }
  return join(dir, stateFile);
}

/** The loss log, one point per iteration trained. */
export async function readLossLog(dir: string): Promise<LossPoint[]> {
  let text = '';
  try {
    text = await readFile(lossLogPath(dir), 'utf8');
  } catch {
    return [];
  }
  const lines: LossPoint[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      lines.push(JSON.parse(line) as LossPoint);
    } catch {
      // A line cut short by a kill mid-write: everything after it is lost anyway.
      break;
    }
  }
  return lines;
}

/** Drops log lines of iterations after the checkpoint: they are trained again on resume. */
export async function truncateLossLog(dir: string, iteration: number): Promise<void> {
  const kept = (await readLossLog(dir)).filter((l) => l.i <= iteration);
  await writeAtomic(lossLogPath(dir), kept.map((l) => `${JSON.stringify(l)}\n`).join(''));
}

/** Appends loss lines as they come; plain appends survive a killed process (the kernel has them). */
export class LossLogWriter {
  private constructor(private readonly handle: Awaited<ReturnType<typeof open>>) {}

  static async open(dir: string): Promise<LossLogWriter> {
    return new LossLogWriter(await open(lossLogPath(dir), 'a'));
  }

  async append(line: LossPoint): Promise<void> {
    await this.handle.write(`${JSON.stringify(line)}\n`);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
