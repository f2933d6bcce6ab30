import { lstat, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { StudioError } from '../errors.js';

/**
 * The one place a path that came from a client (a page, a URL, a socket message) is turned
 * into a host path, and the one place the studio deletes a folder. Every check is made after
 * normalisation ("a/../.." is seen as what it is), and, where the path exists, after its links
 * are followed, so neither `..` segments nor symbolic links lead out of the root.
 */

/** Whether `path` is `root` itself or lies below it, compared after both are normalised. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Whether `path` lies strictly below `root` (not the root itself). */
export function isBelow(root: string, path: string): boolean {
  return isInside(root, path) && resolve(root) !== resolve(path);
}

/**
 * A path relative to `root` as a URL gave it (`/a/b.js`), or undefined when it is not one: a
 * NUL, a backslash, or a `..` that would climb out. Lexical only: the static routes serve files
 * the studio ships, which hold no links.
 */
export function childPath(root: string, relativePath: string): string | undefined {
  if (relativePath.includes('\0') || relativePath.includes('\\')) return undefined;
  const parts = relativePath.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  const path = join(root, ...parts);
  return isBelow(root, path) ? path : undefined;
}

/** The real path of `path`, or of its deepest existing ancestor with the rest appended (an output folder not made yet). */
async function realOrPlanned(path: string): Promise<string> {
  const rest: string[] = [];
  let at = resolve(path);
  for (;;) {
    try {
      return join(await realpath(at), ...rest.reverse());
    } catch {
      const parent = dirname(at);
      if (parent === at) return resolve(path);
      rest.push(basename(at));
      at = parent;
    }
  }
}

/**
 * `path` (absolute, or relative to the first root) as a host path, refused unless it lies in
 * one of `roots` once normalised and once its links are followed. `what` names the path in the
 * refusal ("Folder A"); the refusal never names the roots, which may be private (upload folders).
 */
export async function confinedPath(roots: readonly string[], path: string, what: string, rootsInWords: string): Promise<string> {
  const [first] = roots;
  if (first === undefined || path.includes('\0')) throw new StudioError('BAD_ARGUMENT', `${what} is not a path the studio may use`);
  const asked = resolve(first, path);
  const real = await realOrPlanned(asked);
  for (const root of roots) {
    const realRoot = await realOrPlanned(root);
    if (isInside(root, asked) && isInside(realRoot, real)) return asked;
  }
  throw new StudioError('BAD_ARGUMENT', `${what} must be ${rootsInWords}`);
}

/** The file that records that the studio made a folder; nothing without it is ever deleted. */
export const STUDIO_MADE_FILE = '.gan-studio-made';

/** What kind of folder the studio made: a delete names the kind it expects. */
export type StudioMadeKind = 'model' | 'dataset-copy';

/** Records, inside a folder the studio has just made, that the studio made it and as what. */
export async function markStudioMade(dir: string, kind: StudioMadeKind): Promise<void> {
  await writeFile(join(dir, STUDIO_MADE_FILE), `${JSON.stringify({ kind, createdAt: new Date().toISOString() })}\n`);
}

/** Whether `dir` holds the record of being made by the studio as `kind`. */
export async function isStudioMade(dir: string, kind: StudioMadeKind): Promise<boolean> {
  try {
    return (JSON.parse(await readFile(join(dir, STUDIO_MADE_FILE), 'utf8')) as { kind?: unknown }).kind === kind;
  } catch {
    return false;
  }
}

/**
 * Deletes a folder the studio made: only a real folder (not a link) directly inside `root`
 * whose record says the studio made it as `kind`. It is renamed aside first, so a half-deleted
 * folder never lists as what it was.
 */
export async function removeStudioMade(dir: string, root: string, kind: StudioMadeKind, label: string): Promise<void> {
  const path = resolve(dir);
  if (dirname(path) !== resolve(root)) throw new StudioError('BAD_ARGUMENT', `${label} is not one of the studio's ${kind} folders`);
  const info = await lstat(path).catch(() => null);
  if (info === null || !info.isDirectory()) throw new StudioError('BAD_ARGUMENT', `${label} is not one of the studio's ${kind} folders`);
  if (!(await isStudioMade(path, kind))) {
    throw new StudioError('BAD_ARGUMENT', `${label} was not made by GAN Studio (it has no ${STUDIO_MADE_FILE} record), so the studio does not delete it; remove ${path} yourself if you mean to`);
  }
  const trash = join(root, `.deleting-${basename(path)}-${randomBytes(4).toString('hex')}`);
  await rename(path, trash);
  await rm(trash, { recursive: true, force: true });
}
