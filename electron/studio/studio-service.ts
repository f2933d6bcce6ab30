import { mkdir } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { z } from 'zod';
import type { TrainingEventPayload } from '../contract/finetune.js';
import { INVOKE, type EngineStatus, type EventChannels, type InvokeChannel, type InvokeHandlers, type PickKind } from '../contract/ipc.js';
import { parseQueueItemRef } from '../contract/preview.js';
import { describeIssues, type Result } from '../contract/result.js';
import type { Settings } from '../contract/settings.js';
import { providerLine } from '../contract/jobs.js';
import { describeTrainSettingIssues } from '../contract/training.js';
import type { MediaVariant } from '../contract/wire.js';
import type { PreviewImage } from '../engine/imaging/index.js';
import { StudioError, toResult } from '../engine/errors.js';
import { confinedPath } from '../engine/files/confined-path.js';
import { browseRoots } from '../engine/files/folder-browser.js';
import { ModelLibrary } from '../engine/library/model-library.js';
import { packageVersion, studioHome } from '../engine/library/paths.js';
import { logJobEvent, logsDir, processLogger, type StudioLogger } from '../engine/logging/index.js';
import { EngineSupervisor, type EngineLauncher } from './engine-supervisor.js';
import { JobManager } from './job-manager.js';
import { StudioFarm } from './studio-farm.js';
import { PreviewScheduler } from './preview-scheduler.js';
import { SettingsStore } from './settings-store.js';
import { sampleFile, trainingHandlers } from './training-routes.js';

export interface StudioHost {
  mode: EngineStatus['mode'];
  launchEngine: EngineLauncher;
  /** Pushes an event to every page that listens. */
  send<E extends keyof EventChannels>(event: E, payload: EventChannels[E]): void;
  /**
   * Turns what the page sent as inputs into host paths: the desktop app checks they exist,
   * browser mode maps upload ids and refuses anything outside its upload folder.
   */
  resolveInputs(inputs: string[]): Promise<string[]>;
  /** Shows a file in the system viewer or its folder (desktop only). */
  openPath?: (path: string, reveal: boolean) => Promise<void>;
  /** The system's open dialog (desktop only): the chosen paths, none when cancelled. */
  pickPaths?: (kind: PickKind, title: string | undefined) => Promise<string[]>;
  /** Starts dragging a file out of the window (desktop only). */
  startDrag?: (path: string) => void;
  /** The default output folder's parent: the system's (localised) Pictures folder. */
  picturesDir?: string;
  home?: string;
}

/**
 * The studio behind every page, desktop or browser: routes each contract channel to the
 * engine process, the JobManager or the settings, and forwards engine events. Hosts (Electron
 * main, the browser-mode server) only carry messages and check who sends them.
 */
export class StudioService {
  readonly settings: SettingsStore;
  readonly supervisor: EngineSupervisor;
  readonly jobs: JobManager;
  /** Settings > Farm: where the Translate page's batches run when the farm is on. */
  readonly farm: StudioFarm;
  readonly handlers: InvokeHandlers;
  readonly previews = new PreviewScheduler();
  private lastProvider: string | null = null;
  readonly home: string;

