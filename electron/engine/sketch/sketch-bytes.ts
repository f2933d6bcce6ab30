import sharp from 'sharp';
import { StudioError } from '../errors.js';

/** Largest image the page may send as base64 (the socket carries at most 16 MiB a message). */
export const MAX_SKETCH_BYTES = 8 * 2 ** 20;

/** Largest side of a saved sketch or translation: the pad works at model sizes. */
const MAX_SIDE = 4096;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Base64 (or a `data:image/...;base64,` URL) to bytes; `what` names it in errors. */
export function decodeBase64(text: string, what: string): Buffer {
  const body = text.startsWith('data:') ? text.slice(text.indexOf(',') + 1) : text;
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(body)) throw new StudioError('BAD_ARGUMENT', `${what} is not base64 image data`);
  if ((body.length * 3) / 4 > MAX_SKETCH_BYTES) throw new StudioError('BAD_ARGUMENT', `${what} is over ${MAX_SKETCH_BYTES / 2 ** 20} MiB`);
  const bytes = Buffer.from(body, 'base64');
  if (bytes.length === 0) throw new StudioError('BAD_IMAGE', `${what} is empty`);
  return bytes;
}

/** Checks that bytes are a whole PNG of a sensible size (decoding every pixel), before they are written anywhere. */
export async function checkPng(bytes: Buffer, what: string): Promise<{ width: number; height: number }> {
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new StudioError('BAD_IMAGE', `${what} is not a PNG image`);
  try {
    const { info } = await sharp(bytes, { failOn: 'truncated', limitInputPixels: MAX_SIDE * MAX_SIDE }).raw().toBuffer({ resolveWithObject: true });
    if (info.width > MAX_SIDE || info.height > MAX_SIDE) throw new Error(`${info.width} x ${info.height} is over ${MAX_SIDE} px a side`);
    return { width: info.width, height: info.height };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new StudioError('BAD_IMAGE', `${what} could not be read as a PNG image`, { detail: message, cause: err });
  }
}

export function pngDataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}
