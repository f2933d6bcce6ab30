import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrainEvent, TrainSettings } from '../../contract/training.js';
import { StudioError } from '../errors.js';
import type { IrGraph } from '../graph/ir.js';
import type { ModelLibrary } from '../library/model-library.js';
import { buildGenerator, patchganDiscriminator } from '../nets/index.js';
import { isDeviceChoice, openGraphRunner, type GraphRunner, type TensorInput } from '../runtime/index.js';
import { Rng, writeSampleGrid, type TrainImage } from './data/index.js';
import { FakePool, type PoolPlan } from './fake-pool.js';
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
import { BC2, STEP_SIZE, buildCycleganStep, buildPix2pixStep, type StepGraph } from './step-graphs.js';
import { ADAM, stateNames } from './trainable-net.js';
import { openTrainingData, type Batch, type TrainingData } from './training-data.js';

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

/** The learning rate of iteration i: constant for the first half, then linearly to zero. */
export function learningRate(settings: TrainSettings, i: number): number {
  const half = Math.floor(settings.iterations / 2);
  if (i < half) return settings.lr;
  return settings.lr * Math.max(0, 1 - (i - half) / Math.max(1, settings.iterations - half));
}

/**
 * A fine-tuning run: its folder, networks, data and state (weights, Adam moments, pools, random
 * streams). `train` continues from wherever the state is, checkpointing every N iterations and
 * when aborted; `resume` rebuilds a run from its folder after a pause, a crash or kill -9.
 */
export class TrainingRun {
  private constructor(
    readonly dir: string,
    readonly record: RunRecord,
    private readonly networks: RunNetwork[],
    private readonly data: TrainingData,
    private readonly state: Map<string, Float32Array>,
    private iteration: number,
    private dataRng: Rng,
    private poolRng: Rng,
    private readonly pools: { A: FakePool; B: FakePool },
    private seconds: number,
  ) {}

  static async create(settings: TrainSettings, options: { library: ModelLibrary; runDir: string }): Promise<TrainingRun> {
    validateSettings(settings);
    const data = await openTrainingData(settings);
    const initRng = new Rng(settings.seed + 2);
    const { networks, weights } = await runNetworks(settings, options.library, data.conditionSize, initRng);
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
    const state = new Map<string, Float32Array>();
    for (const net of networks) {
      const w = weights.get(net.id);
      for (const p of net.graph.params) {
        const names = stateNames(net.id, p.name);
        const value = w?.get(p.name);
        if (value === undefined) throw new Error(`no starting weight for ${net.id}/${p.name}`);
        state.set(names.param, value);
        state.set(names.m, new Float32Array(value.length));
        state.set(names.v, new Float32Array(value.length));
      }
    }
    await truncateLossLog(options.runDir, 0);
    return new TrainingRun(options.runDir, record, networks, data, state, 0, new Rng(settings.seed), new Rng(settings.seed + 1), newPools(settings), 0);
  }

  static async resume(dir: string, overrides: { device?: string } = {}): Promise<TrainingRun> {
    const record = await readRunRecord(dir);
    const settings = { ...record.settings, ...(overrides.device === undefined ? {} : { device: overrides.device }) };
    const data = await openTrainingData(settings);
    if (data.conditionSize !== record.conditionSize) {
      throw new StudioError('BAD_ARGUMENT', `${dir}: the data now has ${data.conditionSize} attributes, the run was started with ${record.conditionSize}`);
    }
    const networks: RunNetwork[] = record.networks.map((n) => ({
      id: n.id,
      origin: n.origin,
      ...(n.arch === undefined ? {} : { arch: n.arch }),
      graph: n.arch !== undefined ? buildGenerator(n.arch) : discriminatorFor(settings, record.conditionSize),
    }));
    const checkpoint = await readCheckpoint(dir);
    if (checkpoint === null) {
      throw new StudioError('BAD_CHECKPOINT', `${dir}: the run has no checkpoint yet (it stopped before its first one); start it again`);
    }
    const state = new Map<string, Float32Array>();
    for (const net of networks) {
      for (const p of net.graph.params) {
        for (const name of Object.values(stateNames(net.id, p.name)).slice(0, 3)) {
          const value = checkpoint.tensors.get(name);
          if (value === undefined) throw new StudioError('BAD_CHECKPOINT', `${dir}: the checkpoint lacks ${name}`);
          state.set(name, value);
        }
      }
    }
    const pools = newPools(settings);
    for (const side of ['A', 'B'] as const) {
      for (let k = 0; ; k++) {
        const image = checkpoint.tensors.get(`pool/${side}/${k}`);
        if (image === undefined) break;
        pools[side].images.push(image);
      }
    }
    await truncateLossLog(dir, checkpoint.record.iteration);
    const run = new TrainingRun(
      dir,
      { ...record, settings },
      networks,
      data,
      state,
      checkpoint.record.iteration,
      Rng.fromState(checkpoint.record.dataRng),
      Rng.fromState(checkpoint.record.poolRng),
      pools,
      checkpoint.record.seconds,
    );
    return run;
  }

