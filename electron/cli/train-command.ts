import { resolve } from 'node:path';
import { Option } from 'commander';
import * as z from 'zod';
import { TRAIN_FIELDS, checkTrainSettings, trainFallbackNotice, type TrainEvent, type TrainSettings } from '../contract/training.js';
import { StudioError } from '../engine/errors.js';
import { providerSummary } from '../engine/runtime/index.js';
import { studioHome, type ModelLibrary } from '../engine/library/index.js';
import { exportRunModels } from '../engine/training/export-models.js';
import { trainSettings } from '../engine/training/train-settings.js';
import { newRunDir } from '../engine/training/run-files.js';
import { TrainingRun } from '../engine/training/training-run.js';
import { parseNumber } from './args.js';
import { JsonLines } from './json-lines.js';
import { displayText } from '../engine/display-text.js';

/**
 * What commander hands over: every setting whose flag is a TRAIN_FIELDS option, under the
 * setting's own key (`--d-layers` is dLayers), the folders as --a and --b, and what only the
 * command has (a run folder, --resume, --no-export, threads, --json).
 */
export type TrainCliOptions = Partial<Omit<TrainSettings, 'dataA' | 'dataB'>> &
  Pick<TrainSettings, 'flip' | 'device'> & { a?: string; b?: string; run?: string; resume?: string; export: boolean; threads?: number; json?: boolean };

/**
 * The run's settings as `train` options, from the contract's fields: flag, argument, help line,
 * and the choices of a setting that has them. Numbers are only parsed here: their limits are
 * checked with the whole run's settings. The device is the command's own -d, as translate's.
 */
export function trainSettingOptions(): Option[] {
  return Object.values(TRAIN_FIELDS).flatMap((field) => {
    if (!('help' in field)) return [];
    const schema = field.schema instanceof z.ZodOptional ? field.schema.unwrap() : field.schema;
    const option = new Option('arg' in field ? `${field.flag} ${field.arg}` : field.flag, field.help);
    if (schema instanceof z.ZodEnum) option.choices(schema.options as string[]);
    if (schema instanceof z.ZodNumber) option.argParser(parseNumber);
    return [option];
  });
}

