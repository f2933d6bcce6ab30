import { writeFile } from 'node:fs/promises';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { unzipSync } from 'fflate';

/** A zip member as written: stored bytes, or a raw deflate stream with its inflated size and CRC. */
export interface RawMember {
  name: string;
  method: 0 | 8;
  data: Uint8Array;
  size: number;
  crc: number;
}

export function storedMember(name: string, data: Uint8Array): RawMember {
  return { name, method: 0, data, size: data.length, crc: crc32(data) };
}

/**
 * A deflate stream of `mebibytes` MiB of zeros, built without ever holding them: one 1 MiB
 * block (ended by a sync flush, so copies can follow it) repeated, then an empty final block.
 * About 1 KB of stream per MiB: the 1032:1 ceiling of deflate.
 */
export function zerosMember(name: string, mebibytes: number): RawMember {
  const mib = Buffer.alloc(2 ** 20);
  const block = deflateRawSync(mib, { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const final = deflateRawSync(Buffer.alloc(0));
  const data = Buffer.concat([...Array.from({ length: mebibytes }, () => block), final]);
  let crc = 0;
  for (let i = 0; i < mebibytes; i++) crc = crc32(mib, crc);
  return { name, method: 8, data, size: mebibytes * 2 ** 20, crc };
}

/** A zip archive of the members, in order (no zip64: each member under 4 GiB). */
export function writeZip(members: readonly RawMember[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(m.method, 8);
    local.writeUInt32LE(m.crc >>> 0, 14);
    local.writeUInt32LE(m.data.length, 18);
    local.writeUInt32LE(m.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(m.method, 10);
    central.writeUInt32LE(m.crc >>> 0, 16);
    central.writeUInt32LE(m.data.length, 20);
    central.writeUInt32LE(m.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
    centrals.push(central, name);
    offset += 30 + name.length + m.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A real checkpoint with `bombs` unused members added, each inflating to `mebibytes` MiB of
 * zeros: what the state dict references is intact, so a reader that inflates only that
 * imports it.
 */
export function bombedCheckpoint(checkpoint: Uint8Array, bombs: number, mebibytes: number): Buffer {
  const files = unzipSync(checkpoint);
  const names = Object.keys(files);
  const archive = (names[0] ?? 'archive/').split('/')[0] as string;
  const members = names.map((n) => storedMember(n, files[n] as Uint8Array));
  const bomb = zerosMember(`${archive}/data/unused0`, mebibytes);
  for (let i = 0; i < bombs; i++) members.push({ ...bomb, name: `${archive}/data/unused${i}` });
  return writeZip(members);
}

export async function writeBombedCheckpoint(path: string, checkpoint: Uint8Array, bombs: number, mebibytes: number): Promise<number> {
  const bytes = bombedCheckpoint(checkpoint, bombs, mebibytes);
  await writeFile(path, bytes);
  return bytes.length;
}