  get settings(): TrainSettings {
    return this.record.settings;
  }

  get completedIterations(): number {
    return this.iteration;
  }

  /** Current weights of one network by state-dict key (for export and tests). */
  weights(netId: string): Map<string, Float32Array> {
    const net = this.networks.find((n) => n.id === netId);
    if (net === undefined) throw new Error(`run has no network ${netId}`);
    return new Map(net.graph.params.map((p) => [p.name, this.state.get(stateNames(netId, p.name).param) ?? new Float32Array()]));
  }

  get generators(): RunNetwork[] {
    return this.networks.filter((n) => n.arch !== undefined);
  }

  async train(options: TrainOptions = {}): Promise<TrainOutcome> {
    const s = this.settings;
    const emit = options.onEvent ?? ((): void => undefined);
    const step = this.buildStep();
    const device = isDeviceChoice(s.device) ? s.device : 'auto';
    const unlock = await lockRun(this.dir);
    let runner: GraphRunner;
    try {
      runner = await openGraphRunner(step.model, device, options.threads === undefined ? {} : { threads: options.threads });
    } catch (err) {
      await unlock();
      throw err;
    }
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
    const log = await LossLogWriter.open(this.dir);
    const recent: number[] = [];
    let rngBeforeNext = this.dataRng.getState();
    let pending: Promise<Batch> | null = this.iteration < s.iterations ? this.data.batch(this.dataRng, this.iteration) : null;
    try {
      while (this.iteration < s.iterations) {
        if (options.signal?.aborted === true) {
          await this.checkpoint(rngBeforeNext, runner, emit);
          emit({ type: 'train-finished', iteration: this.iteration, status: 'paused', seconds: this.seconds });
          return { status: 'paused', iteration: this.iteration };
        }
        const started = performance.now();
        const batch = await (pending ?? this.data.batch(this.dataRng, this.iteration));
        const plans = s.mode === 'cyclegan' ? { A: this.planPool('A'), B: this.planPool('B') } : null;
        const feeds = this.feeds(step, batch, plans);
        // Draw the next batch while this step runs; its random choices are made now, so the
        // stream position to checkpoint is the one before them.
        rngBeforeNext = this.dataRng.getState();
        pending = this.iteration + 1 < s.iterations ? this.data.batch(this.dataRng, this.iteration + 1) : null;
        const out = await runner.run(feeds);
        this.absorb(step, out);
        if (plans !== null) {
          this.commitPool('A', plans.A, out.get('fake_A'));
          this.commitPool('B', plans.B, out.get('fake_B'));
        }
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
          await this.checkpoint(this.iteration < s.iterations ? rngBeforeNext : this.dataRng.getState(), runner, emit);
        }
      }
      emit({ type: 'train-finished', iteration: this.iteration, status: 'completed', seconds: this.seconds });
      return { status: 'completed', iteration: this.iteration };
    } finally {
      await pending?.catch(() => undefined);
      await log.close();
      await runner.release();
      await unlock();
    }
  }

  private buildStep(): StepGraph {
    const s = this.settings;
    const graph = (id: string): IrGraph => {
      const net = this.networks.find((n) => n.id === id);
      if (net === undefined) throw new Error(`run has no network ${id}`);
      return net.graph;
    };
    if (s.mode === 'cyclegan') {
      return buildCycleganStep({
        gA: graph('G_A'),
        gB: graph('G_B'),
        dA: graph('D_A'),
        dB: graph('D_B'),
        batch: s.batch,
        size: s.size,
        lambdaCycle: s.lambdaCycle,
        lambdaIdentity: s.lambdaIdentity,
      });
    }
    return buildPix2pixStep({
      g: graph('G'),
      d: graph('D'),
      batch: s.batch,
      size: s.size,
      lambdaL1: s.lambdaL1,
      ...(s.mode === 'conditional' ? { conditionSize: this.record.conditionSize } : {}),
    });
  }

  private planPool(side: 'A' | 'B'): PoolPlan[] {
    return Array.from({ length: this.settings.batch }, () => this.pools[side].plan(this.poolRng));
  }

  private commitPool(side: 'A' | 'B', plans: PoolPlan[], fakes: Float32Array | undefined): void {
    if (fakes === undefined) return;
    const each = fakes.length / plans.length;
    plans.forEach((plan, k) => this.pools[side].commit(plan, fakes.subarray(k * each, (k + 1) * each)));
  }

  private feeds(step: StepGraph, batch: Batch, plans: { A: PoolPlan[]; B: PoolPlan[] } | null): Record<string, TensorInput> {
    const s = this.settings;
    const feeds: Record<string, TensorInput> = {};
    const dims = (name: string): readonly number[] => step.dataInputs.get(name) ?? [];
    feeds.real_A = { data: batch.a, dims: dims('real_A') };
    feeds.real_B = { data: batch.b, dims: dims('real_B') };
    if (batch.condition !== undefined) feeds.condition = { data: batch.condition, dims: dims('condition') };
    if (plans !== null) {
      for (const side of ['A', 'B'] as const) {
        const each = batch.a.length / s.batch;
        const pooled = new Float32Array(batch.a.length);
        const use = new Float32Array(s.batch);
        plans[side].forEach((plan, k) => {
          if (plan.use === 'stored') {
            pooled.set(plan.image, k * each);
            use[k] = 1;
          }
        });
        feeds[`pool/fake_${side}`] = { data: pooled, dims: dims(`pool/fake_${side}`) };
        feeds[`pool/use_${side}`] = { data: use, dims: dims(`pool/use_${side}`) };
      }
    }
    // Adam's bias corrections for step t = iteration + 1, folded into two scalars.
    const t = this.iteration + 1;
    feeds[STEP_SIZE] = { data: Float32Array.of(learningRate(s, this.iteration) / (1 - ADAM.beta1 ** t)), dims: [] };
    feeds[BC2] = { data: Float32Array.of(Math.sqrt(1 - ADAM.beta2 ** t)), dims: [] };
    for (const net of this.networks) {
      for (const p of net.graph.params) {
        const names = stateNames(net.id, p.name);
        for (const name of [names.param, names.m, names.v]) {
          feeds[name] = { data: this.state.get(name) ?? new Float32Array(), dims: p.shape };
        }
      }
    }
    return feeds;
  }

  private absorb(step: StepGraph, out: Map<string, Float32Array>): void {
    for (const [netId, graph] of step.nets) {
      for (const p of graph.params) {
        const names = stateNames(netId, p.name);
        for (const [from, to] of [
          [names.newParam, names.param],
          [names.newM, names.m],
          [names.newV, names.v],
        ] as const) {
          const value = out.get(from);
          if (value === undefined) throw new Error(`step graph did not return ${from}`);
          this.state.set(to, value);
        }
      }
    }
  }

  private async writeSamples(batch: Batch, out: Map<string, Float32Array>): Promise<string> {
    const s = this.settings;
    const plane = 3 * s.size * s.size;
    const first = (name: string): TrainImage => ({ data: (out.get(name) ?? new Float32Array(plane)).subarray(0, plane), width: s.size, height: s.size });
    const rows: TrainImage[][] =
      s.mode === 'cyclegan'
        ? [
            [batch.firstA, first('fake_B'), first('rec_A')],
            [batch.firstB, first('fake_A'), first('rec_B')],
          ]
        : [[batch.firstA, first('fake_B'), batch.firstB]];
    const path = join(this.dir, 'samples', `iter-${String(this.iteration).padStart(7, '0')}.png`);
    await writeSampleGrid(rows, path);
    return path;
  }

  private async checkpoint(dataRng: number[], runner: GraphRunner, emit: (e: TrainEvent) => void): Promise<void> {
    const tensors = new Map<string, { shape: readonly number[]; data: Float32Array }>();
    for (const net of this.networks) {
      for (const p of net.graph.params) {
        const names = stateNames(net.id, p.name);
        for (const name of [names.param, names.m, names.v]) tensors.set(name, { shape: p.shape, data: this.state.get(name) ?? new Float32Array() });
      }
    }
    const shape = [3, this.settings.size, this.settings.size];
    for (const side of ['A', 'B'] as const) this.pools[side].images.forEach((img, k) => tensors.set(`pool/${side}/${k}`, { shape, data: img }));
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

function newPools(s: TrainSettings): { A: FakePool; B: FakePool } {
  return { A: new FakePool(s.poolSize ?? 50), B: new FakePool(s.poolSize ?? 50) };
}

function discriminatorFor(s: TrainSettings, conditionSize: number): IrGraph {
  const inputChannels = s.mode === 'cyclegan' ? 3 : s.mode === 'pix2pix' ? 6 : 6 + conditionSize;
  return patchganDiscriminator({ inputChannels, ndf: s.ndf, nLayers: s.dLayers, norm: s.norm });
}

function validateSettings(s: TrainSettings): void {
  const whole = (name: string, v: number, min: number, max: number): void => {
    if (!Number.isInteger(v) || v < min || v > max) throw new StudioError('BAD_ARGUMENT', `${name} must be a whole number from ${min} to ${max}, got ${String(v)}`);
  };
  whole('--iterations', s.iterations, 1, 10_000_000);
  whole('--size', s.size, 16, 4096);
  whole('--load-size', s.loadSize, s.size, 8192);
  whole('--batch', s.batch, 1, 64);
  whole('--ngf', s.ngf, 1, 256);
  whole('--ndf', s.ndf, 1, 256);
  whole('--d-layers', s.dLayers, 1, 6);
  whole('--sample-every', s.sampleEvery, 1, 10_000_000);
  whole('--checkpoint-every', s.checkpointEvery, 1, 10_000_000);
  if (!(s.lr > 0 && s.lr < 1)) throw new StudioError('BAD_ARGUMENT', `--lr must be between 0 and 1, got ${String(s.lr)}`);
  if (s.edges && s.mode !== 'pix2pix') throw new StudioError('BAD_ARGUMENT', '--edges only applies to pix2pix training (edge maps in, photos out)');
}
