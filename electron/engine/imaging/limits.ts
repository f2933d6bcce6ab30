/**
 * Largest input we decode: sharp's own default (0x3FFF * 0x3FFF, about 268 megapixels).
 * A few kilobytes of compressed data can claim billions of pixels (a decompression bomb);
 * refusing by header size keeps one bad file from exhausting memory for the whole batch.
 */
export const MAX_INPUT_PIXELS = 0x3fff * 0x3fff;

/** `268` for the message: users think in megapixels, not in exact pixel counts. */
export function megapixels(pixels: number): string {
  return String(Math.round(pixels / 1e6));
}