  constructor(private readonly host: StudioHost) {
    this.home = host.home ?? studioHome();
    this.settings = new SettingsStore(this.home, host.picturesDir);
    // Looked up at each line: the host may choose where this process logs after the studio exists.
    const log = (): StudioLogger => processLogger();
    this.supervisor = new EngineSupervisor(host.launchEngine, {
      onEvent: (event) => {
        if (event.type === 'item-progress') this.jobs.itemProgress(event.jobId, event.index, event.itemProgress, event.status);
        else if (event.type === 'item-placing') this.jobs.itemPlacing(event.jobId, event.index, event.path);
        else if (event.type === 'train-event') {
          logTrainingEvent(event.runId, event.event);
          host.send('training:event', { runId: event.runId, event: event.event });
        } else {
          if (event.progress.stage === 'done' || event.progress.stage === 'failed') log().info({ name: event.progress.name, stage: event.progress.stage, error: event.progress.error }, 'catalog download ended');
          host.send('catalog:progress', event.progress);
        }
      },
      onStatus: (status) => {
        if (status.state === 'ready') log().info({ enginePid: status.pid, restarts: status.restarts }, 'engine ready');
        else if (status.state === 'restarting') log().error({ restarts: status.restarts }, `engine stopped: ${status.lastExit ?? 'no reason given'}; restarting it`);
        else if (status.state === 'failed') log().error({ restarts: status.restarts }, `engine stopped too often and is not restarted again: ${status.lastExit ?? 'no reason given'}`);
        host.send('engine:status', this.engineStatus());
      },
    });
    const logTrainingEvent = (runId: string, event: TrainingEventPayload['event']): void => {
      if (event.type === 'train-finished') log().info({ runId, iteration: event.iteration, status: event.status, seconds: event.seconds }, `training run ${event.status === 'paused' ? 'paused' : 'finished'}`);
      else if (event.type === 'train-error') log().warn({ runId, error: event.error }, 'training run failed');
    };
    this.farm = new StudioFarm(new ModelLibrary({ home: this.home }), (jobId, index, fraction, status) => this.jobs.itemProgress(jobId, index, fraction, status));
    this.jobs = new JobManager(
      { translate: (args) => this.supervisor.request('translate:item', args) },
      (event) => {
        logJobEvent(log(), event);
        host.send('jobs:event', event);
      },
      (provider, fallbacks) => {
        // The one provider line: which ran, and why any before it did not.
        this.lastProvider = providerLine(provider, fallbacks);
      },
      () => this.farm.route(),
    );
    const engine = this.supervisor;
    /** Shows a file, or its folder, on the host (desktop only); `elsewhere` says what to do without it. */
    const showOnHost = (path: string, reveal: boolean, elsewhere: string): Promise<Result<{ path: string }>> => {
      const open = host.openPath;
      if (open === undefined) return Promise.resolve(fail('BAD_ARGUMENT', elsewhere));
      return toResult(async () => {
        await open(path, reveal);
        return { path };
      });
    };
    /**
     * An output folder a page chose: a full path, and in browser mode one inside the folders its
     * folder browser offers (home and mounted volumes), after links are followed. The desktop
     * window's folders come from the system dialog.
     */
    const outputFolder = async (dir: string): Promise<string> => {
      if (!isAbsolute(dir)) throw new StudioError('BAD_ARGUMENT', 'the output folder must be a full path');
      if (host.mode !== 'browser') return dir;
      const roots = (await browseRoots()).map((r) => r.path);
      return confinedPath(roots, dir, 'the output folder', 'inside your home folder or a mounted volume');
    };
    this.handlers = {
      'models:list': () => engine.request('models:list', {}),
      'models:import': async (args) => {
        const [path] = await host.resolveInputs([args.path]).catch(() => [undefined]);
        if (path === undefined) return fail('BAD_ARGUMENT', `cannot import ${args.path}: the file is not available to the studio`);
        return engine.request('models:import', { ...args, path });
      },
      'models:delete': (args) => engine.request('models:delete', args),
      'catalog:list': () => engine.request('catalog:list', {}),
      'catalog:download': (args) => engine.request('catalog:download', args),
      'catalog:cancel': (args) => engine.request('catalog:cancel', args),
      'jobs:start': async (args) => {
        const outDir = args.outputDir === undefined ? undefined : await toResult(() => outputFolder(args.outputDir as string));
        if (outDir !== undefined && !outDir.ok) return outDir;
        const inputs = await toResult(() => this.resolveInputs(args.inputs));
        if (!inputs.ok) return inputs;
        // The same file twice (a queue sent again from the Attributes page) is translated once.
        const expanded = await engine.request('files:expand', { inputs: [...new Set(inputs.data)] });
        if (!expanded.ok) return expanded;
        if (expanded.data.files.length + expanded.data.errors.length === 0) return fail('BAD_ARGUMENT', 'no image files were found in what was dropped');
        const saved = await this.settings.get();
        const naming = args.naming ?? saved.naming;
        if (saved.farm.enabled) {
          // A farm that cannot be opened fails the batch at once, saying why, as a bad model does.
          const opened = await toResult(() => this.farm.use(saved.farm));
          if (!opened.ok) return opened;
        }
        return {
          ok: true,
          data: this.jobs.start(
            {
              model: args.model,
              outDir: outDir?.data ?? saved.outputDir,
              format: args.format ?? saved.format,
              quality: args.quality ?? saved.quality,
              device: saved.device,
              nameSuffix: naming === 'suffix' ? `-${args.model.replace(/[^\w.-]/g, '_')}` : '',
              ...(args.attributes === undefined ? {} : { attributes: args.attributes }),
            },
            expanded.data,
            { farm: saved.farm.enabled },
          ),
        };
      },
      'jobs:cancel': async ({ jobId, index }) => ({ ok: true, data: { cancelled: this.jobs.cancel(jobId, index) } }),
      'jobs:retry': async ({ jobId }) => ({ ok: true, data: { retried: this.jobs.retry(jobId) } }),
      'jobs:list': async () => ({ ok: true, data: this.jobs.list() }),
      'settings:get': () => toResult(() => this.settings.get()),
      'settings:set': (patch) =>
        toResult(async () => {
          const next: Settings = await this.settings.set(patch.outputDir === undefined ? patch : { ...patch, outputDir: await outputFolder(patch.outputDir) });
          host.send('settings:changed', next);
          return next;
        }),
      'engine:status': async () => ({ ok: true, data: this.engineStatus() }),
      'outputs:open': async ({ jobId, index, reveal }) => {
        const path = this.jobs.file(jobId, index, 'output');
        if (path === undefined) return fail('BAD_ARGUMENT', 'that item has no output yet');
        return showOnHost(path, reveal, 'opening files in the system viewer is only available in the desktop app; download the image instead');
      },
      // Browser mode's folder browser. The desktop window never lists the machine's folders
      // (the system's dialog picks them there), so the one channel that reads folders stays shut.
      'folders:list': async (args) => (host.mode === 'desktop' ? fail('BAD_ARGUMENT', 'the desktop app picks folders with the system dialog') : engine.request('folders:list', args)),
      'dialog:pick': async ({ kind, title }) => {
        if (host.pickPaths === undefined) return fail('BAD_ARGUMENT', 'the system file dialog is only in the desktop app; in browser mode use the folder browser or the upload buttons');
        return toResult(async () => ({ paths: (await host.pickPaths?.(kind, title)) ?? [] }));
      },
      'outputs:openFolder': async ({ jobId }) => {
        const dir = this.jobs.outDir(jobId);
        if (dir === undefined) return fail('BAD_ARGUMENT', 'that batch is no longer known to the studio');
        return showOnHost(dir, false, `opening folders is only available in the desktop app; the outputs are in ${dir}`);
      },
      'outputs:drag': async ({ jobId, index }) => {
        const path = this.jobs.file(jobId, index, 'output');
        if (path === undefined) return fail('BAD_ARGUMENT', 'that item has no output yet');
        if (host.startDrag === undefined) return fail('BAD_ARGUMENT', 'dragging files out is only available in the desktop app; download the image instead');
        host.startDrag(path);
        return { ok: true, data: { path } };
      },
      'app:info': async () => ({ ok: true, data: { version: packageVersion(), mode: host.mode, platform: process.platform, logsDir: logsDir() } }),
      'app:openLogs': async () => {
        const dir = logsDir();
        // Before the first line is written, the folder may not exist yet.
        await mkdir(dir, { recursive: true }).catch(() => undefined);
        return showOnHost(dir, false, `opening folders is only available in the desktop app; the logs are in ${dir}`);
      },
      // Scheduled before any await, so requests keep the order they arrived in.
      'preview:render': ({ stream, source, ...rest }) =>
        this.previews.request(stream, async () => {
          let resolved: { path: string } | { png: string };
          if ('png' in source) resolved = source;
          else {
            const paths = await toResult(() => this.resolveInputs([source.input]));
            if (!paths.ok) return paths;
            const [path] = paths.data;
            if (path === undefined) return fail('BAD_ARGUMENT', 'there is no image to preview in what was chosen');
            resolved = { path };
          }
          const { device } = await this.settings.get();
          return engine.request('preview:render', { ...rest, source: resolved, device });
        }),
      ...trainingHandlers(engine, { mode: host.mode, home: this.home, resolveInputs: (inputs) => host.resolveInputs(inputs) }),
      'sketch:edges': async ({ source, size }) => {
        if ('png' in source) return engine.request('sketch:edges', { source, ...(size === undefined ? {} : { size }) });
        // Resolved like jobs:start (a dropped folder too); the first image found is the picture.
        const inputs = await toResult(() => host.resolveInputs([source.input]));
        if (!inputs.ok) return inputs;
        const expanded = await engine.request('files:expand', { inputs: inputs.data });
        if (!expanded.ok) return expanded;
        const first = expanded.data.files[0];
        if (first === undefined) return fail('BAD_ARGUMENT', expanded.data.errors[0]?.message ?? 'no image file was found in what was dropped');
        return engine.request('sketch:edges', { source: { path: first.path }, ...(size === undefined ? {} : { size }) });
      },
      'sketch:save': async (args) => {
        const saved = await toResult(() => this.settings.get());
        if (!saved.ok) return saved;
        return engine.request('sketch:save', { ...args, outDir: saved.data.outputDir });
      },
      'sketch:examples': () => engine.request('sketch:examples', {}),
    };
  }

