import { STATUS_CODES } from 'node:http';
import { mkdir, open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ReadableStreamReadResult } from 'node:stream/web';
import { StudioError, describeSystemError } from '../../errors.js';

/**
 * Resumable HTTP downloads for the model catalog.
 *
 * The bytes stream to `<dest>.part` (never held in memory) and the file is renamed to `dest`
 * only once it is complete and its size is plausible, so `dest` never holds a half file.
 * Beside the part file, `<dest>.part.json` records the URL and the validator (ETag or
 * Last-Modified) of the response that started it, so a later call resumes with
 * `Range` + `If-Range` and never stitches two versions of a file together.
 *
 * A cancelled download (AbortSignal) throws CANCELLED and KEEPS the part file, so the next
 * downloadFile() to the same `dest` resumes where it stopped; call discardPartial(dest) to
 * throw the partial bytes away instead. A download that failed for good (retries exhausted)
 * keeps its part file too; one whose finished size is implausible deletes it.
 */

export interface DownloadProgress {
  /**
   * Bytes of the file on disk so far, including those resumed from an earlier run. It only
   * grows, except when a server ignores Range (or the file changed) and the download
   * restarts from byte 0.
   */
  receivedBytes: number;
  /** The whole file's size, when the server says it. */
  totalBytes: number | null;
  /** Transfer rate over the last few seconds. */
  bytesPerSecond: number;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Called at most about every 100 ms, plus once when the file is complete. */
  onProgress?: (progress: DownloadProgress) => void;
  /** The finished file must have a size within these bounds (inclusive), or it is refused. */
  expectedBytes?: { min: number; max: number };
  /** Failed attempts in a row without progress before giving up (default 5). */
  maxRetries?: number;
  fetchImpl?: typeof fetch;
  /** First backoff delay; each further retry doubles it (default 200 ms, at most 10 s). */
  retryDelayMs?: number;
  /** An attempt that receives nothing for this long counts as a dropped connection (default 30 s). */
  idleTimeoutMs?: number;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  /** True when bytes already on disk (an earlier run or a dropped connection) were reused. */
  resumed: boolean;
}

interface PartMeta {
  url: string;
  etag: string | null;
  lastModified: string | null;
  totalBytes: number | null;
}

const PROGRESS_INTERVAL_MS = 100;
const SPEED_WINDOW_MS = 3000;
const MAX_BACKOFF_MS = 10_000;

export function partialPath(dest: string): string {
  return `${dest}.part`;
}

function metaPath(dest: string): string {
  return `${dest}.part.json`;
}

/** Deletes the partial download kept for `dest` (after a cancel or a failure), if any. */
export async function discardPartial(dest: string): Promise<void> {
  await rm(partialPath(dest), { force: true });
  await rm(metaPath(dest), { force: true });
}

/** A failure worth another attempt: a dropped connection, a stall, a 5xx answer. */
class Retryable extends Error {}

/** The answer's size facts, from Content-Length and Content-Range. */
interface Extent {
  /** Byte offset the body starts at. */
  start: number;
  /** Bytes on disk once this body is complete, if known. */
  end: number | null;
  /** Size of the whole file, if known. */
  total: number | null;
}

function statusLine(res: Response): string {
  const text = res.statusText !== '' ? res.statusText : (STATUS_CODES[res.status] ?? '');
  return `${res.status}${text === '' ? '' : ` ${text}`}`;
}

