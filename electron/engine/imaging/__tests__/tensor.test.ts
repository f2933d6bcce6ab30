import { describe, expect, it } from 'vitest';
import { StudioError } from '../../errors.js';
import { imageToTensor, paddedSize, reflectIndex, tensorToImage } from '../tensor.js';

const unit = (x: number): number => Math.fround(x / 127.5 - 1);

/** Reflection worked out independently: walk along the side and turn round at each edge pixel. */
function bounce(n: number, count: number): number[] {
  const out: number[] = [];
  let pos = 0;
  let step = 1;
  for (let i = 0; i < count; i++) {
    out.push(pos);
    if (n === 1) continue;
    if (pos + step < 0 || pos + step >= n) step = -step;
    pos += step;
  }
  return out;
}

/** A 1-pixel-high image whose red value at x is `10 * x`: the red plane spells out the source column. */
function ruler(width: number): Uint8Array {
  const rgb = new Uint8Array(width * 3);
  for (let x = 0; x < width; x++) rgb[x * 3] = 10 * x;
  return rgb;
}

function randomImage(width: number, height: number, seed: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  let state = seed >>> 0;
  for (let i = 0; i < rgb.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0; // LCG: deterministic, no dependency
    rgb[i] = state >>> 24;
  }
  return rgb;
}

describe('reflectIndex', () => {
  it('mirrors without repeating the edge pixel, like ReflectionPad', () => {
    expect(Array.from({ length: 9 }, (_, i) => reflectIndex(i, 3))).toEqual([0, 1, 2, 1, 0, 1, 2, 1, 0]);
    expect(Array.from({ length: 7 }, (_, i) => reflectIndex(-i, 4))).toEqual([0, 1, 2, 3, 2, 1, 0]);
  });

  it('repeats the only pixel of a 1-pixel side', () => {
    expect(Array.from({ length: 5 }, (_, i) => reflectIndex(i, 1))).toEqual([0, 0, 0, 0, 0]);
  });

  it('keeps bouncing when the pad is many times the side (10 px to 256)', () => {
    for (const n of [1, 2, 3, 10, 17]) {
      expect(Array.from({ length: 256 }, (_, i) => reflectIndex(i, n))).toEqual(bounce(n, 256));
    }
  });
});

describe('imageToTensor', () => {
  it('normalises and reflect-pads a 3x2 image to 4x4 exactly as worked out by hand', () => {
    // Red: row 0 = 0 51 102, row 1 = 153 204 255; green = 255 - red; blue = 10.
    const red = [0, 51, 102, 153, 204, 255];
    const rgb = new Uint8Array(red.flatMap((r) => [r, 255 - r, 10]));
    const { data, paddedWidth, paddedHeight } = imageToTensor(rgb, 3, 2, 4);
    expect([paddedWidth, paddedHeight, data.length]).toEqual([4, 4, 3 * 16]);
    // Columns 0 1 2 | 1, rows 0 1 | 0 1.
    const redPlane = [0, 51, 102, 51, 153, 204, 255, 204, 0, 51, 102, 51, 153, 204, 255, 204];
    expect(Array.from(data.subarray(0, 16))).toEqual(redPlane.map(unit));
    expect(Array.from(data.subarray(16, 32))).toEqual(redPlane.map((r) => unit(255 - r)));
    expect(Array.from(data.subarray(32, 48))).toEqual(new Array<number>(16).fill(unit(10)));
    expect([data[0], data[6]]).toEqual([-1, 1]); // 0 -> -1 and 255 -> +1 exactly
  });

  it('pads a side smaller than the pad by bouncing back and forth', () => {
    const cases: [width: number, multiple: number, columns: number[]][] = [
      [1, 4, [0, 0, 0, 0]],
      [2, 8, [0, 1, 0, 1, 0, 1, 0, 1]],
      [3, 8, [0, 1, 2, 1, 0, 1, 2, 1]],
    ];
    for (const [width, multiple, columns] of cases) {
      const { data, paddedWidth, paddedHeight } = imageToTensor(ruler(width), width, 1, multiple);
      expect([paddedWidth, paddedHeight]).toEqual([multiple, multiple]);
      for (let y = 0; y < paddedHeight; y++) {
        // Height 1 repeats the single row everywhere.
        expect(Array.from(data.subarray(y * paddedWidth, (y + 1) * paddedWidth))).toEqual(columns.map((x) => unit(10 * x)));
      }
    }
  });

  it('pads a 10 px wide image to 256 with period 18', () => {
    const { data, paddedWidth } = imageToTensor(ruler(10), 10, 1, 256);
    expect(paddedWidth).toBe(256);
    expect(Array.from(data.subarray(0, 256))).toEqual(bounce(10, 256).map((x) => unit(10 * x)));
  });

  it('leaves sizes that are already multiples alone', () => {
    expect(paddedSize(256, 512, 256)).toEqual({ paddedWidth: 256, paddedHeight: 512 });
    expect(paddedSize(257, 3, 4)).toEqual({ paddedWidth: 260, paddedHeight: 4 });
    expect(paddedSize(7, 5, 1)).toEqual({ paddedWidth: 7, paddedHeight: 5 });
  });

  it('rejects bad sizes with BAD_ARGUMENT', () => {
    expect(() => imageToTensor(new Uint8Array(5), 2, 1, 4)).toThrow(StudioError);
    expect(() => paddedSize(0, 4, 4)).toThrow(/positive whole numbers/);
    expect(() => paddedSize(4, 4, 0)).toThrow(/multiple/);
  });
});

describe('tensorToImage', () => {
  it('inverts imageToTensor exactly for every byte value, padding cropped off', () => {
    for (const [width, height, multiple] of [[17, 11, 4], [10, 3, 256], [1, 1, 8], [16, 16, 16]] as const) {
      const rgb = randomImage(width, height, width * 31 + height);
      if (width === 17) for (let v = 0; v < 256; v++) rgb[v] = v; // all 256 values appear
      const { data, paddedWidth, paddedHeight } = imageToTensor(rgb, width, height, multiple);
      const back = tensorToImage(data, paddedWidth, paddedHeight, width, height);
      expect(Buffer.from(back).equals(Buffer.from(rgb))).toBe(true);
    }
  });

  it('rounds half up and clamps to 0..255; NaN becomes 0', () => {
    // One 8-pixel row: tensor values for the red plane, green and blue 0.
    const values = [-1, 1, 0, -2, 3, Number.NaN, 2 / 255 - 1 + 1e-6, -1 + 0.4 / 127.5];
    const data = new Float32Array(3 * values.length);
    data.set(values);
    const out = tensorToImage(data, values.length, 1, values.length, 1);
    expect(Array.from({ length: values.length }, (_, x) => out[x * 3])).toEqual([0, 255, 128, 0, 255, 0, 1, 0]);
    expect(out[1]).toBe(128); // green 0 -> 127.5 -> 128
  });

  it('refuses offsets past the end and a padded size smaller than the image', () => {
    expect(() => tensorToImage(new Float32Array(48), 4, 4, 4, 4, 1)).toThrow(/offset 1/);
    expect(() => tensorToImage(new Float32Array(48), 2, 4, 4, 4)).toThrow(/smaller than the image/);
  });
});
