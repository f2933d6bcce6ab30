import type { RgbImage } from './metrics.js';

/**
 * Photographic grades: the targets the photo-trained starters learn, applied pixel by pixel to
 * real photographs so that the models see real textures (grass, fur, water) on both sides of the
 * translation. A rendered night paints small lit windows that a generator then scatters over
 * every texture of a photo (docs/BENCHMARKS.md, the resize trial); a grade changes light and
 * colour and keeps every edge where it was, which is what "the structure of the photo kept" asks.
 *
 * Each grade works in linear light (as a camera's exposure does), takes a strength in [0, 1]
 * (0 leaves the photo as it is, so a slider at 0 is the plain photo) and is smooth in it.
 */

const toLinear = new Float32Array(256).map((_, v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

function toSrgb(linear: number): number {
  const c = Math.min(1, Math.max(0, linear));
  const s = c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
  return Math.round(s * 255);
}

/** Applies `pixel` (linear RGB in, linear RGB out) to every pixel of a copy of `img`. */
function mapLinear(img: RgbImage, pixel: (r: number, g: number, b: number, out: Float32Array) => void): RgbImage {
  const out = new Uint8Array(img.rgb.length);
  const px = new Float32Array(3);
  for (let i = 0; i < img.rgb.length; i += 3) {
    pixel(toLinear[img.rgb[i] ?? 0] ?? 0, toLinear[img.rgb[i + 1] ?? 0] ?? 0, toLinear[img.rgb[i + 2] ?? 0] ?? 0, px);
    out[i] = toSrgb(px[0] ?? 0);
    out[i + 1] = toSrgb(px[1] ?? 0);
    out[i + 2] = toSrgb(px[2] ?? 0);
  }
  return { rgb: out, width: img.width, height: img.height };
}

const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;
const luminance = (r: number, g: number, b: number): number => 0.2126 * r + 0.7152 * g + 0.0722 * b;

/** How a night grade varies from image to image (drawn by the recipe, so the night domain is a spread, not one filter). */
export interface NightLook {
  /** Linear exposure at full strength: 0.12 to 0.28 is about 2 to 3 stops under (before the highlight roll-off). */
  exposure: number;
  /** Moonlight tint at full strength, per channel (blue above red). */
  tint: readonly [number, number, number];
}

export function randomNightLook(uniform: () => number): NightLook {
  const blue = 0.3 + 0.3 * uniform();
  return { exposure: 0.12 + 0.16 * uniform(), tint: [1 - 0.8 * blue, 1 - 0.3 * blue, 1 + blue] };
}

export const MIDDLE_NIGHT: NightLook = { exposure: 0.2, tint: [0.64, 0.865, 1.45] };

/**
 * Day for night, as films shot it: three to four stops under, highlights held down (a bright
 * sky turns dark rather than grey), colour drained (the eye sees little colour by moonlight)
 * and moved to blue.
 */
export function nightGrade(img: RgbImage, strength: number, look: NightLook = MIDDLE_NIGHT): RgbImage {
  const s = Math.min(1, Math.max(0, strength));
  // Exposure in stops, so equal slider steps look like equal steps of darkening.
  const gain = look.exposure ** s;
  const drain = 0.6 * s;
  const tint = look.tint.map((t) => lerp(1, t, s));
  // Highlight roll-off: y / (1 + k y) holds bright areas down (white to a quarter) and leaves shadows as they are.
  const k = 3 * s;
  return mapLinear(img, (r, g, b, out) => {
    const y = luminance(r, g, b);
    const ratio = 1 / (1 + k * y);
    for (const [c, v] of [r, g, b].entries()) out[c] = lerp(v, y, drain) * ratio * gain * (tint[c] ?? 1);
  });
}

/** Fog: contrast lost to a bright, slightly cool veil of scattered light. */
export function fogGrade(img: RgbImage, strength: number): RgbImage {
  const s = Math.min(1, Math.max(0, strength));
  const veil = [0.62, 0.66, 0.7];
  const amount = 0.65 * s;
  return mapLinear(img, (r, g, b, out) => {
    for (const [c, v] of [r, g, b].entries()) out[c] = lerp(v, veil[c] ?? 0.66, amount);
  });
}

/**
 * Snow: the light of a snowy day, bright, cold and nearly colourless; the bright parts of the
 * photo (open ground, tops of things) go white first, dark parts (trunks, shadows) stay darker.
 */
export function snowGrade(img: RgbImage, strength: number): RgbImage {
  const s = Math.min(1, Math.max(0, strength));
  return mapLinear(img, (r, g, b, out) => {
    const y = luminance(r, g, b);
    // Cover rises with brightness: where light falls, snow lies.
    const cover = s * Math.min(1, Math.max(0, (y - 0.04) / 0.3)) * 0.85;
    const grey = lerp(1, 0.35, s);
    const cold = [lerp(1, 0.93, s), lerp(1, 0.97, s), lerp(1, 1.06, s)];
    const white = [0.86, 0.9, 0.96];
    for (const [c, v] of [r, g, b].entries()) out[c] = lerp(lerp(y, v, grey) * (cold[c] ?? 1) * lerp(1, 1.25, s), white[c] ?? 0.9, cover);
  });
}
