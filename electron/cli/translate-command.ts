import { resolve } from 'node:path';
import type { JobEvent, OutputFormat, TranslateJobSpec } from '../contract/jobs.js';
import { runSweepJob, runTranslateJob, type JobSummary, type SweepJobSpec, type SweepSpec } from '../engine/jobs/index.js';
import type { ModelLibrary } from '../engine/library/index.js';
import { logJobEvent, processLogger } from '../engine/logging/index.js';
import { providerSummary, type SessionManager } from '../engine/runtime/index.js';
import { JsonLines } from './json-lines.js';
import { ProgressReporter } from './progress-reporter.js';
import { displayText } from '../engine/display-text.js';

export interface TranslateCliOptions {
  model: string;
  out: string;
  device: string;
  format?: OutputFormat;
  quality?: number;
  size?: number;
  set?: Record<string, number>;
  overwrite?: boolean;
  maxMemory?: number;
  tile?: number;
  sweep?: SweepSpec;
  json?: boolean;
}

/**
 * Ctrl+C once cancels after the current file (the caller's signal); twice exits at once. The
 * caller removes `onSigint` when its job ends.
 */
function cancelOnSigint(beforeMessage?: () => void): { controller: AbortController; onSigint: () => void } {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    beforeMessage?.();
    process.stderr.write('\nCancelling after the current file (Ctrl+C again to stop at once)...\n');
  };
  process.on('SIGINT', onSigint);
  return { controller, onSigint };
}

/** Runs a batch from the command line; returns the exit code (0 all done, 1 some failed). */
export async function translateCommand(
  inputs: string[],
  options: TranslateCliOptions,
  deps: { library: ModelLibrary; sessions: SessionManager },
): Promise<number> {
  if (options.sweep !== undefined) return sweepCommand(inputs, options, options.sweep, deps);
  return runBatchCommand(options.json === true, (onEvent, signal) =>
    runTranslateJob(
      { ...commonSpec(inputs, options), ...memoryOptions(options) },
      deps,
      onEvent,
      signal,
    ),
  );
}

/**
 * A batch as `translate` shows it: progress bar or lines on stderr, `--json` lines, the log,
 * Ctrl+C to cancel, the summary; returns its exit code. `farm translate` shows its batch so too.
 */
export async function runBatchCommand(
  jsonLines: boolean,
  run: (onEvent: (event: JobEvent) => void, signal: AbortSignal) => Promise<JobSummary>,
  also?: (event: JobEvent) => void,
): Promise<number> {
  const reporter = new ProgressReporter(process.stderr);
  const json = new JsonLines(jsonLines);
  const { controller, onSigint } = cancelOnSigint(() => reporter.stop());
  try {
    const summary = await run((event) => {
      also?.(event);
      logJobEvent(processLogger(), event);
      json.jobEvent(event);
      reporter.handle(event);
    }, controller.signal);
    return reportBatchEnd(summary, reporter, json);
  } finally {
    reporter.stop();
    process.off('SIGINT', onSigint);
  }
}

/**
 * The summary of a batch on stderr (and its JSON line): providers, renamed outputs, every
 * failed file with its cause. Returns translate's exit code: 0 all done, 1 some failed or
 * none found, 130 cancelled. A farm batch ends the same way.
 */
