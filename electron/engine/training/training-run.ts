import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkTrainSettings, fallbackAsProvider, type TrainEvent, type TrainFallback, type TrainSettingNames, type TrainSettings } from '../../contract/training.js';
import { StudioError } from '../errors.js';
import type { ModelLibrary } from '../library/model-library.js';
import { buildGenerator } from '../nets/index.js';
import { failureReason, isDeviceChoice, mayBeTheDevice, openGraphRunner, type GraphRunner, type StepOutputs, type TensorInput } from '../runtime/index.js';
import { Rng, writeSampleGrid, type TrainImage } from './data/index.js';
import { openTrainingMode, type TrainingMode } from './modes/index.js';
import { NetState } from './net-state.js';
import { runNetworks, type RunNetwork } from './networks.js';
import { lockRun } from './runs-service.js';
import {
  LossLogWriter,
  readCheckpoint,
  readRunRecord,
  truncateLossLog,
  writeCheckpoint,
  writeRunRecord,
  type RunRecord,
} from './run-files.js';
import { BC2, STEP_SIZE } from './step-graphs.js';
import { ADAM } from './trainable-net.js';
import type { Batch, TrainingData } from './training-data.js';

export interface TrainOptions {
  signal?: AbortSignal;
  onEvent?: (event: TrainEvent) => void;
  /** CPU threads for the step (onnxruntime's default when unset). */
  threads?: number;
}

export interface TrainOutcome {
  status: 'completed' | 'paused';
  iteration: number;
}

/** A state a run can go back to, as a checkpoint holds it. */
interface RestartPoint {
  iteration: number;
  dataRng: number[];
  poolRng: number[];
  seconds: number;
  tensors: ReadonlyMap<string, Float32Array>;
}

/** What a restore does about a tensor a run's checkpoint lacks. */
const lacksIn =
  (dir: string) =>
  (name: string): never => {
    throw new StudioError('BAD_CHECKPOINT', `${dir}: the checkpoint lacks ${name}`);
  };

/** The learning rate of iteration i: constant for the first half, then linearly to zero. */
export function learningRate(settings: TrainSettings, i: number): number {
  const half = Math.floor(settings.iterations / 2);
  if (i < half) return settings.lr;
  return settings.lr * Math.max(0, 1 - (i - half) / Math.max(1, settings.iterations - half));
}

/**
 * A fine-tuning run: its folder, mode, networks, data and state (weights, Adam moments, the
 * mode's own state, random streams). `train` continues from wherever the state is,
 * checkpointing every N iterations and when aborted; `resume` rebuilds a run from its folder
 * after a pause, a crash or kill -9. What differs between CycleGAN, pix2pix and conditional
 * runs is the mode's (modes/); the run does the same for all of them.
 */
export class TrainingRun {
  private constructor(
    readonly dir: string,
    readonly record: RunRecord,
    readonly mode: TrainingMode,
    private readonly networks: RunNetwork[],
    private readonly data: TrainingData,
    private state: NetState,
    private iteration: number,
    private dataRng: Rng,
    private poolRng: Rng,
    private seconds: number,
  ) {}

  /** `names`: how refusals name the settings (the caller's words; the settings' keys unless told). */
  static async create(settings: TrainSettings, options: { library: ModelLibrary; runDir: string; names?: TrainSettingNames }): Promise<TrainingRun> {
    // The one set of limits.
    const checked = checkTrainSettings(settings, options.names ?? 'key');
    if (!checked.ok) throw new StudioError(checked.error.code, checked.error.message);
    const { mode, data } = await openTrainingMode(settings);
    const initRng = new Rng(settings.seed + 2);
    const { networks, weights } = await runNetworks(mode, settings, options.library, data.conditionSize, initRng, options.names ?? 'key');
    await mkdir(options.runDir, { recursive: true });
    const record: RunRecord = {
      version: 1,
      settings,
      networks: networks.map((n) => ({ id: n.id, origin: n.origin, ...(n.arch === undefined ? {} : { arch: n.arch }) })),
      conditionSize: data.conditionSize,
      data: data.summary,
      createdAt: new Date().toISOString(),
      exports: [],
    };
    await writeRunRecord(options.runDir, record);
    const state = NetState.fresh(networks, weights);
    await truncateLossLog(options.runDir, 0);
    return new TrainingRun(options.runDir, record, mode, networks, data, state, 0, new Rng(settings.seed), new Rng(settings.seed + 1), 0);
  }

