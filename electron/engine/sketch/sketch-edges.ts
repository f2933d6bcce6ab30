import sharp from 'sharp';
import type { SketchEdges, SketchEdgesKind } from '../../contract/sketch.js';
import { StudioError } from '../errors.js';
import { decodeImage, decodeImageBytes, detectEdges, type RasterImage } from '../imaging/index.js';
import { pngDataUrl } from './sketch-bytes.js';

/** A picture for the sketch pad: a file on this machine, or image bytes the page sent. */
export type SketchPicture = { path: string } | { bytes: Buffer; label: string };

export const DEFAULT_SKETCH_SIZE = 256;

/**
 * Turns a picture into a sketch at the pad's size: the picture is fitted into the square on
 * white (nothing is cropped off), then traced by `detectEdges` at that size, the way the edges
 * models' training inputs were made (renders traced at about the training size), so a loaded
 * photo looks to the model like the sketches it learned from. A picture that already is a line
 * drawing (mostly white, the rest grey lines) is kept as drawn: tracing a drawn line would
 * outline both of its sides and give double lines.
 */
export async function sketchEdges(picture: SketchPicture, size = DEFAULT_SKETCH_SIZE): Promise<SketchEdges> {
  if (!Number.isInteger(size) || size < 16 || size > 1024) throw new StudioError('BAD_ARGUMENT', `the sketch size must be a whole number from 16 to 1024, got ${String(size)}`);
  const raster = 'path' in picture ? await decodeImage(picture.path) : await decodeImageBytes(picture.bytes, picture.label);
  const rgb = await fitOnWhite(raster, size);
  const kind: SketchEdgesKind = isLineDrawing(rgb) ? 'drawing' : 'edges';
  const grey = kind === 'edges' ? detectEdges(rgb, size, size) : drawingLines(rgb);
  const png = await sharp(grey, { raw: { width: size, height: size, channels: 1 } }).png().toBuffer();
  return { png: pngDataUrl(png), width: size, height: size, kind };
}

/** Transparent areas become white (sketches are drawn on white), then the picture is fitted into `size` x `size`. */
async function fitOnWhite(raster: RasterImage, size: number): Promise<Uint8Array> {
  const { width, height, rgb, alpha } = raster;
  const flat = new Uint8Array(rgb);
  if (alpha !== null) {
    for (let p = 0; p < alpha.length; p++) {
      const a = alpha[p]! / 255;
      for (let c = 0; c < 3; c++) flat[p * 3 + c] = Math.round(rgb[p * 3 + c]! * a + 255 * (1 - a));
    }
  }
  const out = await sharp(flat, { raw: { width, height, channels: 3 } })
    .resize(size, size, { fit: 'contain', background: '#ffffff', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function luma(rgb: Uint8Array, p: number): number {
  return 0.2126 * rgb[p * 3]! + 0.7152 * rgb[p * 3 + 1]! + 0.0722 * rgb[p * 3 + 2]!;
}

/**
 * A line drawing: at least 80% near-white, at most 18% clearly marked, and the marks grey
 * rather than coloured. A product photo on white fails on the share covered (the object fills
 * far more than lines do) or on colour.
 */
export function isLineDrawing(rgb: Uint8Array): boolean {
  const pixels = rgb.length / 3;
  let white = 0;
  let marked = 0;
  let coloured = 0;
  for (let p = 0; p < pixels; p++) {
    const y = luma(rgb, p);
    if (y >= 225) white++;
    else if (y < 200) {
      marked++;
      const r = rgb[p * 3]!;
      const g = rgb[p * 3 + 1]!;
      const b = rgb[p * 3 + 2]!;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 48) coloured++;
    }
  }
  return marked > 0 && white >= 0.8 * pixels && marked <= 0.18 * pixels && coloured <= 0.1 * marked;
}

/**
 * A drawing's lines as grey levels, darkened by squaring (in 0..1): lines that scaling made
 * thin and grey come back near black, as the pen draws them, while white stays white.
 */
function drawingLines(rgb: Uint8Array): Uint8Array {
  const pixels = rgb.length / 3;
  const grey = new Uint8Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const v = luma(rgb, p) / 255;
    grey[p] = Math.round(255 * v * v);
  }
  return grey;
}
