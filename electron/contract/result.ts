import type * as z from 'zod';

/**
 * Every handler and engine entry point reports failure as a typed code plus a human message,
 * because Electron keeps little more than the message of an error thrown across invoke.
 */
export const ERROR_CODES = [
  'BAD_IMAGE',
  'BAD_MODEL',
  'BAD_MANIFEST',
  'MODEL_NOT_FOUND',
  'EP_UNAVAILABLE',
  'UNSAFE_CHECKPOINT',
  'BAD_CHECKPOINT',
  'BAD_ARGUMENT',
  'IO_ERROR',
  'OUTPUT_EXISTS',
  'CANCELLED',
  /** The engine process stopped while it worked on the request (it is restarted). */
  'ENGINE_LOST',
  'TRAINING_DIVERGED',
  /** A farm worker lacks the batch's model or has another version of it (another sha256). */
  'MODEL_MISMATCH',
  /** The farm's Redis cannot be reached (or refused the password). */
  'FARM_UNREACHABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface StudioErrorInfo {
  code: ErrorCode;
  message: string;
  detail?: string;
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: StudioErrorInfo };

/** A schema's complaints in one line (`quality: Too big: ...; name: ...`), for a BAD_ARGUMENT message. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
}
