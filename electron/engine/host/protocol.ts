/**
 * Messages between the studio (Electron main or the browser-mode server) and the engine
 * process. Plain JSON-compatible data: they cross a utilityProcess port or a fork() channel.
 * Each request is derived from the contract's channel of the same name: the same answer, and
 * the page's arguments either as they are or with what the page named (an upload, a queue
 * item, a run) turned into host paths by the studio. The engine checks every request.
 */
import { z } from 'zod';
import { INVOKE, typed, type CatalogProgress, type InvokeChannel } from '../../contract/ipc.js';
import type { TrainingEventPayload } from '../../contract/finetune.js';
import type { ItemResult } from '../../contract/jobs.js';
import type { Result } from '../../contract/result.js';
import { hostPath, shortText } from '../../contract/bounds.js';
import { settingsSchema } from '../../contract/settings.js';
import { MEDIA_VARIANTS } from '../../contract/wire.js';
import type { PreviewImage } from '../imaging/index.js';
import type { RenderedPreview } from '../jobs/preview.js';

export interface ExpandedInputs {
  /** Image files found, each with the name the user knows it by (relative to what was dropped). */
  files: { path: string; name: string }[];
  errors: { path: string; name: string; message: string }[];
}

/** A run, named by its folder (the studio maps the page's run id into `<home>/runs`). */
const inRun = z.object({ dir: hostPath }).strict();
const fromHost = z.object({ path: hostPath }).strict();

/** A channel whose arguments the studio has resolved into host paths; the answer is the channel's. */
const resolved = <C extends InvokeChannel, A extends z.ZodType>(channel: C, args: A) => ({ args, data: INVOKE[channel].data as (typeof INVOKE)[C]['data'] });

/** One item of a batch: the JobManager sends them one by one. */
const translateItem = z
  .object({ jobId: shortText, index: z.number().int().min(0), input: hostPath, model: shortText, outDir: hostPath, device: shortText, nameSuffix: z.string().max(210) })
  .extend(settingsSchema.pick({ format: true, quality: true }).shape)
  .extend(INVOKE['jobs:start'].args.pick({ attributes: true }).shape)
  .strict();
export type TranslateItemArgs = z.infer<typeof translateItem>;

export const ENGINE_REQUESTS = {
  'models:list': INVOKE['models:list'],
  'models:import': INVOKE['models:import'],
  'models:delete': INVOKE['models:delete'],
  'catalog:list': INVOKE['catalog:list'],
  'catalog:download': INVOKE['catalog:download'],
  'catalog:cancel': INVOKE['catalog:cancel'],
  'files:expand': { args: z.object({ inputs: z.array(hostPath).max(100_000) }).strict(), data: typed<ExpandedInputs>() },
  /** The folder browser: one folder inside the home folder or a mounted volume. */
  'folders:list': INVOKE['folders:list'],
  'translate:item': { args: translateItem, data: typed<ItemResult>() },
  /** A downscaled WebP picture of an input or output for the page (queue thumbnails, before/after). */
  'media:picture': { args: z.object({ path: hostPath, variant: z.enum(MEDIA_VARIANTS) }).strict(), data: typed<PreviewImage>() },
  /** One live preview (the studio's PreviewScheduler sends at most one per stream at a time). */
  'preview:render': {
    args: INVOKE['preview:render'].args.omit({ stream: true }).extend({ source: z.union([fromHost, INVOKE['preview:render'].args.shape.source.options[1]]), device: shortText }),
    data: typed<RenderedPreview>(),
  },
  /** Fine-tuning: `home` is the studio home holding runs/; browser uploads are copied to `copyTo`. */
  'training:check': resolved('training:check', z.object({ inputs: z.array(hostPath).min(1).max(100_000), copyTo: hostPath.optional() }).strict()),
  'training:estimate': INVOKE['training:estimate'],
  'training:start': resolved('training:start', INVOKE['training:start'].args.extend({ home: hostPath })),
  'training:pause': resolved('training:pause', inRun),
  'training:pause-all': { args: z.object({}).strict(), data: typed<{ paused: string[] }>() },
  'training:resume': resolved('training:resume', inRun),
  'training:stop': resolved('training:stop', inRun),
  'training:export': resolved('training:export', inRun.extend(INVOKE['training:export'].args.pick({ name: true }).shape)),
  'training:runs': resolved('training:runs', z.object({ home: hostPath }).strict()),
  'training:history': resolved('training:history', inRun),
  'training:delete': { args: inRun, data: typed<{ dir: string }>() },
  /** The sketch pad: `source` is a host path the studio resolved, or image bytes (base64) from the page. */
  'sketch:edges': resolved('sketch:edges', INVOKE['sketch:edges'].args.extend({ source: z.union([fromHost, INVOKE['sketch:edges'].args.shape.source.options[1]]) })),
  'sketch:save': resolved('sketch:save', INVOKE['sketch:save'].args.extend({ outDir: hostPath })),
  'sketch:examples': INVOKE['sketch:examples'],
} as const;

export type EngineMethod = keyof typeof ENGINE_REQUESTS;
export type EngineArgs<M extends EngineMethod> = z.infer<(typeof ENGINE_REQUESTS)[M]['args']>;
export type EngineData<M extends EngineMethod> = z.infer<(typeof ENGINE_REQUESTS)[M]['data']>;

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

export function isEngineMethod(value: unknown): value is EngineMethod {
  return typeof value === 'string' && Object.hasOwn(ENGINE_REQUESTS, value);
}
