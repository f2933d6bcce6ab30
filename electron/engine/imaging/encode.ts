import sharp from 'sharp';
import { StudioError } from '../errors.js';
import { QUALITY } from '../../contract/settings.js';
import type { OutputFormat, RasterImage } from './raster.js';

export interface EncodeOptions {
  format: OutputFormat;
  /** 1..100 for JPEG and WebP (default 92); ignored for PNG, which is lossless. */
  quality?: number;
  /** PNG only: zlib effort 0..9 (default 6). Live previews use 1: lossless still, faster, a little larger. */
  pngCompression?: number;
}

/** High enough that translated textures survive, well below the size cost of 100. */
export const DEFAULT_QUALITY = 92;

/**
 * Encodes an RGB raster, joining its alpha back in when it has one.
 *
 * PNG and WebP keep alpha (WebP stores it losslessly: alphaQuality 100). JPEG has no alpha
 * channel, so an image with alpha is flattened onto white before encoding: transparent areas
 * come out white, not black. No metadata is written; pixels are sRGB.
 */
export async function encodeImage(image: RasterImage, options: EncodeOptions): Promise<Buffer> {
  const { width, height, rgb, alpha } = image;
  checkRaster(width, height, rgb, alpha);
  const quality = options.quality ?? DEFAULT_QUALITY;
  if (!Number.isInteger(quality) || quality < QUALITY.min || quality > QUALITY.max) {
    throw new StudioError('BAD_ARGUMENT', `quality must be a whole number from ${QUALITY.min} to ${QUALITY.max}, got ${String(quality)}`);
  }

  const { pngCompression } = options;
  if (pngCompression !== undefined && !(Number.isInteger(pngCompression) && pngCompression >= 0 && pngCompression <= 9)) {
    throw new StudioError('BAD_ARGUMENT', `PNG compression must be a whole number from 0 to 9, got ${String(pngCompression)}`);
  }

  const channels = alpha === null ? 3 : 4;
  const pixels = alpha === null ? rgb : interleaveAlpha(rgb, alpha, width * height);
  const input = sharp(pixels, { raw: { width, height, channels } });

  switch (options.format) {
    case 'png':
      return input.png(pngCompression === undefined ? {} : { compressionLevel: pngCompression }).toBuffer();
    case 'jpeg':
      return (alpha === null ? input : input.flatten({ background: '#ffffff' }))
        .jpeg({
          quality,
          // Full-resolution chroma at high quality: 4:2:0 visibly smears the saturated edges
          // that translated images are full of.
          chromaSubsampling: quality >= 90 ? '4:4:4' : '4:2:0',
        })
        .toBuffer();
    case 'webp':
      return input.webp({ quality, alphaQuality: 100 }).toBuffer();
    default:
      // Reachable from untyped callers (IPC, CLI arguments), so fail with a clear message.
      throw new StudioError('BAD_ARGUMENT', `unknown output format ${String(options.format)}`);
  }
}

/** File extension (without the dot) for an output format. */
export function extensionFor(format: OutputFormat): 'png' | 'jpg' | 'webp' {
  return format === 'jpeg' ? 'jpg' : format;
}

/**
 * The format to write a translated image in: the input's own when the studio can write it,
 * otherwise PNG, which is lossless and keeps alpha (TIFF, AVIF, HEIF and GIF inputs).
 */
export function outputFormatFor(inputFormat: string): OutputFormat {
  const name = inputFormat.toLowerCase();
  if (name === 'png' || name === 'webp') return name;
  if (name === 'jpeg' || name === 'jpg') return 'jpeg';
  return 'png';
}

function checkRaster(width: number, height: number, rgb: Uint8Array, alpha: Uint8Array | null): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new StudioError('BAD_ARGUMENT', `image size must be positive whole numbers, got ${width} x ${height}`);
  }
  if (rgb.length !== width * height * 3) {
    throw new StudioError('BAD_ARGUMENT', `rgb has ${rgb.length} bytes, expected ${width * height * 3} for ${width} x ${height}`);
  }
  if (alpha !== null && alpha.length !== width * height) {
    throw new StudioError('BAD_ARGUMENT', `alpha has ${alpha.length} bytes, expected ${width * height} for ${width} x ${height}`);
  }
}

function interleaveAlpha(rgb: Uint8Array, alpha: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 4);
  for (let p = 0, s = 0, d = 0; p < pixels; p++, s += 3, d += 4) {
    out[d] = rgb[s]!;
    out[d + 1] = rgb[s + 1]!;
    out[d + 2] = rgb[s + 2]!;
    out[d + 3] = alpha[p]!;
  }
  return out;
}
