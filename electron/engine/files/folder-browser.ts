import { readdir, realpath, stat } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { FolderListing, FolderRoot } from '../../contract/ipc.js';
import { StudioError, orSystemError } from '../errors.js';
import { isInside } from './confined-path.js';
import { isImagePath } from '../imaging/index.js';

/** A folder shows at most this many entries (folders first); the rest are counted, not listed. */
const MAX_ENTRIES = 2000;

/**
 * Where browser mode's folder browser may look: the user's home and the volumes mounted for
 * them (Linux /media/<user>, /run/media/<user> and /mnt; macOS /Volumes; Windows drives).
 * Nothing else of the machine is listed, whatever path the page sends.
 */
export async function browseRoots(env: { home?: string; platform?: NodeJS.Platform } = {}): Promise<FolderRoot[]> {
  const platform = env.platform ?? process.platform;
  const home = env.home ?? homedir();
  const roots: FolderRoot[] = [{ label: 'Home', path: home }];
  const under = async (dir: string): Promise<void> => {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const path = join(dir, name);
      if (!name.startsWith('.') && (await stat(path).then((s) => s.isDirectory()).catch(() => false))) roots.push({ label: name, path });
    }
  };
  if (platform === 'darwin') await under('/Volumes');
  else if (platform === 'win32') {
    for (const letter of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
      const drive = `${letter}:\\`;
      if (await stat(drive).then(() => true).catch(() => false)) roots.push({ label: `${letter}:`, path: drive });
    }
  } else {
    const user = safeUser();
    if (user !== undefined) {
      await under(join('/media', user));
      await under(join('/run/media', user));
    }
    await under('/mnt');
  }
  return roots;
}

function safeUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

const inside = (path: string, root: string): boolean => isInside(root, path);

/**
 * The folders and images in `path` (default: the home folder), for picking a folder. The path
 * is resolved, its links followed, and refused unless it lies inside one of the roots.
 */
export async function listFolder(path: string | undefined, roots: FolderRoot[]): Promise<FolderListing> {
  const asked = resolve(path ?? roots[0]?.path ?? homedir());
  const real = await orSystemError(realpath(asked), (cause) => `Cannot open ${asked}: ${cause}`);
  const realRoots = await Promise.all(roots.map(async (r) => ({ ...r, real: await realpath(r.path).catch(() => resolve(r.path)) })));
  const root = realRoots.find((r) => inside(real, r.real));
  if (root === undefined) throw new StudioError('BAD_ARGUMENT', `${asked} is outside the folders the studio may browse (your home folder and mounted volumes)`);
  const dirents = await orSystemError(readdir(real, { withFileTypes: true }), (cause) => `Cannot open ${asked}: ${cause}`);
  const folders: FolderListing['entries'] = [];
  const images: FolderListing['entries'] = [];
  for (const dirent of dirents.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))) {
    const { name } = dirent;
    if (name.startsWith('.')) continue;
    const full = join(real, name);
    // A link that leads outside the browsable folders is left out: it could not be opened.
    if (dirent.isSymbolicLink()) {
      const target = await realpath(full).catch(() => null);
      if (target === null || !realRoots.some((r) => inside(target, r.real))) continue;
    }
    const info = await stat(full).catch(() => null);
    if (info?.isDirectory() === true) folders.push({ name, path: full, kind: 'folder' });
    else if (info?.isFile() === true && isImagePath(name)) images.push({ name, path: full, kind: 'image' });
  }
  const entries = [...folders, ...images];
  return {
    path: real,
    name: real === root.real ? root.label : basename(real),
    parent: real === root.real ? null : dirname(real),
    roots: roots.map(({ label, path: p }) => ({ label, path: p })),
    entries: entries.slice(0, MAX_ENTRIES),
    more: Math.max(0, entries.length - MAX_ENTRIES),
    separator: sep,
  };
}
