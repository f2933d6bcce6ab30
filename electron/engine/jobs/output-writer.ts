import { randomBytes } from 'node:crypto';
import { link, mkdir, realpath, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { displayText } from '../display-text.js';
import { StudioError, describeSystemError, orSystemError } from '../errors.js';
import { pathExists } from '../files/path-exists.js';

export interface WrittenOutput {
  path: string;
  /** The name differs from the plain one; `renameReason` says why, in words for the user. */
  renamed: boolean;
  renameReason?: string;
}

/**
 * Chooses output names and writes outputs atomically. Two inputs with the same base name,
 * or an output that already exists, get "name-1.ext", "name-2.ext", ... unless overwriting
 * was asked for; an input file is never a target, even then.
 */
export class OutputWriter {
  private readonly reserved = new Set<string>();
  private readonly inputs: Set<string>;

  constructor(
    readonly outDir: string,
    inputs: readonly string[],
    private readonly overwrite: boolean,
    /** Appended to every output's stem, e.g. the model id. */
    private readonly suffix = '',
    /**
     * Told each free name just before the output is placed there (no-clobber mode). A caller
     * that may be killed at any moment (the studio's engine process) records it, so that after
     * a crash its parent can tell whether the file was placed and need not translate it again.
     */
    private readonly onPlacing?: (target: string) => Promise<void>,
  ) {
    this.inputs = new Set(inputs.map((p) => resolve(p)));
  }

  /**
   * Before any image is translated: refuses an output folder that is one of the input
   * folders (its outputs would be inputs next time), creates the folder and proves it can be
   * written to (a read-only folder fails here, not after every image has been translated).
   */
  async prepare(inputFolders: readonly string[] = []): Promise<void> {
    const out = await realpath(this.outDir).catch(() => resolve(this.outDir));
    for (const folder of inputFolders) {
      if ((await realpath(folder).catch(() => resolve(folder))) !== out) continue;
      throw new StudioError(
        'BAD_ARGUMENT',
        `the output folder ${this.outDir} is also an input folder: its translations would be translated again on the next run. ` +
          `Choose another folder, for example ${join(this.outDir, 'translated')} (an output folder inside an input folder is skipped when that folder is translated again)`,
      );
    }
    await orSystemError(mkdir(this.outDir, { recursive: true }), (cause) => `cannot create the output folder ${this.outDir}: ${cause}`);
    const probe = join(this.outDir, `.gan-studio-probe-${randomBytes(6).toString('hex')}`);
    try {
      await writeFile(probe, '', { flag: 'wx' });
      await unlink(probe);
    } catch (err) {
      await unlink(probe).catch(() => undefined);
      throw new StudioError('IO_ERROR', `cannot write in the output folder ${this.outDir}: ${describeSystemError(err)}; nothing was translated`, { cause: err });
    }
  }

  /** Writes the bytes for an input; returns the path written and whether the name was changed. */
  async write(input: string, extension: string, bytes: Uint8Array): Promise<WrittenOutput> {
    return this.writeNamed(`${basename(input, extname(input))}${this.suffix}`, extension, bytes, input);
  }

  /** Writes bytes under `<stem>.<extension>` (or the next free `<stem>-n`), for outputs named otherwise than their input. */
  async writeNamed(stem: string, extension: string, bytes: Uint8Array, input = stem): Promise<WrittenOutput> {
    const tmp = join(this.outDir, `.${stem}.${randomBytes(6).toString('hex')}.partial`);
    try {
      await writeFile(tmp, bytes);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw new StudioError('IO_ERROR', `cannot write ${tmp}: ${describeSystemError(err)}`, { cause: err });
    }
    const plain = `${stem}.${extension}`;
    // Why the plain name was passed over: only an existing file of someone else's is a case for overwriting.
    let reason = '';
    const placed = (target: string, n: number): WrittenOutput => {
      this.reserved.add(target);
      return n === 0 ? { path: target, renamed: false } : { path: target, renamed: true, renameReason: reason };
    };
    try {
      for (let n = 0; ; n++) {
        const name = n === 0 ? plain : `${stem}-${n}.${extension}`;
        const target = resolve(this.outDir, name);
        if (this.reserved.has(target)) {
          if (n === 0) reason = `another input of this job is written as ${displayText(plain)}`;
          continue;
        }
        if (this.inputs.has(target)) {
          if (n === 0) reason = `${displayText(plain)} is one of the inputs, which are never replaced (not even when overwriting)`;
          continue;
        }
        if (this.overwrite) {
          await rename(tmp, target);
          return placed(target, n);
        }
        if (await this.placeNoClobber(tmp, target)) return placed(target, n);
        if (n === 0) reason = `${displayText(plain)} already existed and was kept (overwriting replaces it)`;
      }
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      if (err instanceof StudioError) throw err;
      throw new StudioError('IO_ERROR', `cannot write the output for ${input} in ${this.outDir}: ${describeSystemError(err)}`, { cause: err });
    }
  }

  /**
   * Moves tmp to target only if target does not exist. A hard link fails atomically with
   * EEXIST; on file systems without hard links (FAT, some network shares) we fall back to an
   * exclusive create followed by a rename over that placeholder.
   */
  private async placeNoClobber(tmp: string, target: string): Promise<boolean> {
    if (this.onPlacing !== undefined) {
      // Announce only a name that is free now, so an existing file is never taken for ours.
      if (await pathExists(target, 'link')) return false;
      await this.onPlacing(target);
    }
    try {
      await link(tmp, target);
      await unlink(tmp);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw err;
    }
    try {
      await writeFile(target, new Uint8Array(0), { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    await rename(tmp, target);
    return true;
  }
}
