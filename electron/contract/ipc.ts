/**
 * The one contract between the page and the studio: every invoke channel (`domain:verb`, its
 * argument and the data of its Result) and every event pushed to the page. Electron main,
 * the preload bridge, the browser-mode server and the renderer are all typed from these two
 * maps, so adding a channel here is the only place its shape is written.
 */
import type { CommandId } from './commands.js';
import type { JobEvent, OutputFormat } from './jobs.js';
import type { ModelKind, ModelOrigin, ModelPreprocess } from './models.js';
import type { PreviewArgs, PreviewResult } from './preview.js';
import type { Result, StudioErrorInfo } from './result.js';
import type { DurationEstimateInfo, FolderCheckInfo, RunHistory, RunInfo, TrainingEventPayload } from './finetune.js';
import type { TrainSettings } from './training.js';
import type { SketchEdges, SketchEdgesArgs, SketchExample, SketchSaveArgs, SketchSaved } from './sketch.js';

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

export const DEVICE_SETTINGS = ['auto', 'cpu', 'gpu'] as const;
export type DeviceSetting = (typeof DEVICE_SETTINGS)[number];
export const THEME_SETTINGS = ['system', 'light', 'dark'] as const;
export type ThemeSetting = (typeof THEME_SETTINGS)[number];
export const NAMING_SETTINGS = ['keep', 'suffix'] as const;
/** keep: `photo.png` (a free name like `photo-1.png` when taken); suffix: `photo-<model>.png`. */
export type NamingSetting = (typeof NAMING_SETTINGS)[number];

/** Slider values saved under a name, for one conditional model. */
export interface AttributePreset {
  name: string;
  values: Record<string, number>;
}

export const PRESET_NAME_MAX = 60;
/** Output folders offered again, most recent first. */
export const RECENT_FOLDERS_MAX = 8;
export const PRESETS_PER_MODEL_MAX = 50;

export interface Settings {
  device: DeviceSetting;
  theme: ThemeSetting;
  outputDir: string;
  format: OutputFormat | 'auto';
  quality: number;
  naming: NamingSetting;
  /** The model last picked on the Translate page. */
  model: string | null;
  /** Attribute presets by model id, in the order they were saved. */
  attributePresets: Record<string, AttributePreset[]>;
  /** Output folders used lately, most recent first (the output folder menu offers them). */
  recentFolders: string[];
}

/** One input of a batch as the queue shows it. */
export interface JobItem {
  index: number;
  /** The file's name as the user knows it (the uploaded or dropped name, with its sub-folder). */
  name: string;
}

