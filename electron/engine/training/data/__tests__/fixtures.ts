/** Real image files for the data-layer tests, written with sharp into temporary folders. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';

export type PixelFn = (x: number, y: number) => [number, number, number];

export function rgbFrom(width: number, height: number, pixel: PixelFn): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rgb.set(pixel(x, y), (y * width + x) * 3);
  }
  return rgb;
}

/** Writes an image file; the format follows the extension (png, jpg, webp). */
export async function writeImage(path: string, width: number, height: number, pixel: PixelFn): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const img = sharp(rgbFrom(width, height, pixel), { raw: { width, height, channels: 3 } });
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  const encoded = ext === 'jpg' || ext === 'jpeg' ? img.jpeg({ quality: 95 }) : ext === 'webp' ? img.webp({ lossless: true }) : img.png();
  await writeFile(path, await encoded.toBuffer());
}

export async function writeSolid(path: string, size: number, colour: [number, number, number]): Promise<void> {
  await writeImage(path, size, size, () => colour);
}

export async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

/** A JPEG cut off halfway: its header reads fine, its pixels do not. */
export async function writeTruncatedJpeg(path: string, size: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const full = await sharp(rgbFrom(size, size, (x, y) => [x * 3, y * 3, (x * y) % 256]), { raw: { width: size, height: size, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
  await writeFile(path, full.subarray(0, Math.floor(full.length / 2)));
}

/** Mean of one channel plane (0..2) of a CHW training image. */
export function planeMean(data: Float32Array, plane: number, pixels: number): number {
  let sum = 0;
  for (let i = plane * pixels; i < (plane + 1) * pixels; i++) sum += data[i]!;
  return sum / pixels;
}

/** The 8-bit value a normalised training value came from. */
export function toByte(v: number): number {
  return Math.round((v + 1) * 127.5);
}
