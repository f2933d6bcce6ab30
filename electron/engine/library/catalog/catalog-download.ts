import { rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { StudioError } from '../../errors.js';
import { downloadFile, type DownloadOptions, type DownloadProgress } from './downloader.js';
import { plausibleSize, type CatalogEntry } from './official-models.js';
import { extractZipMember } from './zip-member.js';

export type CatalogDownloadStage = 'download' | 'extract' | 'install';

export interface CatalogDownloadOptions<T> {
  /** Folder for downloads in progress and checkpoints waiting to be installed. */
  cacheDir: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Told when each stage starts (the download stage is skipped when the cache has the file). */
  onStage?: (stage: CatalogDownloadStage) => void;
  /**
   * Converts the checkpoint into the library. It must leave nothing in the library when it
   * throws; the checkpoint itself stays in the cache so a retry does not download it again.
   */
  install: (checkpointPath: string, entry: CatalogEntry) => Promise<T>;
  /** Passed to downloadFile (tests use them; the defaults suit real downloads). */
  download?: Pick<DownloadOptions, 'maxRetries' | 'retryDelayMs' | 'idleTimeoutMs' | 'fetchImpl'>;
}

/** Where the checkpoint of `entry` waits in the cache between download and install. */
export function cachedCheckpointPath(cacheDir: string, entry: CatalogEntry): string {
  const source = entry.archiveMember ?? new URL(entry.url).pathname;
  const extension = extname(source) === '' ? '.pth' : extname(source);
  return join(cacheDir, `${entry.name}${extension}`);
}

async function fileSize(path: string): Promise<number | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}

/** Puts the catalog name in front of an error's message, keeping its code. */
function naming(entry: CatalogEntry, err: unknown, doing: string): StudioError {
  if (err instanceof StudioError) {
    if (err.message.startsWith(`${entry.name}: `)) return err;
    return new StudioError(err.code, `${entry.name}: ${err.message}`, { ...(err.detail === undefined ? {} : { detail: err.detail }), cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new StudioError('INTERNAL', `${entry.name}: ${doing} failed: ${message}`, { cause: err });
}

/**
 * Downloads a catalog model into `cacheDir` (extracting `archiveMember` when the URL is a zip
 * archive), checks the checkpoint's size against the catalog, hands it to `install`, and
 * deletes it once `install` has succeeded. A checkpoint already complete in the cache (a
 * previous install failed) is used without downloading again; an interrupted download resumes.
 * Errors carry the catalog name in their message; cancelling throws CANCELLED.
 */
export async function downloadCatalogModel<T>(entry: CatalogEntry, options: CatalogDownloadOptions<T>): Promise<T> {
  const bounds = plausibleSize(entry);
  const checkpoint = cachedCheckpointPath(options.cacheDir, entry);
  const common: DownloadOptions = {
    ...options.download,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  };
  const fits = (bytes: number | null): boolean => bytes !== null && bytes >= bounds.min && bytes <= bounds.max;

  if (!fits(await fileSize(checkpoint))) {
    await rm(checkpoint, { force: true });
    try {
      if (entry.archiveMember === undefined) {
        options.onStage?.('download');
        await downloadFile(entry.url, checkpoint, { ...common, expectedBytes: bounds });
      } else {
        // The archive's own size is not checked: it also holds files we do not use (the
        // StarGAN discriminator); the extracted generator is checked instead.
        const archive = join(options.cacheDir, `${entry.name}.zip`);
        options.onStage?.('download');
        await downloadFile(entry.url, archive, common);
        options.onStage?.('extract');
        try {
          const { bytes } = await extractZipMember(archive, entry.archiveMember, checkpoint);
          if (!fits(bytes)) {
            await rm(checkpoint, { force: true });
            throw new StudioError(
              'IO_ERROR',
              `${entry.archiveMember} in ${entry.url} has ${bytes} bytes, expected between ${bounds.min} and ${bounds.max}`,
            );
          }
        } finally {
          // Done with, or not the archive we want: either way a retry downloads it afresh.
          await rm(archive, { force: true });
        }
      }
    } catch (err) {
      throw naming(entry, err, 'downloading');
    }
  }

  options.onStage?.('install');
  let result: T;
  try {
    result = await options.install(checkpoint, entry);
  } catch (err) {
    throw naming(entry, err, 'installing');
  }
  await rm(checkpoint, { force: true });
  return result;
}
