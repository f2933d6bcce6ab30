import sharp, { type Sharp } from 'sharp';
import { StudioError } from '../../errors.js';
import { decodeImage, readDecodableImage } from '../../imaging/index.js';
import { MAX_INPUT_PIXELS } from '../../imaging/limits.js';

/**
 * Decoding for training: files straight to square loadSize rasters (interleaved 8-bit sRGB).
 *
 * This is its own sharp pipeline rather than decodeImage + resize because decoding with the
 * resize in one pipeline lets JPEG shrink while it decodes, several times faster for camera
 * photos. It reads files the same way decodeImage does (EXIF orientation, 16-bit, CMYK, ICC,
 * first frame only) and, when it fails, asks decodeImage for its diagnosis, so the user gets
 * the same worded cause whichever path met the file first.
 *
 * Transparent pixels are flattened onto white: cut-out product shots then look like the white
 * studio backgrounds of the public edges2X data, rather than the black the reference
 * implementation's "convert('RGB')" leaves behind.
 */

/** The file resized to loadSize x loadSize (bicubic, aspect ratio not kept, as the reference does). */
export async function loadSquareRaster(path: string, loadSize: number): Promise<Uint8Array> {
  // An HEVC-coded HEIC comes back decoded, as PNG; a file that cannot be read says why.
  const bytes = await readDecodableImage(path);
  try {
    return await toSquare(openPipeline(bytes), loadSize);
  } catch (err) {
    throw await diagnose(path, err);
  }
}

/**
 * A side-by-side pair: left half A, right half B (B takes the odd column), each resized square.
 * Each half is cut out inside its own decode pipeline, so a huge AB image streams through
 * libvips instead of being held in memory whole.
 */
export async function loadSideBySideRasters(path: string, loadSize: number): Promise<{ a: Uint8Array; b: Uint8Array }> {
  const bytes = await readDecodableImage(path);
  let width: number;
  let height: number;
  try {
    // The size as shown, after EXIF orientation, which is what the halves are cut from.
    ({ width, height } = (await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata()).autoOrient);
  } catch (err) {
    throw await diagnose(path, err);
  }
  if (width < 2) {
    throw new StudioError('BAD_IMAGE', `Cannot split ${path} into A and B halves: it is only ${width} pixel wide`);
  }
  const half = Math.floor(width / 2);
  try {
    const [a, b] = await Promise.all([
      toSquare(openPipeline(bytes).extract({ left: 0, top: 0, width: half, height }), loadSize),
      toSquare(openPipeline(bytes).extract({ left: half, top: 0, width: width - half, height }), loadSize),
    ]);
    return { a, b };
  } catch (err) {
    throw await diagnose(path, err);
  }
}

function openPipeline(bytes: Buffer): Sharp {
  return sharp(bytes, { failOn: 'truncated', limitInputPixels: MAX_INPUT_PIXELS, autoOrient: true, pages: 1 })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb');
}

async function toSquare(pipeline: Sharp, loadSize: number): Promise<Uint8Array> {
  // 'cubic' is sharp's Catmull-Rom, the same a = -0.5 bicubic kernel PIL resizes with.
  const { data, info } = await pipeline
    .resize(loadSize, loadSize, { fit: 'fill', kernel: 'cubic' })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`unexpected ${info.channels}-channel result after converting to RGB`);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

async function diagnose(path: string, err: unknown): Promise<StudioError> {
  if (err instanceof StudioError) return err;
  try {
    await decodeImage(path);
  } catch (worded) {
    if (worded instanceof StudioError) return worded;
  }
  const message = err instanceof Error ? err.message : String(err);
  return new StudioError('BAD_IMAGE', `Cannot read image ${path}: ${message}`, { cause: err });
}
