import { readSync } from 'node:fs';
import { open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { asStudioError, ZipArchive, type ZipEntry, type ZipSource } from '../../checkpoints/index.js';
import { StudioError, describeSystemError, orSystemError } from '../../errors.js';

/**
 * One member pulled out of a downloaded archive (the StarGAN releases ship `<iter>-G.ckpt`
 * inside a zip), read with the checkpoints' zip reader straight from the file: only the
 * central directory and that member's bytes are read into memory, and its CRC-32 is checked.
 */

/** The member is inflated in memory: refuse anything absurd for a generator checkpoint. */
const MAX_MEMBER_BYTES = 2 ** 30;

function bad(zipPath: string, problem: string): StudioError {
  return new StudioError('BAD_CHECKPOINT', `${zipPath}: ${problem}`);
}

/** Reads of the open file, as the zip reader asks for them. */
function fileSource(handle: FileHandle, length: number, zipPath: string): ZipSource {
  return {
    length,
    read(at, count) {
      const buffer = Buffer.alloc(Math.max(0, Math.min(count, length - at)));
      try {
        for (let done = 0, got = 1; done < buffer.length && got > 0; done += got) got = readSync(handle.fd, buffer, done, buffer.length - done, at + done);
      } catch (err) {
        throw new StudioError('IO_ERROR', `cannot read ${zipPath}: ${describeSystemError(err)}`, { cause: err });
      }
      return buffer;
    },
  };
}

/** `work` on the archive at `zipPath`; a damaged or unsupported archive is a BAD_CHECKPOINT naming the file. */
async function withArchive<T>(zipPath: string, work: (archive: ZipArchive) => T): Promise<T> {
  const handle = await orSystemError(open(zipPath, 'r'), (cause) => `cannot read ${zipPath}: ${cause}`);
  try {
    return work(new ZipArchive(fileSource(handle, (await handle.stat()).size, zipPath)));
  } catch (err) {
    throw asStudioError(err, zipPath);
  } finally {
    await handle.close();
  }
}

/** Lists the members of a zip archive from its central directory. */
export function listZipEntries(zipPath: string): Promise<ZipEntry[]> {
  return withArchive(zipPath, (archive) => archive.entries);
}

/** The member named `member`, at the top or inside one folder level or more (`models/x`). */
function pickMember(entries: ZipEntry[], member: string, zipPath: string): ZipEntry {
  const exact = entries.filter((e) => e.name === member);
  const nested = entries.filter((e) => e.name.endsWith(`/${member}`));
  const found = exact.length > 0 ? exact : nested;
  const [first] = found;
  if (found.length === 1 && first !== undefined) return first;
  if (found.length > 1) throw bad(zipPath, `several members are named ${member}: ${found.map((e) => e.name).join(', ')}`);
  const names = entries.filter((e) => !e.name.endsWith('/')).map((e) => e.name);
  const listed = names.slice(0, 12).join(', ') + (names.length > 12 ? `, ... (${names.length} in all)` : '');
  throw bad(zipPath, `the archive has no member ${member} (it holds ${listed === '' ? 'nothing' : listed})`);
}

/**
 * Extracts one member of the zip archive at `zipPath` to `destPath` (through
 * `destPath + '.part'`, renamed once complete and its CRC-32 checked).
 */
export async function extractZipMember(zipPath: string, member: string, destPath: string): Promise<{ path: string; bytes: number; name: string }> {
  const { entry, data } = await withArchive(zipPath, (archive) => {
    const entry = pickMember(archive.entries, member, zipPath);
    if (entry.size > MAX_MEMBER_BYTES) throw bad(zipPath, `${entry.name} is ${entry.size} bytes, larger than a generator checkpoint can be`);
    return { entry, data: archive.read(entry) };
  });
  if (crc32(data) >>> 0 !== entry.crc >>> 0) throw bad(zipPath, `${entry.name} fails its CRC-32 check (corrupt archive)`);
  const part = `${destPath}.part`;
  try {
    await writeFile(part, data);
    await rename(part, destPath);
  } catch (err) {
    await rm(part, { force: true });
    const advice = (err as NodeJS.ErrnoException).code === 'ENOSPC' ? '; free some space and try again' : '';
    throw new StudioError('IO_ERROR', `cannot write ${destPath}: ${describeSystemError(err)}${advice}`, { cause: err });
  }
  return { path: destPath, bytes: data.length, name: entry.name };
}