function contentLength(res: Response): number | null {
  // A compressed answer is decoded by fetch, so its Content-Length does not count our bytes.
  const encoding = res.headers.get('content-encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') return null;
  const raw = res.headers.get('content-length');
  if (raw === null || !/^\d+$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

// `bytes 100-199/1000` -> first 100, last 199, total 1000; `bytes */1000` (a 416) -> total 1000.
function contentRange(res: Response): { first: number | null; last: number | null; total: number | null } | null {
  const raw = res.headers.get('content-range');
  if (raw === null) return null;
  const m = /^\s*bytes\s+(?:(\d+)-(\d+)|\*)\s*\/\s*(\d+|\*)\s*$/i.exec(raw);
  if (m === null) return null;
  return {
    first: m[1] === undefined ? null : Number(m[1]),
    last: m[2] === undefined ? null : Number(m[2]),
    total: m[3] === undefined || m[3] === '*' ? null : Number(m[3]),
  };
}

/** If-Range needs a strong validator: a strong ETag, else Last-Modified. */
function ifRangeValidator(meta: PartMeta | null): string | null {
  if (meta === null) return null;
  if (meta.etag !== null && !meta.etag.startsWith('W/')) return meta.etag;
  return meta.lastModified;
}

async function readMeta(dest: string, url: string): Promise<PartMeta | null> {
  try {
    const parsed = JSON.parse(await readFile(metaPath(dest), 'utf8')) as Partial<PartMeta>;
    if (parsed.url !== url) return null;
    return {
      url,
      etag: typeof parsed.etag === 'string' ? parsed.etag : null,
      lastModified: typeof parsed.lastModified === 'string' ? parsed.lastModified : null,
      totalBytes: typeof parsed.totalBytes === 'number' ? parsed.totalBytes : null,
    };
  } catch {
    return null;
  }
}

async function sizeOnDisk(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

function writeError(path: string, err: unknown): StudioError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const advice = code === 'ENOSPC' ? '; free some space and download again to resume' : '';
  return new StudioError('IO_ERROR', `cannot write ${path}: ${describeSystemError(err)}${advice}`, { cause: err });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Throttles progress callbacks to one per interval and measures the rate over a sliding
 * window. A throttled update is not lost: it is delivered when the interval ends, so a
 * stalled transfer still shows the bytes that arrived last.
 */
class ProgressReporter {
  private lastEmit = -Infinity;
  private transferred = 0;
  private pending: { receivedBytes: number; totalBytes: number | null } | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly samples: { t: number; transferred: number }[] = [{ t: performance.now(), transferred: 0 }];

  constructor(private readonly onProgress: ((p: DownloadProgress) => void) | undefined) {}

  add(bytes: number): void {
    this.transferred += bytes;
  }

  report(receivedBytes: number, totalBytes: number | null, force = false): void {
    if (this.onProgress === undefined) return;
    const wait = this.lastEmit + PROGRESS_INTERVAL_MS - performance.now();
    if (!force && wait > 0) {
      this.pending = { receivedBytes, totalBytes };
      if (this.timer === undefined) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          const p = this.pending;
          if (p !== null) this.emit(p.receivedBytes, p.totalBytes);
        }, wait);
        this.timer.unref();
      }
      return;
    }
    this.emit(receivedBytes, totalBytes);
  }

  /** Drops any update still waiting: nothing is reported after the download settles. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = null;
  }

  private emit(receivedBytes: number, totalBytes: number | null): void {
    const now = performance.now();
    this.lastEmit = now;
    this.pending = null;
    this.samples.push({ t: now, transferred: this.transferred });
    while (this.samples.length > 2 && now - (this.samples[1]?.t ?? now) >= SPEED_WINDOW_MS) this.samples.shift();
    const first = this.samples[0] ?? { t: now, transferred: this.transferred };
    const seconds = (now - first.t) / 1000;
    const bytesPerSecond = seconds > 0 ? (this.transferred - first.transferred) / seconds : 0;
    this.onProgress?.({ receivedBytes, totalBytes, bytesPerSecond });
  }
}

/**
 * Downloads `url` to `dest`, resuming a part file left by an earlier run, retrying dropped
 * connections with backoff (200 ms, 400 ms, ...) from the bytes on disk. Throws StudioError:
 * IO_ERROR for HTTP errors (`<url>: server answered 404 Not Found`), exhausted retries, an
 * implausible size or a write failure (a full disk says so); CANCELLED when `signal` aborts.
 */
export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const part = partialPath(dest);
  const reporter = new ProgressReporter(options.onProgress);
  try {
    return await download(url, dest, part, options, reporter);
  } finally {
    reporter.close();
  }
}

