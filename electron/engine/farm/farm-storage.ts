import { StudioError } from '../errors.js';

/**
 * Where a farm's files live: the inputs the client submits and the outputs workers write.
 * Files travel through it, never through Redis. Everything is named by a key, a relative
 * slash-separated name (`photos/trip/a.jpg`), so a shared folder and an S3-compatible bucket
 * fit the same interface: a folder maps keys to paths under its root, a bucket to object names.
 */
export interface FarmStorage {
  /** Where the files are, for messages (`shared folder /mnt/farm`). */
  readonly description: string;
  /** The bytes of an input. Inputs are only ever read. */
  read(key: string): Promise<Buffer>;
  /**
   * Writes one item's output exactly once under the first free name `<dir>/<stem>[-n].<ext>`,
   * however often the item is retried and however many workers race for it: the first to
   * claim `claim` places its bytes, every later writer gets that same output back
   * (`already: true`). A bucket does the same with conditional puts (If-None-Match: *).
   */
  writeOnce(target: OnceTarget, bytes: Uint8Array): Promise<PlacedOutput>;
  /** Forgets the claims of a finished batch (the outputs stay). */
  forgetClaims(dir: string, batch: string): Promise<void>;
}

export interface OnceTarget {
  /** Key of the output folder. */
  dir: string;
  stem: string;
  extension: string;
  /** The batch and item the output belongs to: one output per claim. */
  batch: string;
  item: number;
}

export interface PlacedOutput {
  key: string;
  /** The plain name was taken by another file, so `<stem>-n` was used. */
  renamed: boolean;
  /** Another attempt at this item had placed it already; these bytes were dropped. */
  already: boolean;
}

/** Batch ids are UUIDs: they name folders of claims, so nothing else is accepted. */
export const BATCH_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Checks a key from a job (which anyone who can write to Redis can forge): relative, slash-
 * separated, with no empty, `.` or `..` segment, no backslash and no NUL, so that no key ever
 * names a file outside the storage's root. Returns the key unchanged.
 */
export function checkKey(key: unknown, what: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 4096) {
    throw new StudioError('BAD_ARGUMENT', `${what} is not a storage key: ${JSON.stringify(key)}`);
  }
  if (key.startsWith('/') || /^[A-Za-z]:/.test(key) || key.includes('\\') || key.includes('\0')) {
    throw new StudioError('BAD_ARGUMENT', `${what} "${key}" is not a relative key inside the shared storage`);
  }
  // The output folder may be the root itself, which is the key ".".
  if (key === '.') return key;
  if (key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new StudioError('BAD_ARGUMENT', `${what} "${key}" leaves the shared storage or has an empty part`);
  }
  return key;
}

/** A file-name stem from a job: one path segment, not hidden, no separators. */
export function checkStem(stem: unknown): string {
  if (typeof stem !== 'string' || stem.length === 0 || stem.length > 255 || stem.startsWith('.') || /[/\\\0]/.test(stem)) {
    throw new StudioError('BAD_ARGUMENT', `output name ${JSON.stringify(stem)} is not a plain file name`);
  }
  return stem;
}
