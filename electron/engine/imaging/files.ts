import { readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { displayText } from '../display-text.js';
import { describeSystemError } from '../errors.js';

/** Extensions picked up when scanning folders (matched case-insensitively). */
export const IMAGE_EXTENSIONS: readonly string[] = ['jpg', 'jpeg', 'png', 'webp', 'tiff', 'tif', 'avif', 'heic', 'heif', 'gif'];

const IMAGE_EXTENSION_SET = new Set(IMAGE_EXTENSIONS);

export interface ListedImages {
  /** Absolute paths, in input order, each folder's contents in name order, without duplicates. */
  files: string[];
  /** Inputs (or folders inside them) that could not be read; `message` names the path and cause. */
  errors: { path: string; message: string }[];
}

/** True when the path's extension is one the studio reads. */
export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSION_SET.has(extname(path).slice(1).toLowerCase());
}

// Numeric-aware so frame_2 sorts before frame_10, with a fixed locale and a code-unit
// tie-break so the order is the same on every machine.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });
function byName(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Expands files and folders into the list of images to process.
 *
 * Folders are walked recursively in name order, taking files with an image extension and
 * skipping hidden entries (names starting with '.') and the `skipFolders` (a job's own output
 * folder inside an input folder, so running the job again never translates its outputs). A file named explicitly is kept whatever
 * its extension, so that it fails later with its real cause rather than vanishing silently.
 * Missing or unreadable paths become entries in `errors` and the rest are still listed.
 */
export async function listImageFiles(inputs: readonly string[], options: { skipFolders?: readonly string[] } = {}): Promise<ListedImages> {
  const files: string[] = [];
  const errors: ListedImages['errors'] = [];
  const seenFiles = new Set<string>();
  // Real paths of folders already walked: stops symlink loops and double walks of one folder.
  // The folders to skip start out as seen (those that do not exist yet have nothing to skip).
  const seenFolders = new Set<string>();
  for (const folder of options.skipFolders ?? []) {
    const real = await realpath(folder).catch(() => null);
    if (real !== null) seenFolders.add(real);
  }

  const addFile = (path: string): void => {
    if (seenFiles.has(path)) return;
    seenFiles.add(path);
    files.push(path);
  };

  const walk = async (folder: string): Promise<void> => {
    let names: string[];
    try {
      const real = await realpath(folder);
      if (seenFolders.has(real)) return;
      seenFolders.add(real);
      names = await readdir(folder);
    } catch (err) {
      errors.push({ path: folder, message: `Cannot read folder ${displayText(folder)}: ${describeSystemError(err)}` });
      return;
    }
    for (const name of names.sort(byName)) {
      if (name.startsWith('.')) continue;
      const path = join(folder, name);
      // stat, not the dirent type, so symlinked files and folders are followed like real ones.
      const info = await stat(path).catch(() => null);
      if (info === null) continue; // a dangling link inside a folder is not something the user asked for
      if (info.isDirectory()) await walk(path);
      else if (info.isFile() && isImagePath(name)) addFile(path);
    }
  };

  for (const input of inputs) {
    const path = resolve(input);
    let info: Stats;
    try {
      info = await stat(path);
    } catch (err) {
      errors.push({ path: input, message: `Cannot read ${displayText(input)}: ${describeSystemError(err)}` });
      continue;
    }
    if (info.isDirectory()) await walk(path);
    else if (info.isFile()) addFile(path);
    else errors.push({ path: input, message: `Cannot read ${displayText(input)}: not a regular file or folder` });
  }
  return { files, errors };
}