function settingsFrom(o: TrainCliOptions): TrainSettings {
  if (o.mode === undefined) throw new StudioError('BAD_ARGUMENT', 'say what to train with --mode cyclegan|pix2pix|conditional (or continue a run with --resume DIR)');
  if (o.a === undefined) throw new StudioError('BAD_ARGUMENT', '--a DIR is required: the folder of training images');
  // The options that are settings go through as given; what is left out takes the recipes' defaults.
  const given = Object.fromEntries(Object.entries(o).filter(([key]) => Object.hasOwn(TRAIN_FIELDS, key))) as Partial<TrainSettings>;
  const settings = trainSettings({
    ...given,
    mode: o.mode,
    dataA: resolve(o.a),
    dataB: o.b === undefined ? undefined : resolve(o.b),
    name: o.name ?? `${o.mode}-${new Date().toISOString().slice(0, 10)}`,
  });
  const checked = checkTrainSettings(settings, 'flag');
  if (!checked.ok) throw new StudioError(checked.error.code, checked.error.message);
  return checked.data;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Prints training progress: one updating line on a terminal, otherwise a line about every 2%
 * and at samples and checkpoints (logs and CI).
 */
class TrainReporter {
  private lastLogged = -1;
  provider: string | undefined;
  /** The providers passed over, at the start and mid-run (a move to the CPU). */
  fallbacks: { provider: string; reason: string }[] = [];

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly json: JsonLines,
  ) {}

  handle(e: TrainEvent): void {
    const tty = this.stream.isTTY === true;
    switch (e.type) {
      case 'train-started': {
        this.provider = e.provider;
        this.fallbacks = e.fallbacks;
        this.json.write('started', { runDir: e.runDir, provider: e.provider, fallbacks: e.fallbacks, resumed: e.resumed, iteration: e.iteration, iterations: e.iterations, counts: e.data.counts, skipped: e.data.skipped });
        const counts = Object.entries(e.data.counts).map(([k, v]) => `${k}: ${v}`).join(', ');
        this.stream.write(`${e.resumed ? 'resuming' : 'training'} in ${displayText(e.runDir)} (${counts}), from iteration ${e.iteration} of ${e.iterations}, on ${providerSummary(e.provider, e.fallbacks)}\n`);
        for (const s of e.data.skipped) this.stream.write(`  skipped ${displayText(s.path)}: ${displayText(s.reason)}\n`);
        return;
      }
      case 'train-progress': {
        const losses = Object.entries(e.losses).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(' ');
        const text = `iter ${e.iteration}/${e.iterations} (${Math.floor(e.progress * 100)}%) epoch ${e.epoch.toFixed(1)} | ${losses} | ${e.secondsPerIteration.toFixed(2)} s/it | ETA ${duration(e.etaSeconds)}`;
        if (tty) this.stream.write(`\r\x1b[K${text}`);
        else {
          const step = Math.max(1, Math.floor(e.iterations / 50));
          if (e.iteration - this.lastLogged >= step || e.iteration === e.iterations) {
            this.stream.write(`${text}\n`);
            this.lastLogged = e.iteration;
            this.json.write('progress', { iteration: e.iteration, iterations: e.iterations, epoch: e.epoch, losses: e.losses, secondsPerIteration: e.secondsPerIteration, etaSeconds: e.etaSeconds });
          }
        }
        return;
      }
      case 'train-fallback': {
        this.provider = e.provider;
        this.fallbacks = e.fallbacks;
        const { provider: failed, reason, failedAt, iteration, from } = e.fallback;
        this.json.write('fallback', { provider: e.provider, fallbacks: e.fallbacks, failed, reason, failedAt, iteration, from, at: e.fallback.at });
        // On its own line, after the updating progress line of a terminal; the failed provider as
        // it is (a software Vulkan driver is named as the processor it is).
        const notice = trainFallbackNotice({ ...e.fallback, provider: providerSummary(failed, []) });
        this.stream.write(`${tty ? '\n' : ''}notice: ${displayText(notice)}\n`);
        this.lastLogged = iteration;
        return;
      }
      case 'train-sample':
        this.json.write('sample', { iteration: e.iteration, output: e.path, provider: this.provider, at: new Date().toISOString() });
        if (!tty) this.stream.write(`sample: ${displayText(e.path)}\n`);
        return;
      case 'train-checkpoint':
        this.json.write('checkpoint', { iteration: e.iteration, output: e.path, at: new Date().toISOString() });
        if (!tty) this.stream.write(`checkpoint at iteration ${e.iteration}\n`);
        return;
      case 'train-finished':
        if (tty) this.stream.write('\n');
        return;
    }
  }
}

export async function trainCommand(options: TrainCliOptions, library: ModelLibrary): Promise<number> {
  let run: TrainingRun;
  if (options.resume !== undefined) {
    run = await TrainingRun.resume(resolve(options.resume), options.device === 'auto' ? {} : { device: options.device });
  } else {
    const settings = settingsFrom(options);
    const runDir = resolve(options.run ?? newRunDir(studioHome(), settings.name));
    run = await TrainingRun.create(settings, { library, runDir, names: 'flag' });
  }
  const json = new JsonLines(options.json === true);
  const reporter = new TrainReporter(process.stderr, json);
  const started = performance.now();
  const summary = (fields: Record<string, unknown>): void =>
    json.write('summary', { runDir: run.dir, provider: reporter.provider ?? null, fallbacks: reporter.fallbacks, ms: Math.round(performance.now() - started), ...fields });
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) return;
    process.stderr.write('\npausing: finishing this iteration and writing a checkpoint...\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const outcome = await run.train({
      signal: controller.signal,
      onEvent: (e) => reporter.handle(e),
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    });
    if (outcome.status === 'paused') {
      process.stderr.write(`paused at iteration ${outcome.iteration}; continue with: gan-studio train --resume ${displayText(run.dir)}\n`);
      summary({ status: 'paused', iteration: outcome.iteration, models: [] });
      return 130;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (!options.export) {
    process.stderr.write(`done; the run is in ${displayText(run.dir)}\n`);
    summary({ status: 'completed', models: [] });
    return 0;
  }
  const entries = await exportRunModels(run, library);
  process.stderr.write(`exported to the library (run folder: ${displayText(run.dir)})\n`);
  for (const e of entries) json.write('model', { id: e.manifest.id, name: e.manifest.name, kind: e.manifest.kind, dir: e.dir });
  summary({ status: 'completed', models: entries.map((e) => e.manifest.id) });
  // The last line is the new model id(s), for scripts.
  if (!json.enabled) process.stdout.write(`${entries.map((e) => e.manifest.id).join(' ')}\n`);
  return 0;
}
