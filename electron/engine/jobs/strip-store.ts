import { closeSync, openSync, readSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError, describeSystemError, orSystemError } from '../errors.js';
import { processAlive } from '../process-alive.js';

/**
 * A C x H x W float32 value of a layer-by-layer run, stored planar (channel by channel, rows
 * in order) so that a strip of rows of one channel is one contiguous range. Small values live
 * in memory; once the memory allowance is spent they go to a scratch file, read back strip by
 * strip (the operating system's cache keeps the recent ones fast).
 */
export interface StoredValue {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  /** Per-channel sum and sum of squares over every written row (float64). */
  readonly sums: Float64Array;
  readonly sumSquares: Float64Array;
  /** Writes rows [y0, y0 + rows) from a 1 x C x rows x W strip. */
  writeRows(y0: number, rows: number, strip: Float32Array): void;
  /**
   * Copies source rows into a 1 x C x n x W strip: `rows[j]` is the source row of strip row j,
   * or -1 for a row left as zero.
   */
  readRows(rows: readonly number[], strip: Float32Array): void;
  /**
   * The whole value as a 1 x C x H x W array without copying, when it is in memory and `rows`
   * are all of its rows in order; otherwise null (read a copy with readRows).
   */
  whole(rows: readonly number[]): Float32Array | null;
  /** Takes a strip of all rows as the value itself instead of copying it (false where it cannot). */
  adopt(strip: Float32Array): boolean;
  free(): void;
}

function allRows(rows: readonly number[], height: number): boolean {
  return rows.length === height && rows.every((r, i) => r === i);
}

class MemoryValue implements StoredValue {
  readonly sums: Float64Array;
  readonly sumSquares: Float64Array;
  private data: Float32Array | null;

  constructor(
    readonly channels: number,
    readonly height: number,
    readonly width: number,
  ) {
    this.data = new Float32Array(channels * height * width);
    this.sums = new Float64Array(channels);
    this.sumSquares = new Float64Array(channels);
  }

  writeRows(y0: number, rows: number, strip: Float32Array): void {
    const data = this.live();
    const { height: h, width: w } = this;
    for (let c = 0; c < this.channels; c++) data.set(strip.subarray(c * rows * w, (c + 1) * rows * w), (c * h + y0) * w);
  }

  readRows(rows: readonly number[], strip: Float32Array): void {
    const data = this.live();
    gatherRows(this, rows, strip, (from, to, length) => strip.set(data.subarray(from, from + length), to));
  }

  whole(rows: readonly number[]): Float32Array | null {
    return allRows(rows, this.height) ? this.live() : null;
  }

  adopt(strip: Float32Array): boolean {
    if (strip.length !== this.live().length) return false;
    this.data = strip;
    return true;
  }

  free(): void {
    this.data = null;
  }

  private live(): Float32Array {
    if (this.data === null) throw new Error('unreachable: a stored value was read after it was freed');
    return this.data;
  }
}

class FileValue implements StoredValue {
  readonly sums: Float64Array;
  readonly sumSquares: Float64Array;
  private fd: number | null;

  constructor(
    readonly channels: number,
    readonly height: number,
    readonly width: number,
    private readonly path: string,
  ) {
    this.fd = openSync(path, 'w+', 0o600);
    this.sums = new Float64Array(channels);
    this.sumSquares = new Float64Array(channels);
  }

  writeRows(y0: number, rows: number, strip: Float32Array): void {
    const fd = this.open();
    const { height: h, width: w } = this;
    for (let c = 0; c < this.channels; c++) {
      const bytes = new Uint8Array(strip.buffer, strip.byteOffset + c * rows * w * 4, rows * w * 4);
      writeFully(fd, bytes, (c * h + y0) * w * 4, this.path);
    }
  }

  readRows(rows: readonly number[], strip: Float32Array): void {
    const fd = this.open();
    gatherRows(this, rows, strip, (from, to, length) => readFully(fd, new Uint8Array(strip.buffer, strip.byteOffset + to * 4, length * 4), from * 4, this.path));
  }

  whole(): Float32Array | null {
    return null;
  }

  adopt(): boolean {
    return false;
  }

  free(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    rmSync(this.path, { force: true });
  }

  private open(): number {
    if (this.fd === null) throw new Error('unreachable: a stored value was used after it was freed');
    return this.fd;
  }
}

function writeFully(fd: number, bytes: Uint8Array, position: number, path: string): void {
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
  } catch (err) {
    throw new StudioError('IO_ERROR', `cannot write the scratch file ${path}: ${describeSystemError(err)}`);
  }
}

