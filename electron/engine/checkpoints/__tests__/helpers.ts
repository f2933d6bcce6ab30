import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { StudioError } from '../../errors.js';
import { readSafetensors, type TensorFile } from '../../graph/safetensors.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export function fixturePath(name: string): string {
  return `${FIXTURES}${name}.pth`;
}

export async function fixtureBytes(name: string): Promise<Uint8Array> {
  const b = await readFile(fixturePath(name));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** The expected-values file of a fixture: its own, or that of the case it was saved from. */
export async function expectedFor(name: string): Promise<TensorFile> {
  const candidates = [name, name.replace(/_(legacy|proto\d)$/, ''), name.replace(/_proto\d_legacy$/, '')];
  for (const c of candidates) {
    const path = `${FIXTURES}${c}.expected.safetensors`;
    if (existsSync(path)) return readSafetensors(path);
  }
  throw new Error(`no expected values for ${name}`);
}

/** Calls `work` and returns the StudioError it throws (failing the test on anything else). */
export function studioErrorOf(work: () => unknown): StudioError {
  try {
    work();
  } catch (err) {
    if (!(err instanceof StudioError)) throw new Error(`expected a StudioError, got ${String(err)}`, { cause: err });
    return err;
  }
  throw new Error('expected a StudioError, but nothing was thrown');
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes pickle opcodes by hand, for cases PyTorch would never produce. */
export class PickleBuilder {
  private readonly out: number[] = [];

  constructor(protocol = 2) {
    this.out.push(0x80, protocol);
  }

  raw(...bytes: number[]): this {
    this.out.push(...bytes);
    return this;
  }

  str(s: string): this {
    const b = new TextEncoder().encode(s);
    const n = b.length;
    return this.raw(0x58, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff, ...b);
  }

  int(n: number): this {
    if (n >= 0 && n < 256) return this.raw(0x4b, n);
    return this.raw(0x4a, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
  }

  global(module: string, name: string): this {
    return this.raw(0x63, ...new TextEncoder().encode(`${module}\n${name}\n`));
  }

  mark(): this {
    return this.raw(0x28);
  }

  tuple(): this {
    return this.raw(0x74);
  }

  /** An empty OrderedDict on the stack. */
  orderedDict(): this {
    return this.global('collections', 'OrderedDict').raw(0x29, 0x52);
  }

  /** `_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())` on the stack. */
  tensor(opts: { key: string; cls?: string; numel: number; offset?: number; size: number[]; stride: number[] }): this {
    this.global('torch._utils', '_rebuild_tensor_v2').mark();
    this.mark().str('storage').global('torch', opts.cls ?? 'FloatStorage').str(opts.key).str('cpu').int(opts.numel).tuple().raw(0x51);
    this.int(opts.offset ?? 0);
    this.mark();
    for (const d of opts.size) this.int(d);
    this.tuple().mark();
    for (const d of opts.stride) this.int(d);
    this.tuple().raw(0x89).orderedDict().tuple().raw(0x52);
    return this;
  }

  stop(): Uint8Array {
    return new Uint8Array([...this.out, 0x2e]);
  }
}

/** A zip checkpoint around a hand-made pickle and raw storages. */
export function zipCheckpoint(pickle: Uint8Array, storages: Record<string, Uint8Array> = {}, archive = 'archive'): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = { [`${archive}/data.pkl`]: [pickle, { level: 0 }] };
  for (const [key, data] of Object.entries(storages)) files[`${archive}/data/${key}`] = [data, { level: 0 }];
  files[`${archive}/version`] = [new TextEncoder().encode('3\n'), { level: 0 }];
  return zipSync(files);
}

export function floatBytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}