  static async resume(dir: string, overrides: { device?: string } = {}): Promise<TrainingRun> {
    const record = await readRunRecord(dir);
    const settings = { ...record.settings, ...(overrides.device === undefined ? {} : { device: overrides.device }) };
    const { mode, data } = await openTrainingMode(settings);
    if (data.conditionSize !== record.conditionSize) {
      throw new StudioError('BAD_ARGUMENT', `${dir}: the data now has ${data.conditionSize} attributes, the run was started with ${record.conditionSize}`);
    }
    const networks: RunNetwork[] = record.networks.map((n) => ({ ...n, graph: n.arch !== undefined ? buildGenerator(n.arch) : mode.discriminator() }));
    const checkpoint = await readCheckpoint(dir);
    if (checkpoint === null) {
      throw new StudioError('BAD_CHECKPOINT', `${dir}: the run has no checkpoint yet (it stopped before its first one); start it again`);
    }
    const state = NetState.restore(networks, checkpoint.tensors, lacksIn(dir));
    mode.restore(checkpoint.tensors);
    await truncateLossLog(dir, checkpoint.record.iteration);
    return new TrainingRun(
      dir,
      { ...record, settings },
      mode,
      networks,
      data,
      state,
      checkpoint.record.iteration,
      Rng.fromState(checkpoint.record.dataRng),
      Rng.fromState(checkpoint.record.poolRng),
      checkpoint.record.seconds,
    );
  }

  get settings(): TrainSettings {
    return this.record.settings;
  }

  get completedIterations(): number {
    return this.iteration;
  }

  /** Current weights of one network by state-dict key (for export and tests). */
  weights(netId: string): Map<string, Float32Array> {
    return this.state.weights(netId);
  }

  get generators(): RunNetwork[] {
    return this.networks.filter((n) => n.arch !== undefined);
  }

