import sharp from 'sharp';
import type { RasterImage } from './raster.js';

/** Resizes packed 8-bit RGB pixels to an exact size (lanczos3), for fixed-size models. */
export async function resizeRgb(rgb: Uint8Array, width: number, height: number, toWidth: number, toHeight: number): Promise<Uint8Array> {
  return (await resizeRaster({ width, height, rgb, alpha: null }, toWidth, toHeight)).rgb;
}

/** A rectangle of an image (alpha included), copied row by row. */
export function cropRaster(image: RasterImage, left: number, top: number, width: number, height: number): RasterImage {
  if (left === 0 && top === 0 && width === image.width && height === image.height) return image;
  const rgb = new Uint8Array(width * height * 3);
  const alpha = image.alpha === null ? null : new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = (top + y) * image.width + left;
    rgb.set(image.rgb.subarray(from * 3, (from + width) * 3), y * width * 3);
    alpha?.set((image.alpha as Uint8Array).subarray(from, from + width), y * width);
  }
  return { width, height, rgb, alpha };
}

/** Resizes colour and alpha together (lanczos3) to an exact size. */
export async function resizeRaster(image: RasterImage, width: number, height: number): Promise<RasterImage> {
  if (width === image.width && height === image.height) return image;
  const channels = image.alpha === null ? 3 : 4;
  let pixels = image.rgb;
  if (image.alpha !== null) {
    pixels = new Uint8Array(image.width * image.height * 4);
    for (let p = 0, s = 0, d = 0; p < image.width * image.height; p++, s += 3, d += 4) {
      pixels[d] = image.rgb[s] as number;
      pixels[d + 1] = image.rgb[s + 1] as number;
      pixels[d + 2] = image.rgb[s + 2] as number;
      pixels[d + 3] = image.alpha[p] as number;
    }
  }
  const out = await sharp(pixels, { raw: { width: image.width, height: image.height, channels } })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  if (channels === 3) return { width, height, rgb: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), alpha: null };
  const rgb = new Uint8Array(width * height * 3);
  const alpha = new Uint8Array(width * height);
  for (let p = 0, s = 0, d = 0; p < width * height; p++, s += 4, d += 3) {
    rgb[d] = out[s] as number;
    rgb[d + 1] = out[s + 1] as number;
    rgb[d + 2] = out[s + 2] as number;
    alpha[p] = out[s + 3] as number;
  }
  return { width, height, rgb, alpha };
}
