import { readFile } from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { StudioError, orSystemError } from '../errors.js';
import { heifToPng, looksLikeHeif, needsHeifDecoder } from './heif-decode.js';
import { MAX_INPUT_PIXELS, megapixels } from './limits.js';
import type { DecodedImage } from './raster.js';

export interface DecodeOptions {
  /** Resize (lanczos3) so the shorter side is exactly this many pixels, keeping the aspect ratio. */
  shorterSide?: number;
  /** Shrink (lanczos3) so the longer side is at most this many pixels; never enlarges. */
  maxSide?: number;
}

/**
 * Decodes an image file to 8-bit sRGB plus a separate alpha plane.
 *
 * EXIF orientation is applied, greyscale is expanded to RGB, 16-bit data is scaled to 8 bits,
 * CMYK and ICC-tagged inputs are converted to sRGB, and only the first frame of an animation
 * is read. Throws `StudioError` with `IO_ERROR` when the file cannot be read and `BAD_IMAGE`
 * when it can be read but is not a usable image; the message names the file and the cause.
 * The file is only ever read.
 */
export async function decodeImage(path: string, options: DecodeOptions = {}): Promise<DecodedImage> {
  checkSide('shorterSide', options.shorterSide);
  return decodeImageBytes(await readInput(path), path, options);
}

/** decodeImage for bytes already in memory (a canvas drawing); `label` names them in errors. */
export async function decodeImageBytes(input: Buffer, label: string, options: DecodeOptions = {}): Promise<DecodedImage> {
  const { shorterSide, maxSide } = options;
  checkSide('shorterSide', shorterSide);
  checkSide('maxSide', maxSide);
  const path = label;
  if (input.length === 0) throw badImage(path, 'empty file (0 bytes)', undefined);
  const original = await readHeader(path, input);
  const heif = needsHeifDecoder(original);
  const bytes = heif ? await heifToPng(input, original, path) : input;
  const header = heif ? await readHeader(path, bytes) : original;
  // Oriented size: what the user sees, and what resize targets refer to after autoOrient.
  const { width: shownWidth, height: shownHeight } = header.autoOrient;
  const target =
    shorterSide !== undefined
      ? resizeTarget(shownWidth, shownHeight, shorterSide)
      : maxSide !== undefined && Math.max(shownWidth, shownHeight) > maxSide
        ? fitInside(shownWidth, shownHeight, maxSide)
        : null;
  if (target !== null && target.width * target.height > MAX_INPUT_PIXELS) {
    throw new StudioError(
      'BAD_ARGUMENT',
      `Cannot resize ${path} to ${target.width} x ${target.height}: that is over the ${megapixels(MAX_INPUT_PIXELS)}-megapixel limit`,
    );
  }

  let pipeline = sharp(bytes, {
    // 'truncated' turns a cut-off JPEG/PNG into an error instead of a silently grey lower half,
    // yet still accepts the harmless warnings many camera files carry (which 'warning' rejects).
    failOn: 'truncated',
    limitInputPixels: MAX_INPUT_PIXELS,
    autoOrient: true,
    // The generators translate stills: an animated GIF/WebP or multi-page TIFF gives its first frame.
    pages: 1,
  });
  if (target !== null) {
    pipeline = pipeline.resize({ width: target.width, height: target.height, fit: 'fill', kernel: 'lanczos3' });
  }

  let data: Buffer;
  let info: OutputInfo;
  try {
    // sRGB output (sharp's default, stated so no later option changes it) expands greyscale,
    // converts CMYK through its embedded or the built-in profile (so Adobe's inverted CMYK
    // comes out right) and ICC-tagged colour; depth 'uchar' scales 16-bit samples to 8 bits.
    ({ data, info } = await pipeline
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true }));
  } catch (err) {
    throw badImage(path, pixelDataCause(err), err);
  }

  if (info.channels !== 3 && info.channels !== 4) {
    throw badImage(path, `unexpected ${info.channels}-channel result after converting to RGB`, undefined);
  }
  const { rgb, alpha } = splitAlpha(data, info.width * info.height, info.channels);
  return { width: info.width, height: info.height, rgb, alpha, format: formatName(original) };
}

/**
 * A file's bytes in a form sharp decodes: as they are, or, for an HEVC-coded HEIC, the PNG
 * libheif made of it (upright, with its colour profile). For readers that run their own sharp
 * pipeline (training folders, previews); decodeImage does this itself.
 */
export async function readDecodableImage(path: string): Promise<Buffer> {
  const bytes = await readInput(path);
  if (!looksLikeHeif(bytes)) return bytes;
  const header = await readHeader(path, bytes);
  return needsHeifDecoder(header) ? heifToPng(bytes, header, path) : bytes;
}

function checkSide(name: string, side: number | undefined): void {
  if (side !== undefined && !(Number.isInteger(side) && side > 0)) {
    throw new StudioError('BAD_ARGUMENT', `${name} must be a positive whole number of pixels, got ${String(side)}`);
  }
}

