import type { ErrorCode, Result, StudioErrorInfo } from '../contract/result.js';
import { displayText } from './display-text.js';

/**
 * An error the user can act on: a typed code and a message that names the file and the cause.
 * The message is one line of display text (displayText): a hostile file name in it cannot
 * start a fake line or reorder the text wherever it is shown or logged.
 */
export class StudioError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, message: string, options?: { detail?: string; cause?: unknown }) {
    super(displayText(message), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StudioError';
    this.code = code;
    this.detail = options?.detail;
  }

  toInfo(): StudioErrorInfo {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}

/** Turns anything thrown into the contract's error shape; unknown errors become INTERNAL. */
export function toErrorInfo(err: unknown): StudioErrorInfo {
  if (err instanceof StudioError) return err.toInfo();
  if (err instanceof Error) return { code: 'INTERNAL', message: displayText(err.message) };
  return { code: 'INTERNAL', message: displayText(String(err)) };
}

export async function toResult<T>(work: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, data: await work() };
  } catch (err) {
    return { ok: false, error: toErrorInfo(err) };
  }
}

/**
 * What `work` gives, or its failure as a StudioError (IO_ERROR unless `code` says otherwise)
 * whose message `says` builds from the system's cause in words: the one way a file-system step
 * that failed is told to the user, naming the file and the cause.
 */
export async function orSystemError<T>(work: Promise<T>, says: (cause: string) => string, code: ErrorCode = 'IO_ERROR'): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw new StudioError(code, says(describeSystemError(err)), { cause: err });
  }
}

/** The short cause of a system error (ENOENT, EACCES, ...) in words a user can read. */
export function describeSystemError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
