import { z } from 'zod';
import { MODEL_ID_PATTERN } from '../../contract/ids.js';
import { OUTPUT_FORMATS } from '../../contract/jobs.js';
import { ERROR_CODES, describeIssues, type StudioErrorInfo } from '../../contract/result.js';
import { quality } from '../../contract/settings.js';
import { StudioError } from '../errors.js';
import { BATCH_ID, checkKey, checkStem } from './farm-storage.js';

/** The BullMQ queue every worker takes translate items from, under its own key prefix. */
export const FARM_QUEUE = 'translate';
export const FARM_PREFIX = 'gan-farm';
/** Tries of one item (on other workers where there are any) before it is reported failed. */
export const FARM_ATTEMPTS = 3;

/** A string that `check` returns as it should be read, or refuses: its error is the issue. */
function checkedBy(check: (value: string) => string) {
  return z.string().transform((value, ctx) => {
    try {
      return check(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });
}

/**
 * One file of a batch, as a job in Redis. Anyone who can write to Redis can write a job, so a
 * worker trusts none of it: every field is checked here, keys stay inside the shared storage.
 */
export const farmItemSchema = z.object({
  batch: z.string().regex(BATCH_ID),
  item: z.number().int().min(0),
  input: checkedBy((key) => checkKey(key, 'input')),
  outDir: checkedBy((key) => checkKey(key, 'output folder')),
  stem: checkedBy(checkStem),
  /** The model by id and by the sha256 of its file: a worker with another version refuses. */
  model: z.object({ id: z.string().regex(MODEL_ID_PATTERN), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  format: z.enum([...OUTPUT_FORMATS, 'auto']),
  quality: quality.optional(),
  shorterSide: z.number().int().min(8).max(16384).optional(),
  attributes: z.record(z.string().max(64), z.number()).optional(),
  maxMemoryMB: z.number().int().min(64).optional(),
  tileSize: z.number().int().min(64).max(16384).optional(),
  /** Workers this item failed on, so a retry goes to another one first. */
  failedOn: z.array(z.string().max(200)).max(50).default([]),
  /** How often the item stepped aside for another worker after failing on this one. */
  asides: z.number().int().min(0).default(0),
});

export type FarmItem = z.infer<typeof farmItemSchema>;
export type FarmItemInput = z.input<typeof farmItemSchema>;

export function parseFarmItem(data: unknown): FarmItem {
  const parsed = farmItemSchema.safeParse(data);
  if (!parsed.success) throw new StudioError('BAD_ARGUMENT', `a farm job that is not a translate item: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** What a worker returns for an item (BullMQ keeps it as the job's return value). */
export const farmResultSchema = z.object({
  output: z.string(),
  renamed: z.boolean(),
  /** Another attempt had written this output already. */
  already: z.boolean(),
  width: z.number(),
  height: z.number(),
  ms: z.number(),
  provider: z.string(),
  fallbacks: z.array(z.object({ provider: z.string(), reason: z.string() })),
  notes: z.array(z.string()),
  worker: z.string(),
});
export type FarmResult = z.infer<typeof farmResultSchema>;

/** Progress a worker reports while it works on an item. */
export const farmProgressSchema = z.object({ fraction: z.number().min(0).max(1), status: z.string(), worker: z.string() });
export type FarmProgress = z.infer<typeof farmProgressSchema>;

/** BullMQ keeps only a failure's message: ours carries the error's code and the worker. */
export function encodeFailure(error: StudioErrorInfo, worker: string): string {
  return JSON.stringify({ code: error.code, message: error.message, worker });
}

export function decodeFailure(reason: string | undefined): StudioErrorInfo & { worker?: string } {
  try {
    const parsed = z
      .object({ code: z.enum(ERROR_CODES), message: z.string(), worker: z.string().optional() })
      .parse(JSON.parse(reason ?? ''));
    return parsed.worker === undefined ? { code: parsed.code, message: parsed.message } : parsed;
  } catch {
    // BullMQ's own reasons (an item stalled too often) are plain text.
    return { code: 'INTERNAL', message: reason ?? 'failed with no reason given' };
  }
}

/** The job id of an item: one per batch and index, so adding it twice adds nothing. */
export function itemJobId(batch: string, item: number): string {
  return `${batch}.${item}`;
}
