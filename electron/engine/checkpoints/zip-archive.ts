import { inflateRawSync } from 'node:zlib';
import { bad, shown, truncated } from './problems.js';

/**
 * A zip archive, read lazily: the central directory is parsed up front, but a member is read
 * and inflated only when asked for, and all inflation together stays within a budget fixed
 * from the archive's size. A PyTorch checkpoint's container is held in memory (data.pkl, then
 * the storages of the tensors it keeps: unused members, optimizer state or a zip bomb, are never
 * inflated); a downloaded release's archive is read from its file (the directory and one member).
 */

export interface ZipEntry {
  name: string;
  /** 0 (stored) or 8 (deflate); anything else is refused when the entry is read. */
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  localHeaderOffset: number;
  encrypted: boolean;
}

/** An archive's bytes by position: a view of a file held in memory, or reads from an open file. */
export interface ZipSource {
  readonly length: number;
  /** The bytes from `at` on, `length` of them or fewer at the end of the file. */
  read(at: number, length: number): Uint8Array;
}

/**
 * Inflated bytes one checkpoint may produce in all: four times the file plus 64 MiB. Real
 * weights barely compress (about 1.1:1; PyTorch stores them uncompressed), so a legitimate
 * file never comes near; a bomb is refused before a byte of it is inflated.
 */