  async train(options: TrainOptions = {}): Promise<TrainOutcome> {
    const s = this.settings;
    const emit = options.onEvent ?? ((): void => undefined);
    const step = this.mode.buildStep(new Map(this.networks.map((n) => [n.id, n.graph])));
    const device = isDeviceChoice(s.device) ? s.device : 'auto';
    const threads = options.threads === undefined ? {} : { threads: options.threads };
    const unlock = await lockRun(this.dir);
    // null only while a failed device's runner is being given up for the CPU's.
    let runner: GraphRunner | null;
    try {
      // Weights and moments stay on a GPU from step to step; they come back for checkpoints and at the end.
      runner = await openGraphRunner(step.model, device, { keepOnDevice: this.state.outputNames(), ...threads });
    } catch (err) {
      await unlock();
      throw err;
    }
    const fallbacks: { provider: string; reason: string }[] = [...runner.fallbacks];
    emit({
      type: 'train-started',
      runDir: this.dir,
      provider: runner.provider,
      fallbacks: [...runner.fallbacks],
      iteration: this.iteration,
      iterations: s.iterations,
      data: this.record.data,
      resumed: this.iteration > 0,
    });
    let log = await LossLogWriter.open(this.dir);
    const recent: number[] = [];
    let rngBeforeNext = this.dataRng.getState();
    let pending: Promise<Batch> | null = this.iteration < s.iterations ? this.data.batch(this.dataRng, this.iteration) : null;
    // Where a run on a device goes back to if a step fails there and the state cannot be read
    // back: its start, until its first checkpoint (then the checkpoint file). Plain arrays it
    // holds anyway at the start (a step's outputs are new arrays or buffers, never these).
    let start = runner.provider !== 'cpu' && this.iteration === 0 ? this.restartPoint(rngBeforeNext) : null;
    /**
     * After a step or a checkpoint's read-back failed on the device: on the CPU from the last
     * good state ('same': the state is as it was, do again what failed), or back at an earlier
     * iteration ('rewound': its batches are drawn again from the restored stream, and the loss
     * log, cut back to it, is appended to from there). A failure on the CPU is final, as is one
     * about the run rather than the device.
     */
    const goOnOnCpu = async (err: unknown, failedAt: number): Promise<'same' | 'rewound'> => {
      const failed = runner;
      if (failed === null || failed.provider === 'cpu' || !mayBeTheDevice(err)) throw err;
      runner = null;
      const moved = await this.moveToCpu(err, failed, failedAt, step.model, start, threads);
      runner = moved.runner;
      start = null;
      fallbacks.push(fallbackAsProvider(moved.fallback));
      emit({ type: 'train-fallback', fallback: moved.fallback, provider: runner.provider, fallbacks: [...fallbacks], iterations: s.iterations });
      // The speed (and so the time left) is the CPU's from here.
      recent.length = 0;
      if (moved.fallback.from === 'device') return 'same';
      await pending?.catch(() => undefined);
      rngBeforeNext = this.dataRng.getState();
      pending = this.iteration < s.iterations ? this.data.batch(this.dataRng, this.iteration) : null;
      await log.close();
      log = await LossLogWriter.open(this.dir);
      return 'rewound';
    };
    try {
      while (this.iteration < s.iterations) {
        if (options.signal?.aborted === true) {
          await this.checkpoint(rngBeforeNext, runner, emit);
          emit({ type: 'train-finished', iteration: this.iteration, status: 'paused', seconds: this.seconds });
          return { status: 'paused', iteration: this.iteration };
        }
        const started = performance.now();
        const batch = await (pending ?? this.data.batch(this.dataRng, this.iteration));
        const dataFeeds = { ...this.mode.feeds(batch, step, this.poolRng), ...this.optimiserFeeds() };
        // Draw the next batch while this step runs; its random choices are made now, so the
        // stream position to checkpoint is the one before them.
        rngBeforeNext = this.dataRng.getState();
        pending = this.iteration + 1 < s.iterations ? this.data.batch(this.dataRng, this.iteration + 1) : null;
        let result: StepOutputs;
        try {
          result = await runner.step({ ...dataFeeds, ...this.state.feeds() });
        } catch (err) {
          if ((await goOnOnCpu(err, this.iteration + 1)) === 'rewound') continue;
          // The state the failed step was fed, read back whole: the same step (same batch, same
          // pool choices, same learning rate) again, on the CPU.
          result = await (runner as GraphRunner).step({ ...dataFeeds, ...this.state.feeds() });
        }
        this.state.absorb(result);
        const out = result.host;
        this.mode.afterStep(out);
        this.iteration += 1;
        const elapsed = (performance.now() - started) / 1000;
        this.seconds += elapsed;
        recent.push(elapsed);
        if (recent.length > 20) recent.shift();
        const losses = Object.fromEntries(step.losses.map((name) => [name.slice('loss/'.length), out.get(name)?.[0] ?? Number.NaN]));
        if (Object.values(losses).some((v) => !Number.isFinite(v))) {
          throw new StudioError('TRAINING_DIVERGED', `training diverged at iteration ${this.iteration} (a loss is not a number); lower the learning rate and resume from ${this.dir}`);
        }
        await log.append({ i: this.iteration, t: Math.round(this.seconds * 1000) / 1000, ...losses });
        const perIteration = recent.length > 1 ? recent.slice(1).reduce((a, b) => a + b, 0) / (recent.length - 1) : elapsed;
        emit({
          type: 'train-progress',
          iteration: this.iteration,
          iterations: s.iterations,
          epoch: (this.iteration * s.batch) / Math.max(1, this.data.epochSize),
          losses,
          secondsPerIteration: perIteration,
          etaSeconds: perIteration * (s.iterations - this.iteration),
          progress: this.iteration / s.iterations,
        });
        const last = this.iteration === s.iterations;
        if (this.iteration % s.sampleEvery === 0 || last) {
          const path = await this.writeSamples(batch, out);
          emit({ type: 'train-sample', iteration: this.iteration, path });
        }
        if (this.iteration % s.checkpointEvery === 0 || last) {
          const dataRng = this.iteration < s.iterations ? rngBeforeNext : this.dataRng.getState();
          try {
            await this.checkpoint(dataRng, runner, emit);
          } catch (err) {
            // Reading the state back failed (the device, or its memory for the copy).
            if ((await goOnOnCpu(err, this.iteration)) === 'rewound') continue;
            await this.checkpoint(dataRng, runner as GraphRunner, emit);
          }
          start = null;
        }
      }
      emit({ type: 'train-finished', iteration: this.iteration, status: 'completed', seconds: this.seconds });
      return { status: 'completed', iteration: this.iteration };
    } finally {
      await pending?.catch(() => undefined);
      await log.close();
      const last = runner;
      try {
        if (last !== null) await this.state.settle((values) => last.download(values));
      } finally {
        await last?.release();
        await unlock();
      }
    }
  }

