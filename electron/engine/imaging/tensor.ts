import { StudioError } from '../errors.js';

/**
 * Images <-> NCHW float32 tensors with the generators' conventions: x in [0,255] -> x/127.5 - 1
 * on the way in, y -> (y+1)*127.5 rounded and clamped on the way out, and reflect padding on the
 * right and bottom up to the size multiple the network needs, cropped off again afterwards.
 *
 * These loops run on every image at full resolution, so they are plain typed-array loops with
 * lookup tables and no per-pixel allocation or function-call dispatch.
 */

export interface PaddedSize {
  paddedWidth: number;
  paddedHeight: number;
}

/** A 1 x 3 x paddedHeight x paddedWidth tensor. */
export interface ImageTensor extends PaddedSize {
  data: Float32Array;
}

/** x/127.5 - 1 for every byte value, rounded once to float32 exactly as a per-pixel division would be. */
export const TO_UNIT = (() => {
  const table = new Float32Array(256);
  for (let x = 0; x < 256; x++) table[x] = x / 127.5 - 1;
  return table;
})();

/**
 * Sides rounded up to the next multiple (a multiple of 1 leaves them as they are), and to at
 * least `minSide` (itself rounded up to the multiple).
 */
export function paddedSize(width: number, height: number, multiple: number, minSide = 1): PaddedSize {
  checkSize(width, height);
  if (!Number.isInteger(multiple) || multiple < 1) {
    throw new StudioError('BAD_ARGUMENT', `size multiple must be a positive whole number, got ${String(multiple)}`);
  }
  const side = (n: number): number => Math.ceil(Math.max(n, minSide) / multiple) * multiple;
  return { paddedWidth: side(width), paddedHeight: side(height) };
}

/**
 * The source index for position `i` of a side `n` pixels long under reflect padding, which
 * mirrors without repeating the edge pixel (PyTorch ReflectionPad, ONNX Pad mode=reflect):
 * for n = 3, positions 0.. map to 0 1 2 1 0 1 2 1 0 ... Unlike those, padding wider than the
 * side is allowed and keeps bouncing between the edges (period 2(n-1)), so a 10 px image can
 * pad to 256. A 1 px side has nothing to reflect and repeats its pixel. Negative `i` (padding on
 * the left or top) mirrors the same way.
 */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = Math.abs(i) % period;
  return m < n ? m : period - m;
}

/** Normalises and reflect-pads one image into a new 1 x 3 x PH x PW tensor (see paddedSize). */
export function imageToTensor(rgb: Uint8Array, width: number, height: number, multiple: number, minSide = 1): ImageTensor {
  const { paddedWidth, paddedHeight } = paddedSize(width, height, multiple, minSide);
  checkRgb(rgb, width, height);
  const data = new Float32Array(3 * paddedWidth * paddedHeight);
  const plane = paddedWidth * paddedHeight;
  // Per-column source byte offsets and per-row source indices: the reflection is worked out
  // once per line, not once per pixel.
  const columnBytes = new Int32Array(paddedWidth);
  for (let x = 0; x < paddedWidth; x++) columnBytes[x] = reflectIndex(x, width) * 3;
  const rowStride = width * 3;
  for (let y = 0; y < paddedHeight; y++) {
    const rowStart = reflectIndex(y, height) * rowStride;
    let o = y * paddedWidth;
    for (let x = 0; x < paddedWidth; x++, o++) {
      const s = rowStart + columnBytes[x]!;
      data[o] = TO_UNIT[rgb[s]!]!;
      data[o + plane] = TO_UNIT[rgb[s + 1]!]!;
      data[o + 2 * plane] = TO_UNIT[rgb[s + 2]!]!;
    }
  }
  return { data, paddedWidth, paddedHeight };
}

/**
 * Reads one image back out of a 3 x PH x PW tensor starting at `offset` (floats), cropping the padding off: y -> (y+1)*127.5, rounded half up as
 * Math.round does (after the clamp to [0,255] that is the same as half away from zero), then
 * clamped. NaN comes out as 0. Returns interleaved HWC RGB.
 */
export function tensorToImage(
  data: Float32Array,
  paddedWidth: number,
  paddedHeight: number,
  width: number,
  height: number,
  offset = 0,
): Uint8Array {
  checkSize(width, height);
  checkTensor(data.length, paddedWidth, paddedHeight, width, height, offset);
  const plane = paddedWidth * paddedHeight;
  const out = new Uint8Array(width * height * 3);
  for (let y = 0, d = 0; y < height; y++) {
    let i = offset + y * paddedWidth;
    for (let x = 0; x < width; x++, i++, d += 3) {
      // t = value + 0.5; storing into a Uint8Array truncates, which for t in (0, 255) is
      // floor(value + 0.5) = Math.round(value). NaN fails both tests and is stored as 0.
      let t = (data[i]! + 1) * 127.5 + 0.5;
      out[d] = t <= 0 ? 0 : t >= 255 ? 255 : t;
      t = (data[i + plane]! + 1) * 127.5 + 0.5;
      out[d + 1] = t <= 0 ? 0 : t >= 255 ? 255 : t;
      t = (data[i + 2 * plane]! + 1) * 127.5 + 0.5;
      out[d + 2] = t <= 0 ? 0 : t >= 255 ? 255 : t;
    }
  }
  return out;
}

function checkSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new StudioError('BAD_ARGUMENT', `image size must be positive whole numbers, got ${width} x ${height}`);
  }
}

function checkRgb(rgb: Uint8Array, width: number, height: number): void {
  if (rgb.length !== width * height * 3) {
    throw new StudioError('BAD_ARGUMENT', `rgb has ${rgb.length} bytes, expected ${width * height * 3} for ${width} x ${height}`);
  }
}

function checkTensor(length: number, paddedWidth: number, paddedHeight: number, width: number, height: number, offset: number): void {
  if (!Number.isInteger(paddedWidth) || !Number.isInteger(paddedHeight) || paddedWidth < width || paddedHeight < height) {
    throw new StudioError('BAD_ARGUMENT', `padded size ${paddedWidth} x ${paddedHeight} is smaller than the image ${width} x ${height}`);
  }
  if (!Number.isInteger(offset) || offset < 0 || offset + 3 * paddedWidth * paddedHeight > length) {
    throw new StudioError(
      'BAD_ARGUMENT',
      `tensor of ${length} floats has no 3 x ${paddedHeight} x ${paddedWidth} item at offset ${offset}`,
    );
  }
}
