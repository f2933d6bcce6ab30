/**
 * The in-memory picture every imaging function trades in. Colour and alpha are kept apart
 * because the generators only ever see RGB; alpha is carried around them untouched and joined
 * back on output.
 */
export interface RasterImage {
  width: number;
  height: number;
  /** Interleaved HWC, 3 channels, sRGB, 8 bits per channel: `width * height * 3` bytes. */
  rgb: Uint8Array;
  /** HW, 8 bits, unpremultiplied: `width * height` bytes, or null when the image has none. */
  alpha: Uint8Array | null;
}

/** A file decoded to a raster, with the container format it came from. */
export interface DecodedImage extends RasterImage {
  /**
   * sharp's name for the input format: `jpeg`, `png`, `webp`, `tiff`, `gif`, `heif`, ...
   * A HEIF container holding AV1 is reported as `avif`, since that is what the user calls it.
   */
  format: string;
}

/** Formats the studio writes. */
export type { OutputFormat } from '../../contract/jobs.js';