  /**
   * Checks what the page sent against the channel's schema, then runs the channel's handler;
   * never throws. After a call that changed the library, every page gets the new model list.
   */
  async invoke(channel: InvokeChannel, args: unknown): Promise<Result<unknown>> {
    const checked = (INVOKE[channel].args as z.ZodType).safeParse(args ?? {});
    if (!checked.success) return fail('BAD_ARGUMENT', describeArgIssues(channel, checked.error.issues));
    const handler = this.handlers[channel] as (a: unknown) => Promise<Result<unknown>>;
    const result = await toResult(async () => {
      const answer = await handler(checked.data);
      if (!answer.ok) throw new StudioError(answer.error.code, answer.error.message, answer.error.detail === undefined ? {} : { detail: answer.error.detail });
      return answer.data;
    });
    if (result.ok && 'changesModels' in INVOKE[channel]) {
      const listing = await this.supervisor.request('models:list', {});
      if (listing.ok) this.host.send('models:changed', listing.data);
    }
    return result;
  }

  /**
   * Host paths of what the page sent: queue items (`item:<job>:<index>`) are the inputs the
   * studio already accepted for that batch; everything else goes through the host's checks.
   */
  async resolveInputs(inputs: string[]): Promise<string[]> {
    const paths: string[] = [];
    const others: string[] = [];
    for (const input of inputs) {
      const item = parseQueueItemRef(input);
      if (item === null) {
        others.push(input);
        continue;
      }
      const path = this.jobs.file(item.jobId, item.index, 'input');
      if (path === undefined) throw new StudioError('BAD_ARGUMENT', 'that queue item is no longer known to the studio; add the image again');
      paths.push(path);
    }
    return others.length === 0 ? paths : [...paths, ...(await this.host.resolveInputs(others))];
  }

