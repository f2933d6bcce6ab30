/**
 * Messages between the studio (Electron main or the browser-mode server) and the engine
 * process. Plain JSON-compatible data: they cross a utilityProcess port or a fork() channel.
 */
import type { CatalogItem, CatalogProgress, FolderListing, ModelListing, ModelSummary } from '../../contract/ipc.js';
import type { OutputFormat, ProviderReport } from '../../contract/jobs.js';
import type { Result } from '../../contract/result.js';
import type { DurationEstimateInfo, FolderCheckInfo, RunHistory, RunInfo, TrainingEventPayload } from '../../contract/finetune.js';
import type { TrainSettings } from '../../contract/training.js';
import type { SketchEdges, SketchExample, SketchSaved } from '../../contract/sketch.js';
import type { MediaVariant } from '../../contract/wire.js';
import type { PreviewImage } from '../imaging/index.js';
import type { PreviewRequest, RenderedPreview } from '../jobs/preview.js';

export interface ExpandedInputs {
  /** Image files found, each with the name the user knows it by (relative to what was dropped). */
  files: { path: string; name: string }[];
  errors: { path: string; name: string; message: string }[];
}

export interface TranslateItemArgs {
  jobId: string;
  index: number;
  input: string;
  model: string;
  outDir: string;
  format: OutputFormat | 'auto';
  quality: number;
  device: string;
  nameSuffix: string;
  attributes?: Record<string, number>;
}

export interface TranslatedItem extends ProviderReport {
  output: string;
  renamed: boolean;
  notes: string[];
  width: number;
  height: number;
  ms: number;
}

export interface EngineRequests {
  'models:list': { args: Record<string, never>; data: ModelListing };
  'models:import': { args: { path: string; name?: string }; data: ModelSummary };
  'models:delete': { args: { id: string }; data: { id: string } };
  'catalog:list': { args: Record<string, never>; data: CatalogItem[] };
  'catalog:download': { args: { name: string }; data: ModelSummary };
  'catalog:cancel': { args: { name: string }; data: { name: string } };
  'files:expand': { args: { inputs: string[] }; data: ExpandedInputs };
  /** The folder browser: one folder inside the home folder or a mounted volume. */
  'folders:list': { args: { path?: string }; data: FolderListing };
  'translate:item': { args: TranslateItemArgs; data: TranslatedItem };
  /** A downscaled WebP picture of an input or output for the page (queue thumbnails, before/after). */
  'media:picture': { args: { path: string; variant: MediaVariant }; data: PreviewImage };
  /** One live preview (the studio's PreviewScheduler sends at most one per stream at a time). */
  'preview:render': { args: PreviewRequest; data: RenderedPreview };
  /** Fine-tuning: runs are named by their folder (`dir`); `home` is the studio home holding runs/. */
  'training:check': { args: { inputs: string[]; copyTo?: string }; data: FolderCheckInfo };
  'training:estimate': { args: { settings: TrainSettings }; data: DurationEstimateInfo };
  'training:start': { args: { settings: TrainSettings; home: string }; data: RunInfo };
  'training:pause': { args: { dir: string }; data: RunInfo };
  'training:pause-all': { args: Record<string, never>; data: { paused: string[] } };
  'training:resume': { args: { dir: string }; data: RunInfo };
  'training:stop': { args: { dir: string }; data: RunInfo };
  'training:export': { args: { dir: string; name?: string }; data: ModelSummary[] };
  'training:runs': { args: { home: string }; data: RunInfo[] };
  'training:history': { args: { dir: string }; data: RunHistory };
  'training:delete': { args: { dir: string }; data: { dir: string } };
  /** The sketch pad: `source` is a host path the studio resolved, or image bytes (base64) from the page. */
  'sketch:edges': { args: { source: { path: string } | { png: string }; size?: number }; data: SketchEdges };
  'sketch:save': { args: { sketch: string; output: string; model: string; name?: string; outDir: string }; data: SketchSaved };
  'sketch:examples': { args: Record<string, never>; data: SketchExample[] };
}

export type EngineMethod = keyof EngineRequests;

export type EngineEvent =
  | { type: 'item-progress'; jobId: string; index: number; itemProgress: number; status: string }
  | { type: 'catalog-progress'; progress: CatalogProgress }
  /** Sent (and flushed) just before an output is placed at `path`: see JobManager's crash recovery. */
  | { type: 'item-placing'; jobId: string; index: number; path: string }
  | ({ type: 'train-event' } & TrainingEventPayload);

export type ToEngine = { kind: 'request'; id: number; method: EngineMethod; args: unknown };

export type FromEngine =
  | { kind: 'ready'; pid: number }
  | { kind: 'response'; id: number; result: Result<unknown> }
  | { kind: 'event'; event: EngineEvent };

export const ENGINE_METHODS = [
  'models:list',
  'models:import',
  'models:delete',
  'catalog:list',
  'catalog:download',
  'catalog:cancel',
  'files:expand',
  'folders:list',
  'translate:item',
  'media:picture',
  'preview:render',
  'training:check',
  'training:estimate',
  'training:start',
  'training:pause',
  'training:pause-all',
  'training:resume',
  'training:stop',
  'training:export',
  'training:runs',
  'training:history',
  'training:delete',
  'sketch:edges',
  'sketch:save',
  'sketch:examples',
] as const satisfies readonly EngineMethod[];