function readFully(fd: number, bytes: Uint8Array, position: number, path: string): void {
  let done = 0;
  while (done < bytes.length) {
    const got = readSync(fd, bytes, done, bytes.length - done, position + done);
    if (got === 0) throw new StudioError('IO_ERROR', `${path}: the scratch file ended early`);
    done += got;
  }
}

/**
 * Copies source rows into a strip (see StoredValue.readRows) a run of consecutive rows of one
 * channel at a time: `copy(from, to, length)` moves `length` values from offset `from` of the
 * stored value to offset `to` of the strip. Runs of zero rows (-1) are filled here.
 */
function gatherRows(value: StoredValue, rows: readonly number[], strip: Float32Array, copy: (from: number, to: number, length: number) => void): void {
  const { channels, height: h, width: w } = value;
  const n = rows.length;
  let j = 0;
  while (j < n) {
    const src = rows[j] as number;
    let count = 1;
    while (j + count < n && (src < 0 ? (rows[j + count] as number) < 0 : rows[j + count] === src + count)) count += 1;
    for (let c = 0; c < channels; c++) {
      const to = (c * n + j) * w;
      if (src < 0) strip.fill(0, to, to + count * w);
      else copy((c * h + src) * w, to, count * w);
    }
    j += count;
  }
}

/**
 * Where the values of one run are kept: memory up to `memoryBytes`, then scratch files in a
 * folder of their own under `scratchRoot`, removed when the run ends (and, should the process
 * be killed, by the next run: see sweepScratch).
 */
export class StripStore {
  private memoryUsed = 0;
  private fileCount = 0;
  private dir: string | null = null;
  /** Every value not yet released, with the bytes it holds in memory (0 for scratch files). */
  private readonly live = new Map<StoredValue, number>();
  /** Bytes that went to scratch files, for the result's note. */
  spilledBytes = 0;

  constructor(
    private readonly memoryBytes: number,
    private readonly scratchRoot: string,
  ) {}

  async create(channels: number, height: number, width: number): Promise<StoredValue> {
    const bytes = channels * height * width * 4;
    if (this.memoryUsed + bytes <= this.memoryBytes) {
      this.memoryUsed += bytes;
      const value = new MemoryValue(channels, height, width);
      this.live.set(value, bytes);
      return value;
    }
    const dir = await this.scratchDir();
    checkFreeSpace(dir, bytes);
    const path = join(dir, `v${this.fileCount++}.f32`);
    let value: StoredValue;
    try {
      value = new FileValue(channels, height, width, path);
    } catch (err) {
      throw new StudioError('IO_ERROR', `cannot create the scratch file ${path}: ${describeSystemError(err)}`);
    }
    this.spilledBytes += bytes;
    this.live.set(value, 0);
    return value;
  }

  release(value: StoredValue): void {
    const bytes = this.live.get(value);
    if (bytes === undefined) return;
    this.live.delete(value);
    this.memoryUsed -= bytes;
    value.free();
  }

  /** Frees everything and removes the scratch folder. */
  async close(): Promise<void> {
    for (const value of [...this.live.keys()]) this.release(value);
    if (this.dir !== null) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  private async scratchDir(): Promise<string> {
    if (this.dir === null) {
      await sweepScratch(this.scratchRoot);
      const dir = join(this.scratchRoot, `${process.pid}-${Date.now().toString(36)}`);
      await orSystemError(mkdir(dir, { recursive: true }), (cause) => `cannot create the scratch folder ${dir}: ${cause}`);
      this.dir = dir;
    }
    return this.dir;
  }
}

/** Refuses up front (naming the folder and the sizes) rather than failing halfway with ENOSPC. */
function checkFreeSpace(dir: string, bytes: number): void {
  let free: number;
  try {
    const s = statfsSync(dir);
    free = s.bavail * s.bsize;
  } catch {
    return;
  }
  // Keep a margin so that the outputs themselves can still be written.
  if (free - bytes < 256 * 2 ** 20) {
    throw new StudioError(
      'IO_ERROR',
      `not enough disk space in ${dir} for the intermediate layers of this image: ${(bytes / 2 ** 30).toFixed(1)} GB more are needed, ${(free / 2 ** 30).toFixed(1)} GB are free. Free some space or raise the memory budget.`,
    );
  }
}

/** Removes scratch folders left by processes that no longer run. */
export async function sweepScratch(root: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    if (!Number.isInteger(pid) || pid === process.pid || processAlive(pid)) continue;
    const path = join(root, name);
    if ((await stat(path).catch(() => null))?.isDirectory() === true) await rm(path, { recursive: true, force: true });
  }
}
