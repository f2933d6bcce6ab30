import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StudioError, describeSystemError } from '../errors.js';

/**
 * Writes a file whole or not at all: the bytes go to a hidden temporary name beside it (its
 * folder made first), which is then renamed over it, so a reader, a crash or a kill -9 never
 * leaves half a file. `what` names it in the IO_ERROR a failure throws ("the sample grid /x.png").
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array, what = path): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temp, content);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new StudioError('IO_ERROR', `Cannot write ${what}: ${describeSystemError(err)}`, { cause: err });
  }
}
