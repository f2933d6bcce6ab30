import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { crc32, inflateRawSync } from 'node:zlib';
import { StudioError, describeSystemError } from '../../errors.js';

/**
 * A minimal zip reader for pulling one member out of a downloaded archive (the StarGAN
 * releases ship `<iter>-G.ckpt` inside a zip). It reads the end-of-central-directory record,
 * the central directory and the one member's local header; only that member's compressed
 * bytes are read into memory. Stored and deflated members are supported; zip64, encrypted
 * members and other compression methods are refused with a message that says so.
 */

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** The member is inflated in memory: refuse anything absurd for a generator checkpoint. */
const MAX_MEMBER_BYTES = 2 ** 30;

export interface ZipEntryInfo {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

function bad(zipPath: string, problem: string): StudioError {
  return new StudioError('BAD_CHECKPOINT', `${zipPath}: ${problem}`);
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

/** Lists the members of a zip archive from its central directory. */
export async function listZipEntries(zipPath: string): Promise<ZipEntryInfo[]> {
  const handle = await openOrThrow(zipPath);
  try {
    return await readCentralDirectory(handle, zipPath);
  } finally {
    await handle.close();
  }
}

async function openOrThrow(zipPath: string): Promise<FileHandle> {
  try {
    return await open(zipPath, 'r');
  } catch (err) {
    throw new StudioError('IO_ERROR', `cannot read ${zipPath}: ${describeSystemError(err)}`, { cause: err });
  }
}

async function readCentralDirectory(handle: FileHandle, zipPath: string): Promise<ZipEntryInfo[]> {
  const size = (await handle.stat()).size;
  if (size < EOCD_SIZE) throw bad(zipPath, 'not a zip archive (too short)');
  const tailLength = Math.min(size, EOCD_SIZE + MAX_COMMENT);
  const tail = await readAt(handle, size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE && i + EOCD_SIZE + tail.readUInt16LE(i + 20) <= tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw bad(zipPath, 'not a zip archive (no end of central directory record)');
  if (eocd >= 20 && tail.readUInt32LE(eocd - 20) === ZIP64_LOCATOR_SIGNATURE) {
    throw bad(zipPath, 'zip64 archives are not supported');
  }
  const disk = tail.readUInt16LE(eocd + 4);
  const cdDisk = tail.readUInt16LE(eocd + 6);
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw bad(zipPath, 'zip64 archives are not supported');
  if (disk !== 0 || cdDisk !== 0) throw bad(zipPath, 'multi-part (spanned) zip archives are not supported');
  const eocdPosition = size - tailLength + eocd;
  if (cdOffset + cdSize > eocdPosition) throw bad(zipPath, 'the central directory lies outside the file (truncated archive?)');

  const cd = await readAt(handle, cdOffset, cdSize);
  const entries: ZipEntryInfo[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIGNATURE) throw bad(zipPath, 'corrupt central directory');
    const flags = cd.readUInt16LE(p + 8);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    if (p + 46 + nameLength > cd.length) throw bad(zipPath, 'corrupt central directory');
    const rawName = cd.subarray(p + 46, p + 46 + nameLength);
    entries.push({
      // Bit 11: the name is UTF-8; otherwise it is CP437, which matches for ASCII names.
      name: rawName.toString(flags & 0x800 ? 'utf8' : 'latin1'),
      method: cd.readUInt16LE(p + 10),
      flags,
      crc: cd.readUInt32LE(p + 16),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      localHeaderOffset: cd.readUInt32LE(p + 42),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The member named `member`, at the top or inside one folder level or more (`models/x`). */
function pickMember(entries: ZipEntryInfo[], member: string, zipPath: string): ZipEntryInfo {
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
  const handle = await openOrThrow(zipPath);
  let data: Buffer;
  let entry: ZipEntryInfo;
  try {
    entry = pickMember(await readCentralDirectory(handle, zipPath), member, zipPath);
    if (entry.flags & 0x1) throw bad(zipPath, `${entry.name} is encrypted; encrypted archives are not supported`);
    if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff || entry.localHeaderOffset === 0xffffffff) {
      throw bad(zipPath, `${entry.name} needs zip64, which is not supported`);
    }
    if (entry.method !== 0 && entry.method !== 8) {
      throw bad(zipPath, `${entry.name} uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
    }
    if (entry.size > MAX_MEMBER_BYTES) throw bad(zipPath, `${entry.name} is ${entry.size} bytes, larger than a generator checkpoint can be`);
    const local = await readAt(handle, entry.localHeaderOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_SIGNATURE) throw bad(zipPath, `corrupt local header for ${entry.name}`);
    const dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const compressed = await readAt(handle, dataStart, entry.compressedSize);
    if (compressed.length < entry.compressedSize) throw bad(zipPath, `${entry.name} is cut short (truncated archive?)`);
    if (entry.method === 0) {
      data = compressed;
    } else {
      try {
        // maxOutputLength: a member that inflates past its declared size is refused, not buffered.
        data = inflateRawSync(compressed, { maxOutputLength: Math.max(1, entry.size) });
      } catch (err) {
        throw bad(zipPath, `${entry.name} does not inflate (${err instanceof Error ? err.message : String(err)})`);
      }
    }
  } finally {
    await handle.close();
  }
  if (data.length !== entry.size) throw bad(zipPath, `${entry.name} holds ${data.length} bytes, the directory says ${entry.size}`);
  if (crc32(data) >>> 0 !== entry.crc >>> 0) throw bad(zipPath, `${entry.name} fails its CRC-32 check (corrupt archive)`);

  const part = `${destPath}.part`;
  try {
    const out = await open(part, 'w');
    try {
      await out.writeFile(data);
    } finally {
      await out.close();
    }
    await rename(part, destPath);
  } catch (err) {
    await rm(part, { force: true });
    const advice = (err as NodeJS.ErrnoException).code === 'ENOSPC' ? '; free some space and try again' : '';
    throw new StudioError('IO_ERROR', `cannot write ${destPath}: ${describeSystemError(err)}${advice}`, { cause: err });
  }
  return { path: destPath, bytes: data.length, name: entry.name };
}
