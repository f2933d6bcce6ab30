import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, mkdir, mkdtemp, readdir, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UPLOAD_BATCH_PATTERN } from '../contract/ids.js';
import { StudioError, describeSystemError } from '../engine/errors.js';
import { isBelow } from '../engine/files/confined-path.js';

/** Largest single upload accepted (a large photo or checkpoint fits well under it). */
export const MAX_UPLOAD_BYTES = 2 * 2 ** 30;
/** What one server keeps in uploads at most, all files together, unless told otherwise. */
export const DEFAULT_UPLOAD_QUOTA_BYTES = 16 * 2 ** 30;

export interface UploadLimits {
  /** Largest single file. */
  fileBytes?: number;
  /** All files of this server together (what is stored plus what is arriving). */
  quotaBytes?: number;
}

const inWords = (bytes: number): string => (bytes >= 2 ** 30 ? `${bytes / 2 ** 30} GB` : `${Math.round(bytes / 2 ** 20)} MB`);

/**
 * Files the page picked or dropped, copied into a per-session temporary folder. Each drop is a
 * batch folder holding the files under their relative paths, so folders keep their structure
 * and names. Bytes are counted as they arrive (a chunked body declares no length), against the
 * file limit and the server's quota; a file lands under its name only once whole, so an
 * interrupted upload leaves nothing that stops its retry. Messages name files by the page's
 * relative path, never by the private folder. The folder is deleted when the server stops.
 */
export class UploadStore {
  /** Bytes stored plus bytes promised to uploads in flight. */
  private used = 0;
  readonly fileBytes: number;
  readonly quotaBytes: number;

  private constructor(
    readonly root: string,
    limits: UploadLimits,
  ) {
    this.fileBytes = limits.fileBytes ?? MAX_UPLOAD_BYTES;
    this.quotaBytes = limits.quotaBytes ?? DEFAULT_UPLOAD_QUOTA_BYTES;
  }

  static async create(limits: UploadLimits = {}): Promise<UploadStore> {
    return new UploadStore(await mkdtemp(join(tmpdir(), 'gan-studio-uploads-')), limits);
  }

  /** Stores one uploaded file; refuses names that would leave the batch folder, and files past the limits. */
  async save(batch: string, relativePath: string, body: Readable, declaredBytes: number | undefined): Promise<void> {
    if (!UPLOAD_BATCH_PATTERN.test(batch)) throw new StudioError('BAD_ARGUMENT', 'bad upload batch: a batch is letters, digits and "-"');
    const parts = relativePath.split('/');
    if (relativePath.length > 4096 || parts.length > 32 || parts.some((p) => p === '' || p === '.' || p === '..' || p.length > 255 || p.includes('\\') || p.includes('\0'))) {
      throw new StudioError('BAD_ARGUMENT', 'bad upload path: a relative path of up to 32 names, without "..", "\\" or empty names');
    }
    if (declaredBytes !== undefined && (!Number.isSafeInteger(declaredBytes) || declaredBytes < 0)) throw new StudioError('BAD_ARGUMENT', `${relativePath}: bad Content-Length`);
    /** What is wrong with a file of `fileTotal` bytes that adds `adding` to the store, if anything. */
    const limitError = (fileTotal: number, adding: number): StudioError | undefined => {
      if (fileTotal > this.fileBytes) return new StudioError('BAD_ARGUMENT', `${relativePath} is larger than ${inWords(this.fileBytes)}, the largest upload the studio takes`);
      if (this.used + adding > this.quotaBytes) return new StudioError('BAD_ARGUMENT', `${relativePath} does not fit: this session's uploads are limited to ${inWords(this.quotaBytes)} in all; restart gan-studio serve to start afresh`);
      return undefined;
    };
    const early = limitError(declaredBytes ?? 0, declaredBytes ?? 0);
    if (early !== undefined) throw early;

    const target = join(this.root, batch, ...parts);
    if (!isBelow(this.root, target)) throw new StudioError('BAD_ARGUMENT', 'bad upload path');
    const partial = join(this.root, `.partial-${randomBytes(8).toString('hex')}`);
    let counted = 0;
    const counter = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        const problem = limitError(counted + chunk.length, chunk.length);
        if (problem !== undefined) return done(problem);
        counted += chunk.length;
        this.used += chunk.length;
        done(null, chunk);
      },
    });
    let kept = false;
    try {
      await mkdir(dirname(target), { recursive: true });
      // The body is piped, not part of the pipeline: a refusal leaves the request open for its answer.
      // A body torn down meanwhile (a client gone, a malformed chunk, even during the mkdir above) ends the upload.
      if (body.destroyed) throw new Error('the upload was interrupted');
      body.on('error', (err) => counter.destroy(err));
      body.once('close', () => {
        if (!body.readableEnded) counter.destroy(new Error('the upload was interrupted'));
      });
      body.pipe(counter);
      await pipeline(counter, createWriteStream(partial, { flags: 'wx' }));
      if (declaredBytes !== undefined && counted !== declaredBytes) throw new StudioError('BAD_ARGUMENT', `${relativePath}: the upload ended early (${counted} of ${declaredBytes} bytes)`);
      // A hard link fails if the name is taken: a file is never replaced, and the name appears whole.
      await link(partial, target);
      kept = true;
    } catch (err) {
      if (err instanceof StudioError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new StudioError('OUTPUT_EXISTS', `${relativePath} was already uploaded in this batch`);
      if (code === 'ENOTDIR' || code === 'EISDIR') throw new StudioError('BAD_ARGUMENT', `${relativePath}: a file and a folder of this batch have the same name`);
      // Said without the error's own message, which would name the private upload folder.
      throw new StudioError('IO_ERROR', `${relativePath} could not be stored${code === undefined ? ': the upload was interrupted' : ` (${code === 'ENOSPC' ? describeSystemError(err) : code})`}`);
    } finally {
      if (!kept) this.used -= counted;
      await unlink(partial).catch(() => undefined);
    }
  }

  /** The host paths a batch stands for: its top-level files and folders, as they were dropped. */
  async resolve(batch: string): Promise<string[]> {
    if (!UPLOAD_BATCH_PATTERN.test(batch)) throw new StudioError('BAD_ARGUMENT', 'bad upload batch: a batch is letters, digits and "-"');
    const dir = join(this.root, batch);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      throw new StudioError('BAD_ARGUMENT', `nothing was uploaded for batch "${batch}"`);
    }
    return names.sort().map((n) => join(dir, n));
  }

  contains(path: string): boolean {
    return isBelow(this.root, path);
  }

  /** Takes the private folder out of a message bound for the page: "uploads/<batch>/<path>" instead. */
  redact(text: string): string {
    return text.split(this.root).join('uploads');
  }

  async dispose(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
