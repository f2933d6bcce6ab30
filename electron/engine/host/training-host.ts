import { cp, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { DurationEstimateInfo, FolderCheckInfo, RunHistory, RunInfo } from '../../contract/finetune.js';
import type { ModelSummary } from '../../contract/ipc.js';
import type { TrainEvent, TrainSettings } from '../../contract/training.js';
import { StudioError, toErrorInfo } from '../errors.js';
import { isBelow, isStudioMade, markStudioMade, removeStudioMade } from '../files/confined-path.js';
import type { ModelLibrary } from '../library/index.js';
import { estimateDuration } from '../training/estimate.js';
import { exportRunModels } from '../training/export-models.js';
import { newRunDir, peekCheckpoint, readLossLog } from '../training/run-files.js';
import { checkTrainingFolder, deleteRun, listRuns, sampleGrids, summarizeRun, type RunSummary } from '../training/runs-service.js';
import { TrainingRun } from '../training/training-run.js';
import type { EngineEvent } from './protocol.js';
import { pathExists } from '../files/path-exists.js';

/** Written into a run folder when the user stops it early, so the studio does not offer to resume it. */
const STOPPED_MARKER = 'stopped-by-user';
/** Iterations timed for the estimate (the first one, which allocates, is left out). */
const ESTIMATE_ITERATIONS = 3;

interface ActiveRun {
  dir: string;
  run: TrainingRun;
  controller: AbortController;
  done: Promise<void>;
  /** The provider the run trains on, once it has started. */
  provider?: string;
}

/**
 * Fine-tuning inside the engine process: one run trains at a time in the background while the
 * engine keeps answering other requests (translations, the runs list); its events go to the
 * studio as they happen. Pausing aborts the run, which checkpoints before it returns. Refusals
 * name settings by their Fine-tune labels: the studio is this host's only caller.
 */
export class TrainingHost {
  private active: ActiveRun | undefined;

  constructor(
    private readonly library: ModelLibrary,
    private readonly emit: (event: EngineEvent) => void,
    private readonly summarize: (entry: Awaited<ReturnType<typeof exportRunModels>>[number]) => Promise<ModelSummary>,
  ) {}

  /** The folder a pick or drop stands for, checked the way training will read it. */
  async check(inputs: string[], copyTo?: string): Promise<FolderCheckInfo> {
    let dir = await folderOf(inputs);
    if (copyTo !== undefined) {
      // Browser uploads live in a temporary folder: training (and a resume after a restart) needs a lasting copy.
      const target = join(copyTo, basename(dir));
      await cp(dir, target, { recursive: true });
      // Recorded as the studio's own, so deleting the run that used it may remove it (and nothing else).
      await markStudioMade(copyTo, 'dataset-copy');
      dir = target;
    }
    const checked = await checkTrainingFolder(dir);
    return { folder: checked.dir, name: basename(checked.dir), count: checked.count, skipped: checked.skipped, attributes: checked.attributes, warnings: checked.warnings };
  }

  estimate(settings: TrainSettings): Promise<DurationEstimateInfo> {
    return estimateDuration(settings, this.library, ESTIMATE_ITERATIONS, 'label');
  }

  async start(settings: TrainSettings, home: string): Promise<RunInfo> {
    this.refuseIfBusy();
    const dir = newRunDir(home, settings.name);
    const run = await TrainingRun.create(settings, { library: this.library, runDir: dir, names: 'label' });
    return this.launch(dir, run);
  }

  async resume(dir: string): Promise<RunInfo> {
    if (this.active?.dir === dir) return this.info(dir);
    this.refuseIfBusy();
    await rm(join(dir, STOPPED_MARKER), { force: true });
    return this.launch(dir, await TrainingRun.resume(dir));
  }

  async pause(dir: string): Promise<RunInfo> {
    const active = this.active;
    if (active?.dir === dir) {
      active.controller.abort();
      await active.done;
    }
    return this.info(dir);
  }

  /** Ends the run early: a pause whose checkpoint is kept, marked so the studio offers no resume. */
  async stop(dir: string): Promise<RunInfo> {
    await this.pause(dir);
    const summary = await summarizeRun(dir);
    if (summary.status !== 'completed') await writeFile(join(dir, STOPPED_MARKER), `${new Date().toISOString()}\n`);
    return this.info(dir);
  }

  /** Pauses whatever trains (the studio is quitting); resolves once the checkpoint is written. */
  async pauseAll(): Promise<{ paused: string[] }> {
    const active = this.active;
    if (active === undefined) return { paused: [] };
    await this.pause(active.dir);
    return { paused: [basename(active.dir)] };
  }

  /** Exports the generators as they are now, from the training run itself or from its checkpoint. */
  async export(dir: string, name?: string): Promise<ModelSummary[]> {
    const run = this.active?.dir === dir ? this.active.run : await TrainingRun.resume(dir);
    const entries = await exportRunModels(run, this.library, name ?? run.settings.name);
    return Promise.all(entries.map((e) => this.summarize(e)));
  }

  async runs(home: string): Promise<RunInfo[]> {
    const summaries = await listRuns(home);
    return Promise.all(summaries.map((s) => this.describe(s)));
  }

  async history(dir: string): Promise<RunHistory> {
    return { run: await this.info(dir), losses: await readLossLog(dir) };
  }

  /**
   * Deletes a run (a folder directly in <home>/runs holding its run record), and the studio's
   * copies of uploaded folders that it used and no other run uses: only folders the studio
   * recorded as its copies (<home>/datasets/<upload id>), whatever the run's settings say.
   */
  async delete(dir: string): Promise<void> {
    const runs = join(this.library.home, 'runs');
    if (dirname(resolve(dir)) !== resolve(runs)) throw new StudioError('BAD_ARGUMENT', `${basename(dir)} is not a run of this studio`);
    if (this.active?.dir === dir) throw new StudioError('BAD_ARGUMENT', 'this run is training: pause or stop it before deleting it');
    const { settings } = await summarizeRun(dir);
    await deleteRun(dir);
    const copies = join(this.library.home, 'datasets');
    const stillUsed = new Set((await listRuns(this.library.home)).flatMap((r) => [r.settings.dataA, r.settings.dataB]).filter((f) => f !== undefined).map((f) => resolve(f)));
    for (const folder of [settings.dataA, settings.dataB]) {
      if (folder === undefined || stillUsed.has(resolve(folder))) continue;
      // <home>/datasets/<upload id>/<folder name>: the upload id's folder holds only this copy.
      const copy = dirname(resolve(folder));
      if (!isBelow(copies, folder) || dirname(copy) !== resolve(copies) || !(await isStudioMade(copy, 'dataset-copy'))) continue;
      await removeStudioMade(copy, copies, 'dataset-copy', `the copy of ${basename(folder)}`);
    }
  }

  private refuseIfBusy(): void {
    if (this.active !== undefined) {
      throw new StudioError('BAD_ARGUMENT', `a run is already training (${basename(this.active.dir)}): pause or stop it first`);
    }
  }

  private async launch(dir: string, run: TrainingRun): Promise<RunInfo> {
    const controller = new AbortController();
    const runId = basename(dir);
    const send = (event: TrainEvent): void => {
      if ((event.type === 'train-started' || event.type === 'train-fallback') && this.active?.dir === dir) this.active.provider = event.provider;
      this.emit({ type: 'train-event', runId, event });
    };
    const done = run
      .train({ signal: controller.signal, onEvent: send })
      .then(
        () => undefined,
        (err: unknown) => this.emit({ type: 'train-event', runId, event: { type: 'train-error', error: toErrorInfo(err) } }),
      )
      .finally(() => {
        if (this.active?.dir === dir) this.active = undefined;
      });
    this.active = { dir, run, controller, done };
    return { ...(await this.info(dir)), status: 'running' };
  }

  private async info(dir: string): Promise<RunInfo> {
    return this.describe(await summarizeRun(dir));
  }

  private async describe(summary: RunSummary): Promise<RunInfo> {
    const stopped = await pathExists(join(summary.dir, STOPPED_MARKER));
    let status: RunInfo['status'] = summary.status;
    if (this.active?.dir === summary.dir) status = 'running';
    else if (stopped && status === 'paused') status = 'stopped';
    const { dir, latestSample: _latest, status: _status, ...told } = summary;
    return {
      ...told,
      id: basename(dir),
      status,
      samples: await sampleGrids(dir),
      provider: (this.active?.dir === dir ? this.active.provider : undefined) ?? (await peekCheckpoint(dir)).provider ?? null,
    };
  }
}

/** One folder (a picked or dropped folder), or the folder holding the picked files. */
async function folderOf(inputs: string[]): Promise<string> {
  const [first] = inputs;
  if (first === undefined) throw new StudioError('BAD_ARGUMENT', 'no folder was given');
  if (inputs.length === 1 && (await stat(first).catch(() => null))?.isDirectory() === true) return first;
  const parts = inputs.map((p) => dirname(p).split(sep));
  const common: string[] = [];
  for (let k = 0; parts.every((p) => p[k] !== undefined && p[k] === parts[0]?.[k]); k++) common.push(parts[0]?.[k] ?? '');
  if (common.length === 0) throw new StudioError('BAD_ARGUMENT', 'the picked files share no folder');
  return common.join(sep) || sep;
}