export function inflateBudgetFor(fileBytes: number): number {
  return 4 * fileBytes + 64 * 2 ** 20;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const ZIP64_EXTRA = 0x0001;

export class ZipArchive {
  readonly entries: ZipEntry[];
  private readonly byName = new Map<string, ZipEntry>();
  private readonly source: ZipSource;
  private budget: number;

  constructor(archive: Uint8Array | ZipSource) {
    this.source = archive instanceof Uint8Array ? { length: archive.length, read: (at, length) => archive.subarray(at, at + length) } : archive;
    this.budget = inflateBudgetFor(this.source.length);
    this.entries = readDirectory(this.source);
    for (const e of this.entries) if (!this.byName.has(e.name)) this.byName.set(e.name, e);
  }

  get(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  /** The entry's contents: its bytes when stored, inflated within the budget when deflated. */
  read(entry: ZipEntry): Uint8Array {
    const name = shown(entry.name);
    const length = this.source.length;
    if (entry.encrypted) bad(`zip entry ${name} is encrypted; encrypted archives are not supported`);
    const start = this.dataStart(entry);
    if (start + entry.compressedSize > length) truncated(`zip entry ${name} ends after the end of the file`);
    const raw = this.source.read(start, entry.compressedSize);
    if (entry.method === 0) {
      if (entry.size !== entry.compressedSize) bad(`stored zip entry ${name} has inconsistent sizes`);
      return raw;
    }
    if (entry.method !== 8) bad(`zip entry ${name} uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
    // Deflate expands at most 1032:1; anything beyond is a damaged size field.
    if (entry.size > entry.compressedSize * 1032 + 1024) bad(`zip entry ${name} claims an impossible uncompressed size`);
    if (entry.size > this.budget) {
      bad(
        `zip entry ${name} would inflate to ${megabytes(entry.size)}, past what a ${megabytes(length)} checkpoint may ` +
          `inflate to (${megabytes(inflateBudgetFor(length))} in all); the archive looks like a zip bomb`,
      );
    }
    let out: Buffer;
    try {
      // maxOutputLength stops zlib as soon as the output passes the declared size.
      out = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size), chunkSize: 64 * 1024 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') bad(`zip entry ${name} inflates to more than the ${entry.size} bytes it declares`);
      return bad(`zip entry ${name} does not inflate (${err instanceof Error ? err.message : String(err)})`);
    }
    if (out.length !== entry.size) bad(`zip entry ${name} inflates to ${out.length} bytes, not the ${entry.size} it declares`);
    this.budget -= out.length;
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }

  /** Where an entry's data begins: after its local header, whose extra field may differ from the directory's. */
  private dataStart(entry: ZipEntry): number {
    const at = entry.localHeaderOffset;
    if (at + 30 > this.source.length) truncated(`zip entry ${shown(entry.name)} starts after the end of the file`);
    const local = fields(this.source.read(at, 30));
    if (local.u32(0) !== LOCAL_SIGNATURE) bad(`damaged zip archive (no local header for ${shown(entry.name)})`);
    return at + 30 + local.u16(26) + local.u16(28);
  }
}

/** Little-endian fields of a piece of the archive, by offset within it. */
function fields(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    u16: (at: number): number => view.getUint16(at, true),
    u32: (at: number): number => view.getUint32(at, true),
    u64(at: number, what: string): number {
      const value = view.getBigUint64(at, true);
      if (value > BigInt(Number.MAX_SAFE_INTEGER)) bad(`the zip archive's ${what} is absurdly large`);
      return Number(value);
    },
  };
}

/** The end-of-central-directory record, within the last 64 KiB + 22 bytes (the longest comment), as readers look for it. */
function endOfDirectory(source: ZipSource): { position: number; record: ReturnType<typeof fields> } {
  const tailStart = Math.max(0, source.length - 22 - 0xffff);
  const tail = source.read(tailStart, source.length - tailStart);
  const t = fields(tail);
  for (let e = tail.length - 22; e >= 0; e--) {
    if (t.u32(e) === EOCD_SIGNATURE && e + 22 + t.u16(e + 20) <= tail.length) return { position: tailStart + e, record: fields(tail.subarray(e, e + 22)) };
  }
  // A file that starts as a zip was cut short; anything else is not one.
  const head = source.read(0, 4);
  if (head.length === 4 && fields(head).u32(0) === LOCAL_SIGNATURE) truncated('the zip archive ends before its central directory (the file is cut short)');
  return bad('not a zip archive (no end of central directory record)');
}

function readDirectory(source: ZipSource): ZipEntry[] {
  const { position: eocd, record: r } = endOfDirectory(source);
  if (r.u16(4) !== 0 || r.u16(6) !== 0) bad('multi-part (spanned) zip archives are not supported');
  let count = r.u16(10);
  let size = r.u32(12);
  let offset = r.u32(16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = fields(source.read(Math.max(0, eocd - 20), 20));
    if (eocd < 20 || locator.u32(0) !== ZIP64_LOCATOR_SIGNATURE) bad('the zip archive lacks its zip64 directory locator');
    const at = locator.u64(8, 'zip64 directory offset');
    if (at + 56 > source.length) bad('the zip archive has a damaged zip64 directory record');
    const zip64 = fields(source.read(at, 56));
    if (zip64.u32(0) !== ZIP64_EOCD_SIGNATURE) bad('the zip archive has a damaged zip64 directory record');
    count = zip64.u64(32, 'entry count');
    size = zip64.u64(40, 'directory size');
    offset = zip64.u64(48, 'directory offset');
  }
  if (offset + size > eocd) truncated('the zip directory lies past the end of the file');
  // A central directory record is at least 46 bytes.
  if (count * 46 > size) bad('the zip directory lists more entries than it can hold');
  const directory = source.read(offset, size);
  const d = fields(directory);
  const entries: ZipEntry[] = [];
  for (let i = 0, at = 0; i < count; i++) {
    if (at + 46 > size || d.u32(at) !== CENTRAL_SIGNATURE) bad(`damaged zip archive (central directory record ${i + 1} is not where the directory says)`);
    let compressedSize = d.u32(at + 20);
    let entrySize = d.u32(at + 24);
    const nameLength = d.u16(at + 28);
    const extraLength = d.u16(at + 30);
    const commentLength = d.u16(at + 32);
    let localHeaderOffset = d.u32(at + 42);
    const nameEnd = at + 46 + nameLength;
    if (nameEnd + extraLength + commentLength > size) bad(`damaged zip archive (central directory record ${i + 1} runs past the directory)`);
    const name = new TextDecoder().decode(directory.subarray(at + 46, nameEnd));
    // Zip64 sizes and offsets, in this order, for each field saturated in the record.
    for (let x = nameEnd; x + 4 <= nameEnd + extraLength; ) {
      const length = d.u16(x + 2);
      if (d.u16(x) === ZIP64_EXTRA) {
        let f = x + 4;
        const next = (what: string): number => {
          if (f + 8 > x + 4 + length) bad(`zip entry ${shown(name)} has a short zip64 field`);
          f += 8;
          return d.u64(f - 8, what);
        };
        if (entrySize === 0xffffffff) entrySize = next('entry size');
        if (compressedSize === 0xffffffff) compressedSize = next('entry size');
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next('entry offset');
      }
      x += 4 + length;
    }
    if (compressedSize > source.length) bad(`zip entry ${shown(name)} claims to be larger than the file`);
    entries.push({ name, method: d.u16(at + 10), compressedSize, size: entrySize, crc: d.u32(at + 16), localHeaderOffset, encrypted: (d.u16(at + 8) & 1) !== 0 });
    at = nameEnd + extraLength + commentLength;
  }
  return entries;
}

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MB`;
}
