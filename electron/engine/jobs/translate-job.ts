import { randomUUID } from 'node:crypto';
import type { JobEvent, OutputFormat, TranslateJobSpec } from '../../contract/jobs.js';
import type { ModelEntry } from '../../contract/models.js';
import { StudioError, toErrorInfo } from '../errors.js';
import { decodeImage, encodeImage, extensionFor, listImageFiles, outputFormatFor, type DecodedImage } from '../imaging/index.js';
import { deviceChoice } from '../runtime/index.js';
import { OutputWriter } from './output-writer.js';
import { openPipeline, type ModelContext } from './pipeline.js';

export interface JobSummary {
  jobId: string;
  model: ModelEntry;
  succeeded: number;
  failed: number;
  cancelled: boolean;
  ms: number;
}

export interface TranslateJobContext extends ModelContext {
  /** See OutputWriter: told the output path of an input just before it is placed there. */
  onPlacing?: (input: string, target: string) => Promise<void>;
}

type Decoded = { ok: true; image: DecodedImage } | { ok: false; error: unknown };

/** Decodes without ever rejecting, so a prefetched decode cannot become an unhandled rejection. */
function decodeSettled(path: string, shorterSide: number | undefined): Promise<Decoded> {
  return decodeImage(path, shorterSide === undefined ? {} : { shorterSide }).then(
    (image) => ({ ok: true as const, image }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/**
 * Checks everything that would fail every item (model, device, attributes, output folder)
 * before any work starts; those failures throw. Per-file problems become item-error events
 * and the batch goes on.
 */
export async function runTranslateJob(
  spec: TranslateJobSpec,
  ctx: TranslateJobContext,
  onEvent: (event: JobEvent) => void,
  signal?: AbortSignal,
  jobId: string = randomUUID(),
): Promise<JobSummary> {
  const started = performance.now();
  const device = deviceChoice(spec.device);
  if (spec.quality !== undefined && !(Number.isInteger(spec.quality) && spec.quality >= 1 && spec.quality <= 100)) {
    throw new StudioError('BAD_ARGUMENT', `quality must be a whole number from 1 to 100, got ${spec.quality}`);
  }
  if (spec.shorterSide !== undefined && !(Number.isInteger(spec.shorterSide) && spec.shorterSide >= 8 && spec.shorterSide <= 16384)) {
    throw new StudioError('BAD_ARGUMENT', `size must be a whole number of pixels from 8 to 16384, got ${spec.shorterSide}`);
  }
  if (spec.maxMemoryMB !== undefined && !(spec.maxMemoryMB >= 64)) {
    throw new StudioError('BAD_ARGUMENT', `the memory budget must be at least 64 MB, got ${spec.maxMemoryMB}`);
  }
  const pipeline = await openPipeline(ctx, spec.model, device, {
    ...(spec.maxMemoryMB === undefined ? {} : { budgetBytes: spec.maxMemoryMB * 2 ** 20 }),
    ...(spec.tileSize === undefined ? {} : { tileSize: spec.tileSize }),
  });
  const model = pipeline.entry;
  const attributeOptions = spec.attributes === undefined ? {} : { attributes: spec.attributes };
  pipeline.validate(attributeOptions);

  const { files, errors } = await listImageFiles(spec.inputs, { skipFolders: [spec.outDir] });
  if (spec.nameSuffix !== undefined && !/^[\w.-]*$/.test(spec.nameSuffix)) {
    throw new StudioError('BAD_ARGUMENT', `a name suffix may hold only letters, digits, dots, dashes and underscores, got "${spec.nameSuffix}"`);
  }
  let current = '';
  const onPlacing = ctx.onPlacing;
  const writer = new OutputWriter(
    spec.outDir,
    files,
    spec.overwrite ?? false,
    spec.nameSuffix ?? '',
    onPlacing === undefined ? undefined : (target) => onPlacing(current, target),
  );
  await writer.prepare(spec.inputs);

  const total = files.length + errors.length;
  let succeeded = 0;
  let failed = 0;
  let index = 0;
  onEvent({ type: 'queued', jobId, total });
  onEvent({ type: 'started', jobId, total, model: model.manifest.id, device: spec.device });
  const progressOf = (i: number, within: number): number => (total === 0 ? 1 : (i + within) / total);

  for (const problem of errors) {
    failed += 1;
    onEvent({
      type: 'item-error',
      jobId,
      index,
      input: problem.path,
      error: { code: 'IO_ERROR', message: problem.message },
      progress: progressOf(index, 1),
    });
    index += 1;
  }

  let next: Promise<Decoded> | undefined = files[0] === undefined ? undefined : decodeSettled(files[0], spec.shorterSide);
  for (let f = 0; f < files.length; f++, index++) {
    const input = files[f] as string;
    current = input;
    if (signal?.aborted === true) {
      onEvent({ type: 'cancelled', jobId, succeeded, failed, remaining: files.length - f });
      return { jobId, model, succeeded, failed, cancelled: true, ms: performance.now() - started };
    }
    const itemStart = performance.now();
    const emitProgress = (within: number, status: string): void =>
      onEvent({ type: 'item-progress', jobId, index, input, itemProgress: within, progress: progressOf(index, within), status });
    try {
      emitProgress(0, 'decoding');
      const decoded = await (next as Promise<Decoded>);
      // Decode the next file while this one runs through the model.
      next = files[f + 1] === undefined ? undefined : decodeSettled(files[f + 1] as string, spec.shorterSide);
      if (!decoded.ok) throw decoded.error;
      emitProgress(0.1, 'translating');
      const result = await pipeline.translate(decoded.image, {
        ...attributeOptions,
        onProgress: (fraction, status) => emitProgress(0.1 + 0.8 * fraction, status),
      });
      emitProgress(0.9, 'writing');
      const format: OutputFormat = spec.format === 'auto' ? outputFormatFor(decoded.image.format) : spec.format;
      const bytes = await encodeImage(result, spec.quality === undefined ? { format } : { format, quality: spec.quality });
      const written = await writer.write(input, extensionFor(format), bytes);
      succeeded += 1;
      onEvent({
        type: 'item-done',
        jobId,
        index,
        input,
        output: written.path,
        renamed: written.renamed,
        ...(written.renameReason === undefined ? {} : { renameReason: written.renameReason }),
        notes: result.notes,
        width: result.width,
        height: result.height,
        ms: performance.now() - itemStart,
        progress: progressOf(index, 1),
        provider: result.provider,
        fallbacks: result.fallbacks,
      });
    } catch (err) {
      failed += 1;
      onEvent({ type: 'item-error', jobId, index, input, error: toErrorInfo(err), progress: progressOf(index, 1) });
    }
  }
  const ms = performance.now() - started;
  onEvent({ type: 'finished', jobId, succeeded, failed, ms });
  return { jobId, model, succeeded, failed, cancelled: false, ms };
}
