import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UPLOAD_BATCH_PATTERN } from '../contract/ids.js';
import { StudioError } from '../engine/errors.js';

/** Largest single upload accepted (a large photo or checkpoint fits well under it). */
export const MAX_UPLOAD_BYTES = 2 * 2 ** 30;

/**
 * Files the page picked or dropped, copied into a per-session temporary folder. Each drop is a
 * batch folder holding the files under their relative paths, so folders keep their structure
 * and names. The folder is deleted when the server stops.
 */
export class UploadStore {
  private constructor(readonly root: string) {}

  static async create(): Promise<UploadStore> {
    return new UploadStore(await mkdtemp(join(tmpdir(), 'gan-studio-uploads-')));
  }

  /** Stores one uploaded file; refuses names that would leave the batch folder. */
  async save(batch: string, relativePath: string, body: Readable, declaredBytes: number | undefined): Promise<string> {
    if (!UPLOAD_BATCH_PATTERN.test(batch)) throw new StudioError('BAD_ARGUMENT', `bad upload batch "${batch}"`);
    const parts = relativePath.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0')) || parts.length > 32) {
      throw new StudioError('BAD_ARGUMENT', `bad upload path "${relativePath}"`);
    }
    if (declaredBytes !== undefined && declaredBytes > MAX_UPLOAD_BYTES) {
      throw new StudioError('BAD_ARGUMENT', `${relativePath} is larger than ${MAX_UPLOAD_BYTES / 2 ** 30} GB`);
    }
    const target = join(this.root, batch, ...parts);
    await mkdir(dirname(target), { recursive: true });
    await pipeline(body, createWriteStream(target, { flags: 'wx' }));
    return target;
  }

  /** The host paths a batch stands for: its top-level files and folders, as they were dropped. */
  async resolve(batch: string): Promise<string[]> {
    if (!UPLOAD_BATCH_PATTERN.test(batch)) throw new StudioError('BAD_ARGUMENT', `bad upload batch "${batch}"`);
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
    return resolve(path).startsWith(this.root + sep);
  }

  async dispose(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
