import { stat } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import sharp from 'sharp';
import { StudioError, describeSystemError, orSystemError } from '../../errors.js';
import { IMAGE_EXTENSIONS, listImageFiles } from '../../imaging/index.js';
import { MAX_INPUT_PIXELS, megapixels } from '../../imaging/limits.js';
import type { SkippedFile } from './train-image.js';

/** The images found under a training folder, and the files that were left out. */
export interface ScannedFolder {
  /** Absolute path of the folder. */
  dir: string;
  /** Absolute paths, in the folder's natural name order (subfolders included). */
  files: string[];
  skipped: SkippedFile[];
}

/** Fewer than this many images cannot train anything: a single image is memorised, not learnt. */
export const MIN_IMAGES = 2;

const PROBE_CONCURRENCY = 8;

/**
 * Scans folders A and B side by side. When both fail, A's error is the one reported: the
 * message a user sees must not depend on which disk answered first.
 */
export async function scanFolderPair(dirA: string, dirB: string): Promise<[ScannedFolder, ScannedFolder]> {
  const [a, b] = await Promise.allSettled([scanImageFolder(dirA, 'A'), scanImageFolder(dirB, 'B')]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return [a.value, b.value];
}

/**
 * Lists every image under `dir` (recursively, any extension the imaging module reads) and reads
 * each one's header, so files that are not images at all are left out, and listed, before
 * training starts rather than failing one by one in the middle of a run. Headers only: a
 * folder of thousands of photos is checked in seconds. Damage that only shows in the pixel
 * data (a truncated JPEG) is caught when the file is first decoded.
 */
export async function scanImageFolder(dir: string, role: string): Promise<ScannedFolder> {
  const absolute = resolve(dir);
  const info = await orSystemError(stat(absolute), (cause) => `Cannot read the ${role} folder ${dir}: ${cause}`);
  if (!info.isDirectory()) throw new StudioError('BAD_ARGUMENT', `The ${role} folder ${dir} is a file, not a folder`);

  const listed = await listImageFiles([absolute]);
  const skipped: SkippedFile[] = listed.errors.map((e) => ({ path: e.path, reason: e.message }));
  const reasons = new Array<string | null>(listed.files.length).fill(null);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < listed.files.length) {
      const i = next++;
      reasons[i] = await probeImage(listed.files[i]!);
    }
  };
  await Promise.all(Array.from({ length: PROBE_CONCURRENCY }, worker));

  const files: string[] = [];
  listed.files.forEach((file, i) => {
    const reason = reasons[i];
    if (reason === null || reason === undefined) files.push(file);
    else skipped.push({ path: file, reason });
  });
  return { dir: absolute, files, skipped };
}

/** Throws unless the folder holds at least MIN_IMAGES usable images, saying how many it found. */
export function requireImages(folder: ScannedFolder, role: string, count = folder.files.length, what = 'readable images'): void {
  if (count >= MIN_IMAGES) return;
  const found = count === 0 ? `no ${what}` : `only ${count} ${count === 1 ? what.replace(/s$/, '') : what}`;
  let message = `The ${role} folder ${folder.dir} has ${found}; training needs at least ${MIN_IMAGES}.`;
  if (folder.skipped.length > 0) {
    const first = folder.skipped[0]!;
    message += ` ${folder.skipped.length} file${folder.skipped.length === 1 ? ' was' : 's were'} skipped, for example ${first.path}: ${first.reason}.`;
  } else if (folder.files.length === 0) {
    message += ` Images are files ending in ${IMAGE_EXTENSIONS.map((e) => '.' + e).join(', ')}, in the folder or its subfolders.`;
  }
  throw new StudioError('BAD_ARGUMENT', message);
}

/** The path relative to the folder without its extension, with '/' separators: the pairing key. */
export function pairingKey(dir: string, file: string): string {
  return withoutExtension(relative(dir, file).split(sep).join('/'));
}

/** A '/'-separated name without its extension (a leading dot, as in `.hidden`, is not one). */
export function withoutExtension(name: string): string {
  const slash = name.lastIndexOf('/');
  const dot = name.lastIndexOf('.');
  return dot > slash + 1 ? name.slice(0, dot) : name;
}

/** Null when the header reads as an image the engine can decode, else the reason it cannot. */
async function probeImage(path: string): Promise<string | null> {
  try {
    const info = await stat(path);
    if (info.size === 0) return 'empty file (0 bytes)';
  } catch (err) {
    return `cannot read the file: ${describeSystemError(err)}`;
  }
  try {
    const header = await sharp(path, { limitInputPixels: false }).metadata();
    const pixels = (header.width ?? 0) * (header.height ?? 0);
    if (!(pixels > 0)) return 'the image has no pixels (zero width or height)';
    if (pixels > MAX_INPUT_PIXELS) {
      return `too large: ${header.width} x ${header.height} is over the ${megapixels(MAX_INPUT_PIXELS)}-megapixel limit`;
    }
    return null;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/unsupported image format/i.test(message)) return 'not an image: the contents are not in any supported image format';
    if (/permission|EACCES|EPERM/i.test(message)) return 'cannot read the file: permission denied';
    return `corrupt image header (${message})`;
  }
}