function reportBatchEnd(summary: JobSummary, reporter: ProgressReporter, json: JsonLines): number {
  const total = summary.succeeded + summary.failed;
  json.write('summary', { model: summary.model.manifest.id, succeeded: summary.succeeded, failed: summary.failed, cancelled: summary.cancelled, ms: Math.round(summary.ms), providers: [...reporter.providers.keys()] });
  // One provider line: which ran, and why the ones before it did not.
  const providers = [...reporter.providers.keys()].map((p) => providerSummary(p, [...reporter.fallbacks.values()])).join(', ') || 'no provider';
  const seconds = (summary.ms / 1000).toFixed(1);
  const out: string[] = [];
  for (const r of reporter.renamed) out.push(`note: ${displayText(r.output)} was named so because ${r.reason}`);
  const verb = summary.cancelled ? 'Cancelled:' : 'Done:';
  const workers = reporter.workers.size === 0 ? '' : ` by ${reporter.workers.size} worker${reporter.workers.size === 1 ? '' : 's'} (${[...reporter.workers].sort().join(', ')})`;
  out.push(
    `${verb} ${summary.succeeded} of ${total} file${total === 1 ? '' : 's'} translated with ${summary.model.manifest.id} on ${providers}${workers} in ${seconds} s` +
      (summary.failed > 0 ? `; ${summary.failed} failed:` : '.'),
  );
  for (const f of reporter.failures) out.push(`  ${displayText(f.input)}: ${f.message}`);
  if (total === 0 && !summary.cancelled) out.push('No image files were found in the given inputs.');
  process.stderr.write(`${out.join('\n')}\n`);
  if (summary.cancelled) return 130;
  return summary.failed > 0 || total === 0 ? 1 : 0;
}

/** What to translate, into where and how each image is written: the options translate and farm translate share. */
export function batchSpec(inputs: string[], options: Pick<TranslateCliOptions, 'model' | 'out' | 'format' | 'quality' | 'size' | 'set'>): Pick<TranslateJobSpec, 'inputs' | 'model' | 'outDir' | 'format' | 'quality' | 'shorterSide' | 'attributes'> {
  return {
    inputs,
    model: options.model,
    outDir: resolve(options.out),
    format: options.format ?? 'auto',
    ...(options.quality === undefined ? {} : { quality: options.quality }),
    ...(options.size === undefined ? {} : { shorterSide: options.size }),
    ...(options.set === undefined ? {} : { attributes: options.set }),
  };
}

/** How large images are run (strips within a memory budget, or tiles). */
export function memoryOptions(options: Pick<TranslateCliOptions, 'maxMemory' | 'tile'>): Pick<TranslateJobSpec, 'maxMemoryMB' | 'tileSize'> {
  return {
    ...(options.maxMemory === undefined ? {} : { maxMemoryMB: options.maxMemory }),
    ...(options.tile === undefined ? {} : { tileSize: options.tile }),
  };
}

/** The options a translation and a sweep share, from the command line. */
function commonSpec(inputs: string[], options: TranslateCliOptions): Omit<SweepJobSpec, 'sweep'> {
  return { ...batchSpec(inputs, options), device: options.device, overwrite: options.overwrite ?? false };
}

/** `translate --sweep NAME=FROM:TO:STEPS`: one output per step and a contact sheet per input. */
async function sweepCommand(
  inputs: string[],
  options: TranslateCliOptions,
  sweep: SweepSpec,
  deps: { library: ModelLibrary; sessions: SessionManager },
): Promise<number> {
  const { controller, onSigint } = cancelOnSigint();
  const json = new JsonLines(options.json === true);
  const started = performance.now();
  try {
    const result = await runSweepJob(
      { ...commonSpec(inputs, options), sweep },
      deps,
      (p) => {
        if (p.error !== undefined) json.write('error', { input: p.input, message: p.error, at: new Date().toISOString() });
        else json.write('output', { input: p.input, output: p.output, attribute: sweep.name, value: p.value, step: p.step, steps: p.steps, at: new Date().toISOString() });
        if (p.error !== undefined) process.stderr.write(`failed: ${displayText(p.input)}: ${displayText(p.error)}\n`);
        else process.stderr.write(`${displayText(p.input)}: ${sweep.name} = ${p.value.toFixed(3)} (${p.step}/${p.steps}) -> ${displayText(p.output ?? '')}\n`);
      },
      controller.signal,
    );
    const sheets = result.written.filter((w) => w.endsWith('-sweep.png')).length;
    json.write('summary', { written: result.written, sheets, failed: result.failed, cancelled: result.cancelled, ms: Math.round(performance.now() - started) });
    process.stderr.write(`${result.cancelled ? 'Cancelled' : 'Done'}: ${result.written.length - sheets} images and ${sheets} contact sheet${sheets === 1 ? '' : 's'}${result.failed > 0 ? `; ${result.failed} failed` : ''}.\n`);
    if (result.cancelled) return 130;
    return result.failed > 0 || sheets === 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
