/**
 * The one contract between the page and the studio. Every invoke channel (`domain:verb`) is
 * one entry of INVOKE: its arguments as a zod schema (what the studio checks, limits
 * included) and its answer; every event pushed to the page is one entry of EVENTS. The
 * preload, Electron main, the browser-mode server, the engine protocol and the renderer are
 * all derived from these tables, so a channel's shape is written here and nowhere else.
 *
 * Adding a channel: its entry here (argument schema with its bounds, answer type) and its
 * handler in StudioService (the compiler refuses a channel without one). The preload method,
 * Electron main's handler with its sender check and the browser-mode route come with the
 * entry. If the engine does the work: an ENGINE_REQUESTS entry (engine/host/protocol.ts;
 * `INVOKE['x:y']` itself when the engine takes the page's arguments) and an EngineService
 * handler. Something only a desktop window can do (a native dialog) is an optional
 * StudioHost method that the handler calls, answering plainly in browser mode without it.
 */
import * as z from 'zod';
import type { CommandId } from './commands.js';
import { hostPath, inputRef, shortText } from './bounds.js';
import { attributeValues, modelId, runId } from './ids.js';
import type { DurationEstimateInfo, FolderCheckInfo, RunHistory, RunInfo, TrainingEventPayload } from './finetune.js';
import type { JobEvent } from './jobs.js';
import type { ModelKind, ModelOrigin, ModelPreprocess } from './models.js';
import { previewArgsSchema, type PreviewResult } from './preview.js';
import type { Result, StudioErrorInfo } from './result.js';
import { settingsSchema, type Settings } from './settings.js';
import { sketchEdgesArgs, sketchSaveArgs, type SketchEdges, type SketchExample, type SketchSaved } from './sketch.js';
import { trainSettingsSchema } from './training.js';

/** A model as the page shows it: the manifest's facts plus where it lives. */
export interface ModelSummary {
  id: string;
  name: string;
  kind: ModelKind;
  description: string;
  architecture: string;
  source: string;
  licence: string;
  origin: ModelOrigin;
  sizeBytes: number;
  preferredSize: number;
  attributes: { name: string; label?: string; min: number; max: number; default: number }[];
  /** What is done to every image before the model sees it (StarGAN's face crop). */
  preprocess?: ModelPreprocess;
  /** The model card (Markdown), when the folder has one. */
  card?: string;
}

export interface ModelListing {
  models: ModelSummary[];
  problems: { path: string; reason: string }[];
}

export interface CatalogItem {
  name: string;
  title: string;
  kind: ModelKind;
  task: string;
  licence: string;
  source: string;
  approxBytes: number;
  installed: boolean;
}

export interface CatalogProgress {
  name: string;
  stage: 'download' | 'extract' | 'install' | 'done' | 'failed' | 'cancelled';
  receivedBytes: number;
  totalBytes: number | null;
  error?: StudioErrorInfo;
}

/** One input of a batch as the queue shows it. */
export interface JobItem {
  index: number;
  /** The file's name as the user knows it (the uploaded or dropped name, with its sub-folder). */
  name: string;
}

export interface JobStarted {
  jobId: string;
  items: JobItem[];
}

/** Where one item of a batch stands, as the studio knows it (for a page that opens mid-batch). */
export interface JobItemState extends JobItem {
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  /** The running item's own progress, 0..1, and its status line. */
  progress: number;
  status?: string;
  output?: string;
  renamed?: boolean;
  ms?: number;
  provider?: string;
  error?: StudioErrorInfo;
}

/** A batch of this session, running or finished: what `jobs:list` returns, oldest first. */
export interface JobListing {
  jobId: string;
  model: string;
  outDir: string;
  /** When it was queued (ms since the epoch). */
  queuedAt: number;
  items: JobItemState[];
}

export type EngineState = 'starting' | 'ready' | 'restarting' | 'failed';

export interface EngineStatus {
  state: EngineState;
  /** The engine process id, while one runs. */
  pid: number | null;
  restarts: number;
  /** The provider that ran the most recent translation, if any ran yet. */
  lastProvider: string | null;
  /** Why the engine last stopped, in words. */
  lastExit: string | null;
  mode: 'desktop' | 'browser';
}

/** A place the folder browser starts from: the home folder or a mounted volume. */
export interface FolderRoot {
  label: string;
  path: string;
}