export interface JobStartArgs {
  /** Files or folders: host paths in the desktop app, upload ids in browser mode. */
  inputs: string[];
  model: string;
  /** Attributes of a conditional model. */
  attributes?: Record<string, number>;
  /** Overrides of the saved settings for this batch; the rest come from Settings. */
  outputDir?: string;
  format?: OutputFormat | 'auto';
  quality?: number;
  naming?: NamingSetting;
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

export interface OutputRef {
  jobId: string;
  index: number;
}

/** Every invoke channel: its argument and the data its Result carries. */
export interface InvokeChannels {
  'models:list': { args: Record<string, never>; data: ModelListing };
  'models:import': { args: { path: string; name?: string }; data: ModelSummary };
  'models:delete': { args: { id: string }; data: { id: string } };
  'catalog:list': { args: Record<string, never>; data: CatalogItem[] };
  'catalog:download': { args: { name: string }; data: ModelSummary };
  'catalog:cancel': { args: { name: string }; data: { name: string } };
  'jobs:start': { args: JobStartArgs; data: JobStarted };
  'jobs:cancel': { args: { jobId: string; index?: number }; data: { cancelled: number } };
  'jobs:retry': { args: { jobId: string }; data: { retried: number } };
  /** The batches of this session, running and finished, with each item's state: a reloaded page lists them. */
  'jobs:list': { args: Record<string, never>; data: JobListing[] };
  'settings:get': { args: Record<string, never>; data: Settings };
  'settings:set': { args: Partial<Settings>; data: Settings };
  'engine:status': { args: Record<string, never>; data: EngineStatus };
  'outputs:open': { args: OutputRef & { reveal: boolean }; data: { path: string } };
  /** The system's open dialog (desktop app): the chosen paths, none when cancelled. */
  'dialog:pick': { args: { kind: PickKind; title?: string }; data: { paths: string[] } };
  /** Opens a batch's output folder in the file manager (desktop app). */
  'outputs:openFolder': { args: { jobId: string }; data: { path: string } };
  /** Drags an output out of the window into the file manager (desktop app; sent from dragstart). */
  'outputs:drag': { args: OutputRef; data: { path: string } };
  'app:info': { args: Record<string, never>; data: AppInfo };
  /** Opens the logs folder in the file manager (desktop app). */
  'app:openLogs': { args: Record<string, never>; data: { path: string } };
  /** A folder of the machine for the folder browser (the home folder when no path is given); only the home folder and mounted volumes. */
  'folders:list': { args: { path?: string }; data: FolderListing };
  /** A live preview: newest request per stream wins, older waiting ones come back superseded. */
  'preview:render': { args: PreviewArgs; data: PreviewResult };
  'training:check': { args: { inputs: string[] }; data: FolderCheckInfo };
  'training:estimate': { args: { settings: TrainSettings }; data: DurationEstimateInfo };
  'training:start': { args: { settings: TrainSettings }; data: RunInfo };
  'training:pause': { args: { runId: string }; data: RunInfo };
  'training:resume': { args: { runId: string }; data: RunInfo };
  'training:stop': { args: { runId: string }; data: RunInfo };
  'training:export': { args: { runId: string; name?: string }; data: ModelSummary[] };
  'training:runs': { args: Record<string, never>; data: RunInfo[] };
  'training:history': { args: { runId: string }; data: RunHistory };
  'training:delete': { args: { runId: string }; data: { runId: string } };
  'sketch:edges': { args: SketchEdgesArgs; data: SketchEdges };
  'sketch:save': { args: SketchSaveArgs; data: SketchSaved };
  'sketch:examples': { args: Record<string, never>; data: SketchExample[] };
}

export type InvokeChannel = keyof InvokeChannels;
export type ArgsOf<C extends InvokeChannel> = InvokeChannels[C]['args'];
export type DataOf<C extends InvokeChannel> = InvokeChannels[C]['data'];

/** Job events as the studio sends them: the engine's union plus restart notices and timing. */
export type StudioJobEvent =
  | JobEvent
  | { type: 'engine-lost'; jobId: string; index: number; reason: string }
  | { type: 'item-cancelled'; jobId: string; index: number }
  | { type: 'retrying'; jobId: string; indices: number[] };

/** Every event pushed to the page. */
export interface EventChannels {
  /** A menu item or its accelerator was used (desktop app): the page runs the command. */
  'app:command': { command: CommandId };
  'jobs:event': StudioJobEvent;
  'catalog:progress': CatalogProgress;
  'engine:status': EngineStatus;
  'settings:changed': Settings;
  'training:event': TrainingEventPayload;
}

export type EventChannel = keyof EventChannels;

export const INVOKE_CHANNELS = [
  'models:list',
  'models:import',
  'models:delete',
  'catalog:list',
  'catalog:download',
  'catalog:cancel',
  'jobs:start',
  'jobs:cancel',
  'jobs:retry',
  'jobs:list',
  'settings:get',
  'settings:set',
  'engine:status',
  'outputs:open',
  'outputs:openFolder',
  'outputs:drag',
  'dialog:pick',
  'app:info',
  'app:openLogs',
  'folders:list',
  'preview:render',
  'training:check',
  'training:estimate',
  'training:start',
  'training:pause',
  'training:resume',
  'training:stop',
  'training:export',
  'training:runs',
  'training:history',
  'training:delete',
  'sketch:edges',
  'sketch:save',
  'sketch:examples',
] as const satisfies readonly InvokeChannel[];

export const EVENT_CHANNELS = ['app:command', 'jobs:event', 'catalog:progress', 'engine:status', 'settings:changed', 'training:event'] as const satisfies readonly EventChannel[];

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
  return typeof value === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(value);
}