  engineStatus(): EngineStatus {
    return { ...this.supervisor.status, lastProvider: this.lastProvider, mode: this.host.mode };
  }

  start(): Promise<void> {
    return this.supervisor.start();
  }

  stop(): void {
    this.supervisor.stop();
    void this.farm.close();
  }

  /** Quitting: pauses a training run (it checkpoints, so the next start can resume it), then stops the engine. */
  async shutdown(graceMs = 60_000): Promise<void> {
    if (this.supervisor.status.state === 'ready') {
      await Promise.race([this.supervisor.request('training:pause-all', {}), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    }
    this.stop();
  }

  /**
   * The engine's picture of a queue item's input or output (WebP, downscaled; any input
   * format): what the page shows in queue rows and the before/after view.
   */
  async itemPicture(jobId: string, index: number, which: 'input' | 'output', variant: MediaVariant): Promise<Result<PreviewImage>> {
    const path = this.jobs.file(jobId, index, which);
    if (path === undefined) return { ok: false, error: { code: 'BAD_ARGUMENT', message: which === 'output' ? 'that item has no output yet' : 'no such queue item' } };
    return this.supervisor.request('media:picture', { path, variant });
  }

  /** The host path of a run's sample grid, or undefined for names that are not one. */
  sampleFile(runId: string, file: string): string | undefined {
    return sampleFile(this.home, runId, file);
  }

  /** Where uploads and other per-session files go. */
  static sessionDir(home: string, id: string): string {
    return join(home, 'sessions', id);
  }
}

/** What was wrong with a channel's arguments; a run's settings are named by the Fine-tune page's labels. */
function describeArgIssues(channel: InvokeChannel, issues: readonly z.core.$ZodIssue[]): string {
  const settings = issues.filter((i) => i.path[0] === 'settings');
  const others = issues.filter((i) => i.path[0] !== 'settings');
  const words = others.length === 0 ? [] : [`${channel}: ${describeIssues(others)}`];
  return [...(settings.length === 0 ? [] : [describeTrainSettingIssues(settings, 'label')]), ...words].join('; ');
}

function fail(code: 'BAD_ARGUMENT', message: string): Result<never> {
  return { ok: false, error: { code, message } };
}
