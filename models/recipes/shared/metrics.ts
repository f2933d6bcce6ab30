/**
 * Held-out evaluation for the starter models: L1 and SSIM against true renders, and luminance
 * and colour statistics for unpaired translation. Images are interleaved 8-bit RGB of one size.
 */

export interface RgbImage {
  rgb: Uint8Array;
  width: number;
  height: number;
}

/** Mean absolute difference over all channels, in 8-bit levels (0..255). */
export function l1(a: RgbImage, b: RgbImage): number {
  sameSize(a, b);
  let sum = 0;
  for (let i = 0; i < a.rgb.length; i++) sum += Math.abs((a.rgb[i] ?? 0) - (b.rgb[i] ?? 0));
  return sum / a.rgb.length;
}

/** Rec. 601 luma of each pixel, 0..255. */
export function luma(img: RgbImage): Float64Array {
  const out = new Float64Array(img.width * img.height);
  for (let p = 0, i = 0; p < out.length; p++, i += 3) {
    out[p] = 0.299 * (img.rgb[i] ?? 0) + 0.587 * (img.rgb[i + 1] ?? 0) + 0.114 * (img.rgb[i + 2] ?? 0);
  }
  return out;
}

/**
 * SSIM (Wang et al. 2004) on luma with the usual constants (K1 0.01, K2 0.03, L 255) and an
 * 8 x 8 window moved in steps of 4, averaged over windows: 1 for identical images.
 */
export function ssim(a: RgbImage, b: RgbImage): number {
  sameSize(a, b);
  const x = luma(a);
  const y = luma(b);
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  const win = 8;
  const step = 4;
  let total = 0;
  let count = 0;
  for (let top = 0; top + win <= a.height; top += step) {
    for (let left = 0; left + win <= a.width; left += step) {
      let mx = 0;
      let my = 0;
      for (let r = 0; r < win; r++) {
        for (let c = 0; c < win; c++) {
          const k = (top + r) * a.width + left + c;
          mx += x[k] ?? 0;
          my += y[k] ?? 0;
        }
      }
      const n = win * win;
      mx /= n;
      my /= n;
      let vx = 0;
      let vy = 0;
      let cov = 0;
      for (let r = 0; r < win; r++) {
        for (let c = 0; c < win; c++) {
          const k = (top + r) * a.width + left + c;
          const dx = (x[k] ?? 0) - mx;
          const dy = (y[k] ?? 0) - my;
          vx += dx * dx;
          vy += dy * dy;
          cov += dx * dy;
        }
      }
      vx /= n - 1;
      vy /= n - 1;
      cov /= n - 1;
      total += ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
      count += 1;
    }
  }
  return count === 0 ? 1 : total / count;
}

export interface ColourStats {
  /** Mean luma, 0..255. */
  luma: number;
  /** Mean of each channel. */
  r: number;
  g: number;
  b: number;
}

export function colourStats(img: RgbImage): ColourStats {
  let r = 0;
  let g = 0;
  let b = 0;
  const n = img.width * img.height;
  for (let i = 0; i < img.rgb.length; i += 3) {
    r += img.rgb[i] ?? 0;
    g += img.rgb[i + 1] ?? 0;
    b += img.rgb[i + 2] ?? 0;
  }
  r /= n;
  g /= n;
  b /= n;
  return { luma: 0.299 * r + 0.587 * g + 0.114 * b, r, g, b };
}

/** Pearson correlation of two images' luma: whether the photo's structure survived the translation. */
export function lumaCorrelation(a: RgbImage, b: RgbImage): number {
  const x = luma(a);
  const y = luma(b);
  const mx = mean([...x]);
  const my = mean([...y]);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(Math.max(1e-9, sxx * syy));
}

export const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);

function sameSize(a: RgbImage, b: RgbImage): void {
  if (a.width !== b.width || a.height !== b.height || a.rgb.length !== b.rgb.length) {
    throw new Error(`images differ in size: ${a.width}x${a.height} and ${b.width}x${b.height}`);
  }
}
