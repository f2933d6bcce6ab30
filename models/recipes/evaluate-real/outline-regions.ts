import type { RgbImage } from '../shared/metrics.js';

/**
 * Where a drawn outline's bag is: the background is what the image border reaches without
 * crossing a line; the body is the largest region the lines enclose (handle loops and pockets
 * are smaller). Both keep `margin` px away from the lines, so the scores judge what lies beyond
 * and within the outline, not the strokes' own anti-aliased edges.
 */
export interface OutlineRegions {
  /** 1 for background pixels at least `margin` px from any line. */
  background: Uint8Array;
  /** 1 for body pixels at least `margin` px from any line. */
  body: Uint8Array;
}

const LINE = 200;

export function outlineRegions(outline: RgbImage, margin = 4): OutlineRegions {
  const { width: w, height: h } = outline;
  const n = w * h;
  const line = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const i = p * 3;
    line[p] = Math.min(outline.rgb[i] ?? 0, outline.rgb[i + 1] ?? 0, outline.rgb[i + 2] ?? 0) < LINE ? 1 : 0;
  }
  // Regions of non-line pixels (4-connected), labelled by flood fill.
  const label = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  const touchesBorder: boolean[] = [];
  const stack: number[] = [];
  for (let start = 0; start < n; start++) {
    if (line[start] === 1 || label[start] !== -1) continue;
    const id = sizes.length;
    let size = 0;
    let border = false;
    label[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop() as number;
      size += 1;
      const x = p % w;
      const y = (p - x) / w;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) border = true;
      for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1]) {
        if (q >= 0 && line[q] === 0 && label[q] === -1) {
          label[q] = id;
          stack.push(q);
        }
      }
    }
    sizes.push(size);
    touchesBorder.push(border);
  }
  let bodyId = -1;
  sizes.forEach((s, id) => {
    if (!touchesBorder[id] && (bodyId < 0 || s > (sizes[bodyId] ?? 0))) bodyId = id;
  });
  const near = distanceToLine(line, w, h, margin);
  const background = new Uint8Array(n);
  const body = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    if (near[p] === 1) continue;
    const id = label[p] as number;
    if (id >= 0 && touchesBorder[id]) background[p] = 1;
    else if (id === bodyId) body[p] = 1;
  }
  return { background, body };
}

/** 1 for pixels within `margin` px (Chebyshev) of a line pixel. */
function distanceToLine(line: Uint8Array, w: number, h: number, margin: number): Uint8Array {
  const out = new Uint8Array(line.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (line[y * w + x] !== 1) continue;
      for (let dy = -margin; dy <= margin; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -margin; dx <= margin; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < w) out[yy * w + xx] = 1;
        }
      }
    }
  }
  return out;
}

/** How far a pixel is from white: 255 minus its darkest channel. */
export function fromWhite(img: RgbImage, p: number): number {
  const i = p * 3;
  return 255 - Math.min(img.rgb[i] ?? 0, img.rgb[i + 1] ?? 0, img.rgb[i + 2] ?? 0);
}
