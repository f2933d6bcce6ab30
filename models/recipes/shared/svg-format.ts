/** Number formatting shared by the SVG writers. */

/** Coordinates to one decimal keep the SVG short without visible rounding at any size. */
export function n(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}

/** Opacities and gradient offsets keep three decimals, so slider steps never quantise. */
export function op(v: number): string {
  return (Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000).toString();
}