/** One folder as browser mode's folder browser shows it: its sub-folders first, then its images. */
export interface FolderListing {
  path: string;
  name: string;
  /** The folder above, or null at a root (nothing above a root is shown). */
  parent: string | null;
  roots: FolderRoot[];
  entries: { name: string; path: string; kind: 'folder' | 'image' }[];
  /** Entries left out of a very large folder. */
  more: number;
  separator: string;
}

/** What the system file dialog picks (desktop app). */
export const PICK_KINDS = ['images', 'folder', 'model'] as const;
export type PickKind = (typeof PICK_KINDS)[number];

/** The studio's own facts for the About box, the shortcuts help and Settings. */
export interface AppInfo {
  version: string;
  mode: 'desktop' | 'browser';
  platform: string;
  /** Where the studio's log files are. */
  logsDir: string;
}

/** Job events as the studio sends them: the engine's union plus restart notices and timing. */
export type StudioJobEvent =
  | JobEvent
  | { type: 'engine-lost'; jobId: string; index: number; reason: string }
  | { type: 'item-cancelled'; jobId: string; index: number }
  | { type: 'retrying'; jobId: string; indices: number[] };

/**
 * A value the studio makes itself (a channel's answer, an event's payload): its type, carried
 * as a schema so the tables can hold it, and never parsed.
 */
export const typed = <T>() => z.custom<T>();

const none = z.object({}).strict();
const name = shortText;
/** A batch's id (the studio makes UUIDs) and one of its items. */
const jobId = shortText;
const outputRef = z.object({ jobId, index: z.number().int().min(0).max(1_000_000) }).strict();
/** Files or folders: host paths in the desktop app, upload ids in browser mode, queue items. */
const inputs = z.array(inputRef).min(1).max(100_000);
const byRun = z.object({ runId }).strict();
const trainWith = z.object({ settings: trainSettingsSchema }).strict();

const jobStartArgs = z
  .object({
    inputs,
    /** A library model, by id: a page never names a model folder by its path. */
    model: modelId,
    /** Attributes of a conditional model. */
    attributes: attributeValues.optional(),
  })
  // Overrides of the saved settings for this batch; the rest come from Settings.
  .extend(settingsSchema.pick({ outputDir: true, format: true, quality: true, naming: true }).partial().shape)
  .strict();

/**
 * Every invoke channel. `changesModels`: once the call succeeds, the studio sends the new
 * model list as `models:changed` (before the answer, so the page never sees a stale list).
 */
export const INVOKE = {
  'models:list': { args: none, data: typed<ModelListing>() },
  'models:import': { args: z.object({ path: inputRef, name: name.optional() }).strict(), data: typed<ModelSummary>(), changesModels: true },
  'models:delete': { args: z.object({ id: modelId }).strict(), data: typed<{ id: string }>(), changesModels: true },
  'catalog:list': { args: none, data: typed<CatalogItem[]>() },
  'catalog:download': { args: z.object({ name }).strict(), data: typed<ModelSummary>(), changesModels: true },
  'catalog:cancel': { args: z.object({ name }).strict(), data: typed<{ name: string }>() },
  'jobs:start': { args: jobStartArgs, data: typed<JobStarted>() },
  'jobs:cancel': { args: outputRef.partial({ index: true }), data: typed<{ cancelled: number }>() },
  'jobs:retry': { args: z.object({ jobId }).strict(), data: typed<{ retried: number }>() },
  /** The batches of this session, running and finished, with each item's state: a reloaded page lists them. */
  'jobs:list': { args: none, data: typed<JobListing[]>() },
  'settings:get': { args: none, data: typed<Settings>() },
  'settings:set': { args: settingsSchema.partial(), data: typed<Settings>() },
  'engine:status': { args: none, data: typed<EngineStatus>() },
  'outputs:open': { args: outputRef.extend({ reveal: z.boolean() }), data: typed<{ path: string }>() },
  /** Opens a batch's output folder in the file manager (desktop app). */
  'outputs:openFolder': { args: z.object({ jobId }).strict(), data: typed<{ path: string }>() },
  /** Drags an output out of the window into the file manager (desktop app; sent from dragstart). */
  'outputs:drag': { args: outputRef, data: typed<{ path: string }>() },
  /** The system's open dialog (desktop app): the chosen paths, none when cancelled. */
  'dialog:pick': { args: z.object({ kind: z.enum(PICK_KINDS), title: z.string().max(200).optional() }).strict(), data: typed<{ paths: string[] }>() },
  /**
   * One folder of the machine for browser mode's folder browser (the home folder when no path
   * is given); only the home folder and mounted volumes, checked after links are followed.
   * Refused in the desktop app, which picks folders with the system's dialog.
   */
  'folders:list': { args: z.object({ path: hostPath.optional() }).strict(), data: typed<FolderListing>() },
  'app:info': { args: none, data: typed<AppInfo>() },
  /** Opens the logs folder in the file manager (desktop app). */
  'app:openLogs': { args: none, data: typed<{ path: string }>() },
  /** A live preview: newest request per stream wins, older waiting ones come back superseded. */
  'preview:render': { args: previewArgsSchema, data: typed<PreviewResult>() },
  'training:check': { args: z.object({ inputs }).strict(), data: typed<FolderCheckInfo>() },
  'training:estimate': { args: trainWith, data: typed<DurationEstimateInfo>() },
  'training:start': { args: trainWith, data: typed<RunInfo>() },
  'training:pause': { args: byRun, data: typed<RunInfo>() },
  'training:resume': { args: byRun, data: typed<RunInfo>() },
  'training:stop': { args: byRun, data: typed<RunInfo>() },
  'training:export': { args: byRun.extend({ name: z.string().min(1).max(80).optional() }), data: typed<ModelSummary[]>(), changesModels: true },
  'training:runs': { args: none, data: typed<RunInfo[]>() },
  'training:history': { args: byRun, data: typed<RunHistory>() },
  'training:delete': { args: byRun, data: typed<{ runId: string }>() },
  'sketch:edges': { args: sketchEdgesArgs, data: typed<SketchEdges>() },
  'sketch:save': { args: sketchSaveArgs, data: typed<SketchSaved>() },
  'sketch:examples': { args: none, data: typed<SketchExample[]>() },
} as const;