async function download(url: string, dest: string, part: string, options: DownloadOptions, reporter: ProgressReporter): Promise<DownloadResult> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const maxRetries = options.maxRetries ?? 5;
  const baseDelay = options.retryDelayMs ?? 200;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const signal = options.signal;

  const cancelled = (): StudioError =>
    new StudioError('CANCELLED', `download of ${url} cancelled; the bytes received so far are kept in ${part} to resume later`);
  // A function, so the compiler does not narrow `aborted` across the awaits below.
  const aborted = (): boolean => signal?.aborted === true;
  if (aborted()) throw cancelled();

  try {
    await mkdir(dirname(dest), { recursive: true });
  } catch (err) {
    throw writeError(dirname(dest), err);
  }

  let meta = await readMeta(dest, url);
  // A part file of unknown origin (no record, or another URL's) could belong to another file.
  if (meta === null && (await sizeOnDisk(part)) > 0) await discardPartial(dest);

  let resumed = false;
  let failures = 0;
  /** The most bytes of this file ever on disk during this call: the measure of progress. */
  let bestOnDisk = await sizeOnDisk(part);
  let restarts = 0;
  let lastProblem = '';

  const restart = async (): Promise<void> => {
    // Guards against a server that keeps contradicting itself about the file.
    if (++restarts > maxRetries + 2) throw new StudioError('IO_ERROR', `${url}: the server keeps answering inconsistent ranges`);
    await discardPartial(dest);
    meta = null;
  };

  for (;;) {
    if (aborted()) throw cancelled();
    const offset = await sizeOnDisk(part);
    const bestBefore = bestOnDisk;

    const attempt = new AbortController();
    let idle = false;
    let timer: NodeJS.Timeout | undefined;
    const armIdle = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        attempt.abort(new Retryable(`no data for ${idleTimeoutMs} ms`));
      }, idleTimeoutMs);
    };
    const onAbort = (): void => attempt.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const failure = (err: unknown, context = 'connection failed'): Error => {
      if (aborted()) return cancelled();
      if (idle) return new Retryable(`${context}: no data for ${idleTimeoutMs} ms`);
      if (err instanceof StudioError || err instanceof Retryable) return err;
      const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
      return new Retryable(`${context}: ${cause}`);
    };

    let outcome: 'complete' | 'restart' | 'more' | 'retry';
    try {
      outcome = await (async (): Promise<'complete' | 'restart' | 'more'> => {
        const headers: Record<string, string> = { 'accept-encoding': 'identity' };
        const validator = ifRangeValidator(meta);
        if (offset > 0) {
          headers.range = `bytes=${offset}-`;
          if (validator !== null) headers['if-range'] = validator;
        }
        armIdle();
        let res: Response;
        try {
          res = await fetchImpl(url, { headers, signal: attempt.signal, redirect: 'follow' });
        } catch (err) {
          throw failure(err);
        }

        const range = contentRange(res);
        const length = contentLength(res);
        let extent: Extent;
        if (res.status === 206 && offset > 0) {
          const total = range?.total ?? null;
          // Content-Range must start where our bytes stop, and without a validator the
          // size must match the record, or these bytes may belong to another file.
          const recorded = meta?.totalBytes ?? null;
          if (range === null || range.first !== offset || (validator === null && recorded !== null && total !== recorded)) {
            await res.body?.cancel().catch(() => undefined);
            return 'restart';
          }
          const end = range.last !== null ? range.last + 1 : length === null ? null : offset + length;
          extent = { start: offset, end, total };
          resumed = true;
        } else if (res.status === 416 && offset > 0) {
          await res.body?.cancel().catch(() => undefined);
          // Offset past the end: the part is either already complete or stale.
          const total = range?.total ?? null;
          if (total !== null && total === offset && (meta?.totalBytes ?? total) === total) {
            resumed = true;
            return 'complete';
          }
          return 'restart';
        } else if (res.ok) {
          // 200 (or a 206 we did not ask for): the whole file from byte 0. A server that
          // ignores Range, or an If-Range whose validator no longer matches, lands here.
          if (res.status === 206 && (range === null || range.first !== 0)) {
            await res.body?.cancel().catch(() => undefined);
            throw new Retryable(`unexpected partial answer ${res.headers.get('content-range') ?? ''}`);
          }
          const last = res.status === 206 ? (range?.last ?? null) : null;
          const total = res.status === 206 ? (range?.total ?? null) : length;
          extent = { start: 0, end: last !== null ? last + 1 : length, total };
          meta = { url, etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified'), totalBytes: total };
          resumed = false;
          try {
            await rm(part, { force: true });
            await writeFile(metaPath(dest), JSON.stringify(meta));
          } catch (err) {
            throw writeError(metaPath(dest), err);
          }
        } else {
          await res.body?.cancel().catch(() => undefined);
          const problem = `server answered ${statusLine(res)}`;
          if (res.status === 408 || res.status === 429 || res.status >= 500) throw new Retryable(problem);
          throw new StudioError('IO_ERROR', `${url}: ${problem}`);
        }

        // Refuse a file of the wrong size before downloading it, when the server says its size.
        const bounds = options.expectedBytes;
        if (bounds !== undefined && extent.total !== null && (extent.total < bounds.min || extent.total > bounds.max)) {
          await res.body?.cancel().catch(() => undefined);
          await discardPartial(dest);
          throw new StudioError(
            'IO_ERROR',
            `${url}: the server announces ${extent.total} bytes, expected between ${bounds.min} and ${bounds.max}; nothing was kept`,
          );
        }

        // Stream the body to the part file.
        let handle: FileHandle;
        try {
          handle = await open(part, extent.start > 0 ? 'a' : 'w');
        } catch (err) {
          throw writeError(part, err);
        }
        let onDisk = extent.start;
        try {
          if (res.body !== null) {
            const reader = res.body.getReader();
            for (;;) {
              let chunk: ReadableStreamReadResult<Uint8Array>;
              try {
                armIdle();
                chunk = await reader.read();
              } catch (err) {
                const of = (extent.total ?? extent.end) === null ? '' : ` of ${extent.total ?? extent.end}`;
                throw failure(err, `the connection dropped at byte ${onDisk}${of}`);
              }
              if (chunk.done) break;
              try {
                await handle.write(chunk.value);
              } catch (err) {
                await reader.cancel().catch(() => undefined);
                throw writeError(part, err);
              }
              onDisk += chunk.value.byteLength;
              reporter.add(chunk.value.byteLength);
              reporter.report(onDisk, extent.total);
            }
          }
        } finally {
          clearTimeout(timer);
          await handle.close().catch(() => undefined);
          bestOnDisk = Math.max(bestOnDisk, onDisk);
        }

        // A server may answer a Range with less than the rest of the file: ask for more.
        if (extent.end !== null && extent.total !== null && onDisk === extent.end && onDisk > extent.start && onDisk < extent.total) {
          return 'more';
        }
        const expectedEnd = extent.total ?? extent.end;
        if (expectedEnd !== null && onDisk < expectedEnd) {
          throw new Retryable(`the connection closed after ${onDisk} of ${expectedEnd} bytes`);
        }
        if (expectedEnd !== null && onDisk > expectedEnd) return 'restart';
        return 'complete';
      })();
    } catch (err) {
      const settled = failure(err);
      if (!(settled instanceof Retryable)) throw settled;
      lastProblem = settled.message;
      outcome = 'retry';
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }

    if (outcome === 'complete') break;
    if (outcome === 'more') continue;
    if (outcome === 'restart') {
      await restart();
      continue;
    }
    // Retry: count the failures in a row that brought no byte beyond the best so far, so a
    // flaky link that keeps making progress is not given up on, and a server that always
    // stops at the same byte (or ignores Range and drops) is.
    const nowOnDisk = await sizeOnDisk(part);
    if (nowOnDisk > bestBefore) failures = 0;
    failures++;
    if (failures > maxRetries) {
      const kept = nowOnDisk > 0 ? `; the ${nowOnDisk} bytes received are kept in ${part} to resume later` : '';
      throw new StudioError('IO_ERROR', `${url}: download failed after ${failures} attempts in a row: ${lastProblem}${kept}`);
    }
    try {
      await sleep(Math.min(baseDelay * 2 ** (failures - 1), MAX_BACKOFF_MS), signal);
    } catch {
      throw cancelled();
    }
  }

  const bytes = await sizeOnDisk(part);
  const bounds = options.expectedBytes;
  if (bounds !== undefined && (bytes < bounds.min || bytes > bounds.max)) {
    await discardPartial(dest);
    throw new StudioError(
      'IO_ERROR',
      `${url}: the downloaded file has ${bytes} bytes, expected between ${bounds.min} and ${bounds.max}; it was discarded`,
    );
  }
  try {
    await rename(part, dest);
  } catch (err) {
    throw writeError(dest, err);
  }
  await rm(metaPath(dest), { force: true });
  reporter.report(bytes, bytes, true);
  return { path: dest, bytes, resumed };
}
