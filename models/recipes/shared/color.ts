/**
 * Colour arithmetic in plain 0..255 RGB triples. The renderers compute every lit, snowy or foggy
 * colour here and write it into the SVG, rather than relying on SVG blending, so each condition
 * moves colours by a simple, monotone mix.
 */

export type Rgb = readonly [number, number, number];

export function hexToRgb(hex: string): Rgb {
  const value = Number.parseInt(hex.replace('#', ''), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

export function rgbToHex(c: Rgb): string {
  const part = (v: number): string => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0');
  return `#${part(c[0])}${part(c[1])}${part(c[2])}`;
}

/** Linear mix: amount 0 gives a, 1 gives b. */
export function mix(a: Rgb, b: Rgb, amount: number): Rgb {
  const k = Math.min(1, Math.max(0, amount));
  return [a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k, a[2] + (b[2] - a[2]) * k];
}

/** Per-channel multiply by a light colour given as 0..1 gains. */
export function multiply(c: Rgb, gain: Rgb): Rgb {
  return [c[0] * gain[0], c[1] * gain[1], c[2] * gain[2]];
}

export function scale(c: Rgb, k: number): Rgb {
  return [c[0] * k, c[1] * k, c[2] * k];
}

/** Piecewise-linear interpolation through (position, colour) keys sorted by position. */
export function interpolateKeys(keys: readonly (readonly [number, Rgb])[], at: number): Rgb {
  const first = keys[0];
  if (first === undefined) throw new Error('no colour keys');
  if (at <= first[0]) return first[1];
  for (let i = 1; i < keys.length; i++) {
    const lo = keys[i - 1];
    const hi = keys[i];
    if (lo === undefined || hi === undefined) break;
    if (at <= hi[0]) return mix(lo[1], hi[1], (at - lo[0]) / (hi[0] - lo[0]));
  }
  return keys[keys.length - 1]?.[1] ?? first[1];
}

export function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}

export function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