  /**
   * After a step (of iteration `failedAt`) or a checkpoint failed on a device (`failed`): the
   * last good state in plain memory, the device's sessions released, and a runner on the CPU.
   * The last good state is the one the failed step was fed (the last successful step's
   * outputs: a step that fails hands over nothing, NetState.absorb), read back from the device;
   * where the device cannot even do that, its buffers are dropped and the run goes back to its
   * last checkpoint (or its start, before the first), the loss log cut back to match. The move
   * is kept in the run record.
   */
  private async moveToCpu(
    err: unknown,
    failed: GraphRunner,
    failedAt: number,
    model: Uint8Array,
    start: RestartPoint | null,
    threads: { threads?: number },
  ): Promise<{ runner: GraphRunner; fallback: TrainFallback }> {
    const reason = failureReason(err);
    let from: TrainFallback['from'] = 'device';
    try {
      try {
        await this.state.settle((values) => failed.download(values));
      } catch (readErr) {
        this.state.discardDevice();
        const point = start ?? (await this.lastCheckpoint());
        if (point === null) {
          throw new StudioError('INTERNAL', `${failed.provider} failed at iteration ${failedAt} (${reason}) and the run's state could not be read back (${failureReason(readErr)}), with no checkpoint to go back to; start the run again`, { cause: err });
        }
        this.restore(point);
        from = start === null ? 'checkpoint' : 'start';
        await truncateLossLog(this.dir, this.iteration);
      }
    } finally {
      // A lost device may refuse even this; its sessions are dropped either way.
      await failed.release().catch(() => undefined);
    }
    const runner = await openGraphRunner(model, 'cpu', threads);
    const fallback: TrainFallback = { provider: failed.provider, reason, to: runner.provider, failedAt, iteration: this.iteration, from, at: new Date().toISOString() };
    this.record.fallbacks = [...(this.record.fallbacks ?? []), fallback];
    try {
      await writeRunRecord(this.dir, this.record);
    } catch (err) {
      await runner.release();
      throw err;
    }
    return { runner, fallback };
  }

  /** The state now as a restart point; it must be in plain memory (a run's start). */
  private restartPoint(dataRng: number[]): RestartPoint {
    const tensors = new Map<string, Float32Array>();
    for (const [name, t] of [...this.state.hostTensors(), ...this.mode.checkpointTensors()]) tensors.set(name, t.data);
    return { iteration: this.iteration, dataRng, poolRng: this.poolRng.getState(), seconds: this.seconds, tensors };
  }

  private async lastCheckpoint(): Promise<RestartPoint | null> {
    const checkpoint = await readCheckpoint(this.dir);
    if (checkpoint === null) return null;
    const { iteration, dataRng, poolRng, seconds } = checkpoint.record;
    return { iteration, dataRng, poolRng, seconds, tensors: checkpoint.tensors };
  }

  /** Puts the run back at a restart point: state, the recipe's own state, random streams, clock. */
  private restore(point: RestartPoint): void {
    this.state = NetState.restore(this.networks, point.tensors, lacksIn(this.dir));
    this.mode.restore(point.tensors);
    this.iteration = point.iteration;
    this.dataRng = Rng.fromState(point.dataRng);
    this.poolRng = Rng.fromState(point.poolRng);
    this.seconds = point.seconds;
  }

  /** Adam's bias corrections for step t = iteration + 1, folded into two scalars. */
  private optimiserFeeds(): Record<string, TensorInput> {
    const t = this.iteration + 1;
    return {
      [STEP_SIZE]: { data: Float32Array.of(learningRate(this.settings, this.iteration) / (1 - ADAM.beta1 ** t)), dims: [] },
      [BC2]: { data: Float32Array.of(Math.sqrt(1 - ADAM.beta2 ** t)), dims: [] },
    };
  }

  private async writeSamples(batch: Batch, out: Map<string, Float32Array>): Promise<string> {
    const s = this.settings;
    const plane = 3 * s.size * s.size;
    const first = (name: string): TrainImage => ({ data: (out.get(name) ?? new Float32Array(plane)).subarray(0, plane), width: s.size, height: s.size });
    const rows = this.mode.visuals(batch, first);
    const path = join(this.dir, 'samples', `iter-${String(this.iteration).padStart(7, '0')}.png`);
    await writeSampleGrid(rows, path);
    return path;
  }

  private async checkpoint(dataRng: number[], runner: GraphRunner, emit: (e: TrainEvent) => void): Promise<void> {
    const tensors = new Map([...(await this.state.tensors((values) => runner.download(values))), ...this.mode.checkpointTensors()]);
    const path = await writeCheckpoint(
      this.dir,
      { iteration: this.iteration, dataRng, poolRng: this.poolRng.getState(), seconds: this.seconds, provider: runner.provider },
      tensors,
    );
    emit({ type: 'train-checkpoint', iteration: this.iteration, path });
  }

  /** Records exported model ids in run.json. */
  async noteExports(ids: string[]): Promise<void> {
    this.record.exports.push(...ids);
    await writeRunRecord(this.dir, this.record);
  }
}
