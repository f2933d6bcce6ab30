import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { z } from 'zod';
import type { CatalogItem, ModelSummary } from '../../contract/ipc.js';
import type { ItemResult } from '../../contract/jobs.js';
import type { ModelEntry } from '../../contract/models.js';
import { describeIssues, type Result } from '../../contract/result.js';
import { StudioError, toResult } from '../errors.js';
import { browseRoots, listFolder } from '../files/folder-browser.js';
import { PreviewImages, listImageFiles } from '../imaging/index.js';
import { processLogger } from '../logging/index.js';
import { PreviewRenderer, runTranslateJob } from '../jobs/index.js';
import { findCatalogEntry, listCatalog, plausibleSize } from '../library/catalog/index.js';
import { importModelFile, installCatalogModel, type ModelLibrary } from '../library/index.js';
import type { SessionManager } from '../runtime/index.js';
import { decodeBase64, saveSketch, sketchEdges, sketchExamples } from '../sketch/index.js';
import { TrainingHost } from './training-host.js';
import { ENGINE_REQUESTS, type EngineArgs, type EngineData, type EngineEvent, type EngineMethod, type ExpandedInputs, type TranslateItemArgs } from './protocol.js';

type Handlers = { [M in EngineMethod]: (args: EngineArgs<M>) => Promise<EngineData<M>> };

/**
 * What the engine process does on request: the library, the catalog and one translation at a
 * time. It keeps no job state: the studio's JobManager decides what runs next, so a restarted
 * engine simply takes the next item.
 */
export class EngineService {
  private readonly downloads = new Map<string, AbortController>();
  private readonly handlers: Handlers;
  private readonly training: TrainingHost;
  private readonly previews: PreviewRenderer;

  constructor(
    private readonly library: ModelLibrary,
    private readonly sessions: SessionManager,
    /** Sends an event to the studio; resolves once it has left this process. */
    private readonly emit: (event: EngineEvent) => void | Promise<void>,
    /** Sessions on every core, for the previews of finished gestures (PreviewRenderer); default: `sessions`. */
    settledSessions: SessionManager = sessions,
  ) {
    const training = new TrainingHost(library, emit, summarize);
    this.training = training;
    this.previews = new PreviewRenderer(library, sessions, settledSessions);
    const pictures = new PreviewImages(library.cacheDir);
    this.handlers = {
      'models:list': async () => {
        const { models, problems } = await this.library.list();
        return { models: await Promise.all(models.map(summarize)), problems };
      },
      'models:import': async ({ path, name }) => {
        const report = await importModelFile(this.library, path, name === undefined ? {} : { name });
        return summarize(report.entry);
      },
      'models:delete': async ({ id }) => {
        await this.library.remove(id);
        return { id };
      },
      'catalog:list': async () => this.catalog(),
      'catalog:download': async ({ name }) => this.download(name),
      'catalog:cancel': async ({ name }) => {
        this.downloads.get(name)?.abort();
        return { name };
      },
      'files:expand': async ({ inputs }) => expand(inputs),
      'folders:list': async ({ path }) => listFolder(path, await browseRoots()),
      'translate:item': async (args) => this.translate(args),
      'media:picture': ({ path, variant }) => pictures.picture(path, variant),
      'preview:render': (args) => this.previews.render(args),
      'training:check': ({ inputs, copyTo }) => training.check(inputs, copyTo),
      'training:estimate': ({ settings }) => training.estimate(settings),
      'training:start': ({ settings, home }) => training.start(settings, home),
      'training:pause': ({ dir }) => training.pause(dir),
      'training:pause-all': () => training.pauseAll(),
      'training:resume': ({ dir }) => training.resume(dir),
      'training:stop': ({ dir }) => training.stop(dir),
      'training:export': ({ dir, name }) => training.export(dir, name),
      'training:runs': ({ home }) => training.runs(home),
      'training:history': ({ dir }) => training.history(dir),
      'training:delete': async ({ dir }) => {
        await training.delete(dir);
        return { dir };
      },
      'sketch:edges': ({ source, size }) => sketchEdges('path' in source ? source : { bytes: decodeBase64(source.png, 'the picture'), label: 'the picture' }, size),
      'sketch:save': (args) => saveSketch(args),
      'sketch:examples': () => sketchExamples(),
    };
  }

  /** Pauses (and checkpoints) a run in training: the engine is asked to stop. */
  pauseTraining(): Promise<unknown> {
    return this.training.pauseAll();
  }

  /** Checks a request against its schema, then does it; never throws. Unexpected failures are logged with their stack. */
  async handle(method: EngineMethod, args: unknown): Promise<Result<unknown>> {
    const checked = (ENGINE_REQUESTS[method].args as z.ZodType).safeParse(args);
    if (!checked.success) return { ok: false, error: { code: 'BAD_ARGUMENT', message: `engine request ${method}: ${describeIssues(checked.error.issues)}` } };
    const handler = this.handlers[method] as (a: unknown) => Promise<unknown>;
    const started = performance.now();
    const result = await toResult(async () => {
      try {
        return await handler(checked.data);
      } catch (err) {
        // A StudioError is the user's (a bad file, a missing model); anything else is a bug, logged with its stack.
        if (!(err instanceof StudioError)) processLogger().error({ err, method }, `${method} failed unexpectedly`);
        throw err;
      }
    });
    const ms = Math.round(performance.now() - started);
    if (result.ok) processLogger().debug({ method, ms }, `${method} done`);
    else processLogger().debug({ method, ms, code: result.error.code }, `${method} refused: ${result.error.message}`);
    return result;
  }