/** Longer side becomes `side`; the shorter one keeps the aspect ratio, rounded, at least 1. */
export function fitInside(width: number, height: number, side: number): { width: number; height: number } {
  if (width >= height) return { width: side, height: Math.max(1, Math.round((height * side) / width)) };
  return { width: Math.max(1, Math.round((width * side) / height)), height: side };
}

/** Shorter side becomes `side`; the longer one keeps the aspect ratio, rounded, at least 1. */
export function resizeTarget(width: number, height: number, side: number): { width: number; height: number } {
  if (width <= height) return { width: side, height: Math.max(1, Math.round((height * side) / width)) };
  return { width: Math.max(1, Math.round((width * side) / height)), height: side };
}

// Read into memory ourselves: file-system causes (missing, permission, a folder) are then told
// apart from bad image data, and sharp never holds the file open (which locks it on Windows).
async function readInput(path: string): Promise<Buffer> {
  const bytes = await orSystemError(readFile(path), (cause) => `Cannot read ${path}: ${cause}`);
  if (bytes.length === 0) throw badImage(path, 'empty file (0 bytes)', undefined);
  return bytes;
}

// The header alone: cheap, and lets us name the format and the size in error messages.
async function readHeader(path: string, bytes: Buffer): Promise<Metadata> {
  let header: Metadata;
  try {
    // No pixel limit here so an oversized image is reported with its size, just below.
    header = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw badImage(path, headerCause(err, bytes), err);
  }
  const pixels = header.width * header.height;
  if (!(pixels > 0)) throw badImage(path, 'the image has no pixels (zero width or height)', undefined);
  if (pixels > MAX_INPUT_PIXELS) {
    throw badImage(
      path,
      `too large: ${header.width} x ${header.height} is ${megapixels(pixels)} megapixels, over the ` +
        `${megapixels(MAX_INPUT_PIXELS)}-megapixel limit that guards against decompression bombs`,
      undefined,
    );
  }
  return header;
}

function headerCause(err: unknown, bytes: Buffer): string {
  const message = errorMessage(err);
  if (/unsupported image format/i.test(message)) {
    return looksLikeText(bytes)
      ? 'not an image: the file contains text'
      : 'not an image: the contents are not in any supported image format';
  }
  if (/pixel limit/i.test(message)) {
    return `too large: over the ${megapixels(MAX_INPUT_PIXELS)}-megapixel limit that guards against decompression bombs`;
  }
  return 'corrupt image header';
}

function pixelDataCause(err: unknown): string {
  const message = errorMessage(err);
  if (/pixel limit/i.test(message)) {
    return `too large: over the ${megapixels(MAX_INPUT_PIXELS)}-megapixel limit that guards against decompression bombs`;
  }
  if (/premature end|truncat|unexpected end|end of (file|stream|data)/i.test(message)) {
    return 'truncated image data (the file ends before the picture does)';
  }
  return 'corrupt or truncated image data';
}

function badImage(path: string, cause: string, err: unknown): StudioError {
  const detail = err === undefined ? undefined : errorMessage(err);
  return new StudioError('BAD_IMAGE', `Cannot read image ${path}: ${cause}`, {
    ...(detail === undefined ? {} : { detail }),
    ...(err === undefined ? {} : { cause: err }),
  });
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// Text files renamed to .png are a common user mistake; saying "text" is clearer than "unknown format".
function looksLikeText(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, 1024);
  let printable = 0;
  for (const byte of sample) {
    if (byte === 0) return false;
    if (byte >= 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) printable++;
  }
  return printable >= sample.length * 0.95;
}

function formatName(header: Metadata): string {
  return header.format === 'heif' && header.compression === 'av1' ? 'avif' : header.format;
}

// One pass over interleaved RGB(A) into separate planes, so callers never deal with strides.
function splitAlpha(data: Buffer, pixels: number, channels: 3 | 4): { rgb: Uint8Array; alpha: Uint8Array | null } {
  if (channels === 3) {
    // sharp hands back a buffer of its own; a view avoids copying the image. Should it ever come
    // from a shared pool, copy, so `rgb.buffer` can be transferred to a worker on its own.
    const own = data.byteOffset === 0 && data.buffer.byteLength === pixels * 3;
    return { rgb: own ? new Uint8Array(data.buffer, 0, pixels * 3) : Uint8Array.from(data), alpha: null };
  }
  const rgb = new Uint8Array(pixels * 3);
  const alpha = new Uint8Array(pixels);
  for (let p = 0, s = 0, d = 0; p < pixels; p++, s += 4, d += 3) {
    rgb[d] = data[s]!;
    rgb[d + 1] = data[s + 1]!;
    rgb[d + 2] = data[s + 2]!;
    alpha[p] = data[s + 3]!;
  }
  return { rgb, alpha };
}
