import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { TrainSettings } from '../../../contract/training.js';
import { trainSettings } from '../train-settings.js';

/**
 * Small real image folders for training tests: smooth random colour fields (a few soft blobs
 * over a gradient), written as PNG files with sharp. Deterministic per seed.
 */
export function blobImage(seed: number, size: number): Uint8Array {
  let s = seed >>> 0 || 1;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const blobs = Array.from({ length: 4 }, () => ({ x: rand() * size, y: rand() * size, r: (0.15 + rand() * 0.3) * size, c: [rand(), rand(), rand()] }));
  const base = [rand(), rand(), rand()];
  const rgb = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        let v = (base[c] ?? 0) * (0.6 + (0.4 * x) / size);
        for (const b of blobs) {
          const d2 = ((x - b.x) ** 2 + (y - b.y) ** 2) / (b.r * b.r);
          v += ((b.c[c] ?? 0) - v) * Math.exp(-d2);
        }
        rgb[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v * 255)));
      }
    }
  }
  return rgb;
}

export async function writePng(path: string, rgb: Uint8Array, size: number): Promise<void> {
  await writeFile(path, await sharp(Buffer.from(rgb), { raw: { width: size, height: size, channels: 3 } }).png().toBuffer());
}

/** Writes `count` images made by `make(seed)` into `dir` as img-000.png ... */
export async function writeFolder(dir: string, count: number, size: number, make: (seed: number) => Uint8Array, firstSeed = 1): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const path = join(dir, `img-${String(i).padStart(3, '0')}.png`);
    await writePng(path, make(firstSeed + i), size);
    paths.push(path);
  }
  return paths;
}

export const invert = (rgb: Uint8Array): Uint8Array => rgb.map((v) => 255 - v);

/**
 * The three folders of the tiny recipe runs in `work`, 3 images each at `size` px: A (warm
 * casts) and B (cool) for CycleGAN, `inv` (A's blobs inverted) as pix2pix's paired targets.
 */
export async function writeRecipeFolders(work: string, size: number): Promise<void> {
  await writeFolder(join(work, 'A'), 3, size, (s) => tint(blobImage(s, size), true));
  await writeFolder(join(work, 'B'), 3, size, (s) => tint(blobImage(s, size), false), 20);
  await writeFolder(join(work, 'inv'), 3, size, (s) => invert(blobImage(s, size)));
}

/** A colour cast: warm pushes red up and blue down, cool the reverse. */
export function tint(rgb: Uint8Array, warm: boolean): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) {
    const r = rgb[i] ?? 0;
    const g = rgb[i + 1] ?? 0;
    const b = rgb[i + 2] ?? 0;
    out[i] = Math.min(255, Math.round(warm ? 60 + r * 0.75 : r * 0.7));
    out[i + 1] = Math.round(g * 0.85 + 10);
    out[i + 2] = Math.min(255, Math.round(warm ? b * 0.7 : 60 + b * 0.75));
  }
  return out;
}

/** Mean of (red - blue) over an image, in 8-bit levels: positive for warm casts. */
export function warmth(rgb: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < rgb.length; i += 3) sum += (rgb[i] ?? 0) - (rgb[i + 2] ?? 0);
  return sum / (rgb.length / 3);
}

/**
 * A tiny CycleGAN run on the CPU (resnet_6blocks of width 4, a 2-layer PatchGAN of width 4,
 * instance norm, 32 px crops) between folders A and B of `work`; `over` sets the rest.
 */
export function tinyCycleganSettings(work: string, over: Partial<TrainSettings> & Pick<TrainSettings, 'iterations' | 'name'>): TrainSettings {
  return trainSettings({
    mode: 'cyclegan',
    dataA: join(work, 'A'),
    dataB: join(work, 'B'),
    arch: 'resnet_6blocks',
    ngf: 4,
    ndf: 4,
    dLayers: 2,
    norm: 'instance',
    size: 32,
    device: 'cpu',
    ...over,
  });
}