/** Every event pushed to the page, with its payload. */
export const EVENTS = {
  /** A menu item or its accelerator was used (desktop app): the page runs the command. */
  'app:command': typed<{ command: CommandId }>(),
  'jobs:event': typed<StudioJobEvent>(),
  'catalog:progress': typed<CatalogProgress>(),
  'engine:status': typed<EngineStatus>(),
  'settings:changed': typed<Settings>(),
  'training:event': typed<TrainingEventPayload>(),
  /** The library changed (an import, a download, a delete, an export): the new list. */
  'models:changed': typed<ModelListing>(),
} as const;

export type InvokeChannel = keyof typeof INVOKE;
/** What a channel takes (the studio hands its handler the same, checked). */
export type ArgsOf<C extends InvokeChannel> = z.infer<(typeof INVOKE)[C]['args']>;
/** What a channel's Result carries. */
export type DataOf<C extends InvokeChannel> = z.infer<(typeof INVOKE)[C]['data']>;
export type EventChannel = keyof typeof EVENTS;
export type EventChannels = { [E in EventChannel]: z.infer<(typeof EVENTS)[E]> };

export const INVOKE_CHANNELS = Object.keys(INVOKE) as InvokeChannel[];
export const EVENT_CHANNELS = Object.keys(EVENTS) as EventChannel[];

/** The handlers a host implements (Electron main, the browser-mode server). */
export type InvokeHandlers = { [C in InvokeChannel]: (args: ArgsOf<C>) => Promise<Result<DataOf<C>>> };

/**
 * The API the page sees as `window.studio` in the desktop app, or builds over a WebSocket in
 * browser mode: one method per channel, named by the channel with the colon dropped and the
 * verb capitalised (`models:list` -> `modelsList`), plus one subscription per event.
 */
type MethodName<C extends string> = C extends `${infer D}:${infer V}` ? `${D}${Capitalize<V>}` : never;
export type StudioApi = { [C in InvokeChannel as MethodName<C>]: (args: ArgsOf<C>) => Promise<Result<DataOf<C>>> } & {
  on<E extends EventChannel>(event: E, listener: (payload: EventChannels[E]) => void): () => void;
};

export function methodName<C extends InvokeChannel>(channel: C): MethodName<C> {
  const [domain, verb] = channel.split(':') as [string, string];
  return `${domain}${verb.charAt(0).toUpperCase()}${verb.slice(1)}` as MethodName<C>;
}

/** Type guard used by hosts to refuse unknown channels from the page. */
export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && Object.hasOwn(INVOKE, value);
}
