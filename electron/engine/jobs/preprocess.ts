import sharp from 'sharp';
import type { ModelPreprocess } from '../../contract/models.js';
import type { DecodedImage, RasterImage } from '../imaging/index.js';

export interface Preprocessed {
  image: DecodedImage;
  /** What was done, in words for the user (empty when nothing was). */
  notes: string[];
}

/**
 * The preprocessing a model was trained with, applied before translation. StarGAN's CelebA
 * models saw the centred square of each photo resized to their size, so a face photo is
 * framed the same way; `maxSide` lets a live preview shrink the square further.
 */
export async function applyPreprocess(image: DecodedImage, spec: ModelPreprocess | undefined, maxSide?: number): Promise<Preprocessed> {
  if (spec === undefined) return { image, notes: [] };
  const side = Math.min(image.width, image.height);
  const left = Math.floor((image.width - side) / 2);
  const top = Math.floor((image.height - side) / 2);
  const size = Math.min(spec.size, maxSide ?? spec.size);
  const cropped = cropRaster(image, left, top, side, side);
  const resized = side === size ? cropped : await resizeRaster(cropped, size, size);
  const square = side === image.width && side === image.height;
  const notes =
    square && side === size
      ? []
      : square
        ? [`resized to ${size} x ${size} px, as the model was trained`]
        : [`cropped to the centred ${side} x ${side} square and resized to ${size} x ${size} px, as the model was trained`];
  return { image: { ...resized, format: image.format }, notes };
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
