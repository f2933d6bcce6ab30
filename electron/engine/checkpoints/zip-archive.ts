import { inflateRawSync } from 'node:zlib';
import { bad, shown, truncated } from './problems.js';

/**
 * The zip container of a PyTorch checkpoint, read lazily: the central directory is parsed up
 * front, but a member is inflated only when the reader asks for it (data.pkl, then the
 * storages of the tensors it keeps), and all inflation together stays within a budget fixed
 * from the file's size. Unused members (optimizer state, or a zip bomb) are never inflated.
 */

export interface ZipEntry {
  name: string;
  /** 0 (stored) or 8 (deflate); anything else is refused when the entry is read. */
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  encrypted: boolean;
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
  private readonly view: DataView;
  private budget: number;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.budget = inflateBudgetFor(bytes.byteLength);
    this.entries = this.readDirectory();
    for (const e of this.entries) if (!this.byName.has(e.name)) this.byName.set(e.name, e);
  }

  get(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  /** The entry's contents: a view of the file when stored, inflated within the budget when deflated. */
  read(entry: ZipEntry): Uint8Array {
    const name = shown(entry.name);
    if (entry.encrypted) bad(`zip entry ${name} is encrypted`);
    const start = this.dataStart(entry);
    if (start + entry.compressedSize > this.bytes.length) truncated(`zip entry ${name} ends after the end of the file`);
    const raw = this.bytes.subarray(start, start + entry.compressedSize);
    if (entry.method === 0) {
      if (entry.size !== entry.compressedSize) bad(`stored zip entry ${name} has inconsistent sizes`);
      return raw;
    }
    if (entry.method !== 8) bad(`zip entry ${name} uses compression method ${entry.method}, which PyTorch never writes`);
    // Deflate expands at most 1032:1; anything beyond is a damaged size field.
    if (entry.size > entry.compressedSize * 1032 + 1024) bad(`zip entry ${name} claims an impossible uncompressed size`);
    if (entry.size > this.budget) {
      bad(
        `zip entry ${name} would inflate to ${megabytes(entry.size)}, past what a ${megabytes(this.bytes.length)} checkpoint may ` +
          `inflate to (${megabytes(inflateBudgetFor(this.bytes.length))} in all); the archive looks like a zip bomb`,
      );
    }
    let out: Buffer;
    try {
      // maxOutputLength stops zlib as soon as the output passes the declared size.
      out = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size), chunkSize: 64 * 1024 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') bad(`zip entry ${name} inflates to more than the ${entry.size} bytes it declares`);
      const message = err instanceof Error ? err.message : String(err);
      return bad(`zip entry ${name} cannot be inflated (${message})`);
    }
    if (out.length !== entry.size) bad(`zip entry ${name} inflates to ${out.length} bytes, not the ${entry.size} it declares`);
    this.budget -= out.length;
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }

  private u16(at: number): number {
    return this.view.getUint16(at, true);
  }

  private u32(at: number): number {
    return this.view.getUint32(at, true);
  }

  private u64(at: number, what: string): number {
    const value = this.view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) bad(`the zip archive's ${what} is absurdly large`);
    return Number(value);
  }

  private findEndOfCentralDirectory(): number {
    // Within the last 64 KiB + 22 bytes (the longest comment), as readers look for it.
    const stop = Math.max(0, this.bytes.length - 65557);
    for (let e = this.bytes.length - 22; e >= stop; e--) if (this.u32(e) === EOCD_SIGNATURE) return e;
    return truncated('the zip archive ends before its central directory (the file is cut short)');
  }

  private readDirectory(): ZipEntry[] {
    if (this.bytes.length < 22) truncated('the zip archive ends before its central directory (the file is cut short)');
    const eocd = this.findEndOfCentralDirectory();
    let count = this.u16(eocd + 10);
    let size = this.u32(eocd + 12);
    let offset = this.u32(eocd + 16);
    if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
      const locator = eocd - 20;
      if (locator < 0 || this.u32(locator) !== ZIP64_LOCATOR_SIGNATURE) bad('the zip archive lacks its zip64 directory locator');
      const record = this.u64(locator + 8, 'zip64 directory offset');
      if (record + 56 > this.bytes.length || this.u32(record) !== ZIP64_EOCD_SIGNATURE) bad('the zip archive has a damaged zip64 directory record');
      count = this.u64(record + 32, 'entry count');
      size = this.u64(record + 40, 'directory size');
      offset = this.u64(record + 48, 'directory offset');
    }
    if (offset + size > this.bytes.length) truncated('the zip directory lies past the end of the file');
    // A central directory record is at least 46 bytes.
    if (count * 46 > size) bad('the zip directory lists more entries than it can hold');
    const entries: ZipEntry[] = [];
    let at = offset;
    const end = offset + size;
    for (let i = 0; i < count; i++) {
      if (at + 46 > end || this.u32(at) !== CENTRAL_SIGNATURE) bad(`damaged zip archive (central directory record ${i + 1} is not where the directory says)`);
      const flags = this.u16(at + 8);
      const method = this.u16(at + 10);
      let compressedSize = this.u32(at + 20);
      let entrySize = this.u32(at + 24);
      const nameLength = this.u16(at + 28);
      const extraLength = this.u16(at + 30);
      const commentLength = this.u16(at + 32);
      let localHeaderOffset = this.u32(at + 42);
      const nameEnd = at + 46 + nameLength;
      if (nameEnd + extraLength + commentLength > end) bad(`damaged zip archive (central directory record ${i + 1} runs past the directory)`);
      const name = new TextDecoder().decode(this.bytes.subarray(at + 46, nameEnd));
      // Zip64 sizes and offsets, in this order, for each field saturated in the record.
      for (let x = nameEnd; x + 4 <= nameEnd + extraLength; ) {
        const id = this.u16(x);
        const length = this.u16(x + 2);
        if (id === ZIP64_EXTRA) {
          let f = x + 4;
          const next = (what: string): number => {
            if (f + 8 > x + 4 + length) bad(`zip entry ${shown(name)} has a short zip64 field`);
            const v = this.u64(f, what);
            f += 8;
            return v;
          };
          if (entrySize === 0xffffffff) entrySize = next('entry size');
          if (compressedSize === 0xffffffff) compressedSize = next('entry size');
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = next('entry offset');
        }
        x += 4 + length;
      }
      if (compressedSize > this.bytes.length) bad(`zip entry ${shown(name)} claims to be larger than the file`);
      entries.push({ name, method, compressedSize, size: entrySize, localHeaderOffset, encrypted: (flags & 1) !== 0 });
      at = nameEnd + extraLength + commentLength;
    }
    return entries;
  }

  /** Where an entry's data begins: after its local header, whose extra field may differ from the directory's. */
  private dataStart(entry: ZipEntry): number {
    const at = entry.localHeaderOffset;
    if (at + 30 > this.bytes.length) truncated(`zip entry ${shown(entry.name)} starts after the end of the file`);
    if (this.u32(at) !== LOCAL_SIGNATURE) bad(`damaged zip archive (no local header for ${shown(entry.name)})`);
    return at + 30 + this.u16(at + 26) + this.u16(at + 28);
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MB`;
}