  private async catalog(): Promise<CatalogItem[]> {
    const { models } = await this.library.list();
    const installed = new Set(models.map((m) => m.manifest.id));
    return listCatalog().map((e) => ({
      name: e.name,
      title: e.title,
      kind: e.kind,
      task: e.task,
      licence: e.licence,
      source: e.source,
      approxBytes: plausibleSize(e).min,
      installed: installed.has(e.name),
    }));
  }

  private async download(name: string): Promise<ModelSummary> {
    const entry = findCatalogEntry(name);
    if (this.downloads.has(entry.name)) throw new StudioError('BAD_ARGUMENT', `${entry.name} is already downloading`);
    const controller = new AbortController();
    this.downloads.set(entry.name, controller);
    let received = 0;
    let total: number | null = null;
    const report = (stage: 'download' | 'extract' | 'install' | 'done' | 'failed' | 'cancelled', error?: StudioError): void =>
      void this.emit({
        type: 'catalog-progress',
        progress: { name: entry.name, stage, receivedBytes: received, totalBytes: total, ...(error === undefined ? {} : { error: error.toInfo() }) },
      });
    try {
      const installed = await installCatalogModel(this.library, entry, {
        signal: controller.signal,
        onStage: (stage) => report(stage),
        onProgress: (p) => {
          received = p.receivedBytes;
          total = p.totalBytes;
          report('download');
        },
      });
      report('done');
      return await summarize(installed);
    } catch (err) {
      const studioError = err instanceof StudioError ? err : new StudioError('INTERNAL', err instanceof Error ? err.message : String(err));
      report(studioError.code === 'CANCELLED' ? 'cancelled' : 'failed', studioError);
      throw studioError;
    } finally {
      this.downloads.delete(entry.name);
    }
  }

  private async translate(args: TranslateItemArgs): Promise<ItemResult> {
    let done: ItemResult | undefined;
    let failure: StudioError | undefined;
    const { jobId: _job, index: _index, input, ...spec } = args;
    await runTranslateJob(
      { ...spec, inputs: [input] },
      {
        library: this.library,
        sessions: this.sessions,
        // The studio must hear of the name before the file exists, so it is sent and flushed first.
        onPlacing: async (_input, path) => {
          await this.emit({ type: 'item-placing', jobId: args.jobId, index: args.index, path });
        },
      },
      (event) => {
        if (event.type === 'item-progress') {
          void this.emit({ type: 'item-progress', jobId: args.jobId, index: args.index, itemProgress: event.itemProgress, status: event.status });
        } else if (event.type === 'item-done') {
          const { output, renamed, renameReason, notes, width, height, ms, provider, fallbacks } = event;
          done = { output, renamed, notes, width, height, ms, provider, fallbacks, ...(renameReason === undefined ? {} : { renameReason }) };
        } else if (event.type === 'item-error') {
          failure = new StudioError(event.error.code, event.error.message, event.error.detail === undefined ? {} : { detail: event.error.detail });
        }
      },
      undefined,
      args.jobId,
    );
    if (failure !== undefined) throw failure;
    if (done === undefined) throw new StudioError('INTERNAL', `${args.input}: the engine finished without a result`);
    return done;
  }
}

/** Lists the image files of dropped files and folders, naming each relative to what was dropped. */
async function expand(inputs: string[]): Promise<ExpandedInputs> {
  const result: ExpandedInputs = { files: [], errors: [] };
  for (const input of inputs) {
    const parent = dirname(input);
    const { files, errors } = await listImageFiles([input]);
    for (const path of files) result.files.push({ path, name: relative(parent, path) || basename(path) });
    for (const e of errors) result.errors.push({ path: e.path, name: relative(parent, e.path) || basename(e.path), message: e.message });
  }
  return result;
}

async function summarize(entry: ModelEntry): Promise<ModelSummary> {
  const m = entry.manifest;
  let card: string | undefined;
  if (m.card !== undefined) {
    try {
      card = await readFile(join(entry.dir, basename(m.card)), 'utf8');
    } catch {
      // A missing card is not an error: the summary simply has none.
    }
  }
  return {
    id: m.id,
    name: m.name,
    kind: m.kind,
    description: m.description,
    architecture: m.architecture ?? 'custom ONNX graph',
    source: m.source,
    licence: m.licence,
    origin: entry.origin,
    sizeBytes: entry.sizeBytes,
    preferredSize: m.preferredSize,
    attributes: m.attributes.map((a) => ({ ...a })),
    ...(m.preprocess === undefined ? {} : { preprocess: { ...m.preprocess } }),
    ...(card === undefined ? {} : { card }),
  };
}
