import { randomBytes } from 'node:crypto';
import { copyFile, link, lstat, mkdir, readFile, readdir, realpath, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { StudioError, describeSystemError, orSystemError } from '../errors.js';
import { BATCH_ID, checkKey, checkStem, type FarmStorage, type OnceTarget, type PlacedOutput } from './farm-storage.js';

/** The hidden folder, inside each output folder, that holds a batch's claims. */
export const CLAIMS_FOLDER = '.gan-farm';

/**
 * A folder every worker mounts (NFS, SMB with hard links, a bind mount), possibly at another
 * path on each machine: keys are relative to its root. Every path is checked after its links
 * are followed, so neither a key nor a link inside the folder reaches outside the root.
 */
export class SharedFolderStorage implements FarmStorage {
  private constructor(readonly root: string) {}

  static async open(root: string): Promise<SharedFolderStorage> {
    let real: string;
    try {
      real = await realpath(resolve(root));
      if (!(await stat(real)).isDirectory()) throw new StudioError('BAD_ARGUMENT', `the shared folder ${root} is not a folder`);
    } catch (err) {
      if (err instanceof StudioError) throw err;
      throw new StudioError('BAD_ARGUMENT', `the shared folder ${root}: ${describeSystemError(err)}`, { cause: err });
    }
    return new SharedFolderStorage(real);
  }

  get description(): string {
    return `shared folder ${this.root}`;
  }

  /** The key of a local file or folder (the client's side); refused outside the root. */
  async keyOf(path: string): Promise<string> {
    const real = await orSystemError(realpath(resolve(path)), (cause) => `${path}: ${cause}`);
    const rel = relative(this.root, real);
    if (rel === '') return '.';
    if (rel.startsWith('..') || isAbsolute(rel)) {
      throw new StudioError('BAD_ARGUMENT', `${path} is outside the shared folder ${this.root}: workers can reach only files inside it`);
    }
    return rel.split(sep).join('/');
  }

  /** The local path of a key, for messages and for the client's own reading. */
  locate(key: string): string {
    const path = resolve(this.root, checkKey(key, 'path'));
    if (path !== this.root && !path.startsWith(this.root + sep)) {
      throw new StudioError('BAD_ARGUMENT', `"${key}" is outside the shared folder ${this.root}`);
    }
    return path;
  }

  /** The real path of an existing key, refused when a link leads it outside the root. */
  private async real(key: string, what: string): Promise<string> {
    const path = this.locate(key);
    const real = await orSystemError(realpath(path), (cause) => `${path}: ${cause}`);
    if (real !== this.root && !real.startsWith(this.root + sep)) {
      throw new StudioError('BAD_ARGUMENT', `${what} ${path} leads outside the shared folder ${this.root}`);
    }
    return real;
  }

  async read(key: string): Promise<Buffer> {
    const path = await this.real(key, 'input');
    return orSystemError(readFile(path), (cause) => `cannot read ${path}: ${cause}`);
  }

  private async claimsDir(dir: string, batch: string): Promise<string> {
    if (!BATCH_ID.test(batch)) throw new StudioError('BAD_ARGUMENT', `batch id "${batch}" is not a UUID`);
    return join(await this.real(dir, 'output folder'), CLAIMS_FOLDER, batch);
  }

  /**
   * The bytes go to a temporary file, which is hard-linked as the item's claim (atomic: only
   * the first attempt's link succeeds) and then under the first free name. A later attempt
   * walks the same names and stops at the one that is the claim's own file, so every item
   * gets exactly one output even when two workers finish it at once or one dies in between.
   */
  async writeOnce(target: OnceTarget, bytes: Uint8Array): Promise<PlacedOutput> {
    const stem = checkStem(target.stem);
    if (!/^[a-z0-9]{1,8}$/.test(target.extension)) throw new StudioError('BAD_ARGUMENT', `"${target.extension}" is not an image extension`);
    if (!Number.isSafeInteger(target.item) || target.item < 0) throw new StudioError('BAD_ARGUMENT', `item ${target.item} is not an index`);
    const claims = await this.claimsDir(target.dir, target.batch);
    const outDir = join(claims, '..', '..');
    const claim = join(claims, `${target.item}.${target.extension}`);
    const tmp = join(claims, `.${target.item}.${randomBytes(6).toString('hex')}.partial`);
    let already = false;
    try {
      await mkdir(claims, { recursive: true });
      await writeFile(tmp, bytes);
      try {
        await link(tmp, claim);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        already = true;
      }
      const own = await stat(claim);
      for (let n = 0; ; n++) {
        const name = n === 0 ? `${stem}.${target.extension}` : `${stem}-${n}.${target.extension}`;
        const key = target.dir === '.' ? name : `${target.dir}/${name}`;
        try {
          await link(claim, join(outDir, name));
          return { key, renamed: n > 0, already };
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
          const there = await lstat(join(outDir, name));
          if (there.ino === own.ino && there.dev === own.dev) return { key, renamed: n > 0, already: true };
        }
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') {
        throw new StudioError('IO_ERROR', `the ${this.description} does not support hard links, which the farm needs to write each output exactly once`, { cause: err });
      }
      throw new StudioError('IO_ERROR', `cannot write the output ${stem}.${target.extension} in ${outDir}: ${describeSystemError(err)}`, { cause: err });
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  /**
   * Copies an input from outside the share into `<root>/.gan-farm/inputs/<batch>/<item>/`, so
   * workers can read it (the studio's dropped and uploaded files); returns its key.
   */
  async stageInput(path: string, batch: string, item: number): Promise<string> {
    if (!BATCH_ID.test(batch) || !Number.isSafeInteger(item) || item < 0) throw new StudioError('BAD_ARGUMENT', `cannot stage an input for batch "${batch}" item ${item}`);
    const name = basename(path);
    const key = `${CLAIMS_FOLDER}/inputs/${batch}/${item}/${name}`;
    const target = this.locate(key);
    try {
      await mkdir(dirname(target), { recursive: true });
      await copyFile(path, target);
    } catch (err) {
      throw new StudioError('IO_ERROR', `cannot copy ${path} into the ${this.description}: ${describeSystemError(err)}`, { cause: err });
    }
    return key;
  }

  /** Removes the inputs staged for a batch (copies the studio made, never the originals). */
  async forgetStaged(batch: string): Promise<void> {
    if (!BATCH_ID.test(batch)) return;
    await rm(this.locate(`${CLAIMS_FOLDER}/inputs/${batch}`), { recursive: true, force: true });
    await removeIfEmpty(this.locate(`${CLAIMS_FOLDER}/inputs`));
    await removeIfEmpty(this.locate(CLAIMS_FOLDER));
  }

  async forgetClaims(dir: string, batch: string): Promise<void> {
    const claims = await this.claimsDir(dir, batch);
    await rm(claims, { recursive: true, force: true });
    // The hidden folder goes too once no other batch writes here.
    await removeIfEmpty(join(claims, '..'));
  }
}

async function removeIfEmpty(dir: string): Promise<void> {
  if ((await readdir(dir).catch(() => ['?'])).length === 0) await rmdir(dir).catch(() => undefined);
}
