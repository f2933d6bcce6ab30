import { StudioError } from '../errors.js';

/**
 * Edge maps that look like the HED-derived inputs of the public edges2shoes / edges2handbags
 * data: thin dark strokes on white along object outlines and the main inner lines, with little
 * texture. The studio derives them from a user's photos ("edges from photos" training) and the
 * sketch pad reuses them, so a model's inputs at training time and at drawing time agree.
 *
 * HED itself is a deep network; this is a classical detector tuned towards its look:
 *
 * 1. Gaussian blur (sigma grows with the image, ~1.7 px at 256): HED answers to object-level
 *    boundaries, not to fabric grain or JPEG noise, and blurring first is what removes those.
 * 2. Colour gradient as the largest eigenvalue of the RGB structure tensor (Di Zenzo) from
 *    Scharr derivatives: a red bag on a grey table of equal brightness still has an outline,
 *    which a grey-level detector would miss; Scharr keeps diagonal outlines as strong as
 *    straight ones.
 * 3. Non-maximum suppression along the gradient direction with interpolated neighbours, so
 *    each boundary becomes a line one pixel wide that follows curves without staircase gaps.
 * 4. Hysteresis whose thresholds come from the image itself (a quantile of the ridge strengths,
 *    with a floor in grey levels): a low-contrast photo still gets its outline, a busy one is
 *    not flooded, and a flat image gets none. Weak ridges survive only when connected to a
 *    strong one, which keeps contours continuous; long weak lines are kept on their own too,
 *    since a seam or a flap meets the outline at a T-junction whose gap cuts it off there.
 * 5. Connected pieces shorter than a few percent of the image side are dropped: HED's maps have
 *    almost no isolated specks.
 * 6. Busy pictures, whose strokes would cover more than a few percent of the picture (HED's
 *    rarely do), are looked at again at coarser scales, which drops texture and keeps objects;
 *    only if that is not enough are the thresholds raised.
 * 7. The one-pixel lines are drawn as black cores with a grey rim on their four neighbours:
 *    HED strokes are soft and about two pixels wide, and a symmetric rim widens the line
 *    without moving it off the true contour.
 *
 * Borders are read by mirroring the image (reflection, no repeated edge pixel), so the frame of
 * the picture is never mistaken for an edge.
 */
export interface EdgeOptions {
  /** Blur in pixels. Default: 1.7 at a 256 px shorter side, in proportion above that. */
  sigma?: number;
  /**
   * Share of ridge pixels strong enough to start an edge (0..1). Default 0.25: a quarter of
   * the candidate ridges seed contours; hysteresis extends them along weaker connected ridges.
   */
  strongShare?: number;
  /** Weak threshold as a fraction of the strong one. Default 0.3. */
  lowRatio?: number;
  /** Smallest contrast, as the height of a grey-level step (0..255), ever taken as an edge. Default 12. */
  minContrast?: number;
  /** Connected edges with fewer pixels are removed. Default 3% of the shorter side, at least 6. */
  minLength?: number;
  /**
   * Largest share of the picture the stroke cores may cover (0..1). Default 0.06; busier
   * results are traced again at coarser scales, then with higher thresholds. HED maps of
   * objects cover a few percent.
   */
  maxDensity?: number;
  /** 1: bare one-pixel black lines. 2 (default): black core plus a grey rim, HED-like soft strokes. */
  strokeWidth?: 1 | 2;
}

/** A step of this many grey levels always starts an edge, however busy the rest of the picture. */
const STRONG_STEP = 64;

/** Grey value of the rim pixels beside a stroke core (strokeWidth 2). */
const RIM_GREY = 150;

/**
 * Detects edges in interleaved 8-bit RGB. Returns `width * height` grey bytes: 255 background,
 * 0 on stroke cores (and RIM_GREY beside them with strokeWidth 2). The input is not modified.
 */
export function detectEdges(rgb: Uint8Array, width: number, height: number, options: EdgeOptions = {}): Uint8Array {
  checkInput(rgb, width, height);
  const shorter = Math.min(width, height);
  const sigma = options.sigma ?? 1.7 * Math.max(1, shorter / 256);
  const strongShare = options.strongShare ?? 0.25;
  const lowRatio = options.lowRatio ?? 0.3;
  const minContrast = options.minContrast ?? 12;
  const minLength = options.minLength ?? Math.max(6, Math.round(0.03 * shorter));
  const strokeWidth = options.strokeWidth ?? 2;
  const maxDensity = options.maxDensity ?? 0.06;
  checkOption('sigma', sigma, 0, 64);
  checkOption('strongShare', strongShare, 0, 1);
  checkOption('lowRatio', lowRatio, 0, 1);
  checkOption('minContrast', minContrast, 0, 255);
  checkOption('minLength', minLength, 0, Number.MAX_SAFE_INTEGER);
  checkOption('maxDensity', maxDensity, 0, 1);
  if (strokeWidth !== 1 && strokeWidth !== 2) {
    throw new StudioError('BAD_ARGUMENT', `strokeWidth must be 1 or 2, got ${String(strokeWidth)}`);
  }
  // Long enough to be a seam or a fold rather than grain: a sixth of the shorter side.
  const settings: TraceSettings = { strongShare, lowRatio, minContrast, minLength, minWeakLength: Math.max(2 * minLength, Math.round(shorter / 6)) };

  // Busy pictures (circuit boards, foliage, patterned fabric) would come out as a thicket that
  // looks nothing like HED's object outlines. Looking again at a coarser scale (more blur) is
  // what removes texture while keeping object boundaries; only when that is not enough are the
  // thresholds raised, keeping the strongest structure.
  let blurred = colourPlanes(rgb, width, height).map((plane) => blurPlane(plane, width, height, gaussianKernel(sigma)));
  let scale = ridgesAtScale(blurred, width, height, sigma, settings);
  let lines = trace(scale, 1, settings);
  const budget = maxDensity * width * height;
  for (let coarser = 1, current = sigma; coarser <= 3 && countSet(lines) > budget; coarser++) {
    // Blurring the blurred planes further is cheaper than starting over: Gaussian blurs add
    // up in variance, so the extra blur needs only sqrt(next^2 - current^2).
    const next = sigma * Math.pow(1.4, coarser);
    const extra = gaussianKernel(Math.sqrt(next * next - current * current));
    blurred = blurred.map((plane) => blurPlane(plane, width, height, extra));
    current = next;
    scale = ridgesAtScale(blurred, width, height, next, settings);
    lines = trace(scale, 1, settings);
  }
  for (let stricter = 1; stricter <= 12 && countSet(lines) > budget; stricter++) {
    lines = trace(scale, Math.pow(1.2, stricter), settings);
  }
  return drawStrokes(lines, width, height, strokeWidth);
}

interface TraceSettings {
  strongShare: number;
  lowRatio: number;
  minContrast: number;
  minLength: number;
  minWeakLength: number;
}

/** The ridges (one-pixel maxima of gradient strength) at one blur, with their thresholds. */
interface ScaleRidges {
  width: number;
  height: number;
  ridges: Uint8Array;
  magnitude: Float32Array;
  high: number;
  low: number;
}

function ridgesAtScale(blurred: Float32Array[], width: number, height: number, sigma: number, settings: TraceSettings): ScaleRidges {
  const { magnitude, dirX, dirY } = colourGradient(blurred, width, height);
  // Gradient of a blurred step of height h peaks at h / (sqrt(2 pi) sigma): scaling by that
  // factor reads magnitudes as step heights in grey levels, whatever the blur.
  const toStepHeight = sigma > 0 ? Math.sqrt(2 * Math.PI) * sigma : 1;
  const floor = settings.minContrast / toStepHeight;
  const ridges = suppressNonMaxima(magnitude, dirX, dirY, width, height, floor);
  const { high, low } = thresholds(ridges, magnitude, settings.strongShare, settings.lowRatio, floor, STRONG_STEP / toStepHeight);
  return { width, height, ridges, magnitude, high, low };
}

/** One-pixel edge lines (1 on a line, else 0), with both thresholds scaled by `strictness`. */
function trace(scale: ScaleRidges, strictness: number, settings: TraceSettings): Uint8Array {
  const { width, height, ridges, magnitude, high, low } = scale;
  const lines = hysteresis(ridges, magnitude, width, height, high * strictness, low * strictness);
  addLongWeakLines(lines, ridges, magnitude, width, height, low * strictness, settings.minWeakLength);
  removeShortPieces(lines, width, height, settings.minLength);
  return lines;
}

function checkInput(rgb: Uint8Array, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new StudioError('BAD_ARGUMENT', `image size must be positive whole numbers, got ${width} x ${height}`);
  }
  if (rgb.length !== width * height * 3) {
    throw new StudioError('BAD_ARGUMENT', `rgb has ${rgb.length} bytes, expected ${width * height * 3} for ${width} x ${height}`);
  }
}

function checkOption(name: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new StudioError('BAD_ARGUMENT', `edge option ${name} must be from ${min} to ${max}, got ${String(value)}`);
  }
}

/** Mirror index without repeating the edge pixel; sides of 1 px repeat their only pixel. */
function mirror(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = Math.abs(i) % period;
  return m < n ? m : period - m;
}

function gaussianKernel(sigma: number): Float32Array {
  if (sigma <= 0) return Float32Array.of(1);
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i]! /= sum;
  return kernel;
}

/** The three colour channels of interleaved RGB as separate float planes. */
function colourPlanes(rgb: Uint8Array, width: number, height: number): Float32Array[] {
  const pixels = width * height;
  return [0, 1, 2].map((c) => {
    const plane = new Float32Array(pixels);
    for (let p = 0; p < pixels; p++) plane[p] = rgb[p * 3 + c]!;
    return plane;
  });
}

/**
 * Separable blur of one plane with mirrored borders. Both passes walk memory in order (the
 * vertical one adds whole weighted rows), which matters more than the arithmetic here.
 */
function blurPlane(plane: Float32Array, width: number, height: number, kernel: Float32Array): Float32Array {
  const radius = (kernel.length - 1) / 2;
  if (radius === 0) return plane;
  const taps = kernel.length;
  const columns = new Int32Array(width + 2 * radius);
  for (let i = 0; i < columns.length; i++) columns[i] = mirror(i - radius, width);
  // Float64 scratch: V8 reads doubles without a conversion in the inner loops.
  const padded = new Float64Array(width + 2 * radius);
  const tmp = new Float64Array(plane.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let i = 0; i < padded.length; i++) padded[i] = plane[row + columns[i]!]!;
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = 0; k < taps; k++) sum += kernel[k]! * padded[x + k]!;
      tmp[row + x] = sum;
    }
  }
  const out = new Float32Array(plane.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let k = 0; k < taps; k++) {
      const weight = kernel[k]!;
      const source = mirror(y + k - radius, height) * width;
      for (let x = 0; x < width; x++) out[row + x]! += weight * tmp[source + x]!;
    }
  }
  return out;
}

/**
 * Di Zenzo colour gradient of the blurred colour planes: per pixel the strength (square root
 * of the structure tensor's larger eigenvalue) and the unit direction across the edge.
 */
function colourGradient(blurredPlanes: Float32Array[], width: number, height: number): { magnitude: Float32Array; dirX: Float32Array; dirY: Float32Array } {
  const pixels = width * height;
  const sxx = new Float32Array(pixels);
  const syy = new Float32Array(pixels);
  const sxy = new Float32Array(pixels);
  const left = new Int32Array(width);
  const right = new Int32Array(width);
  for (let x = 0; x < width; x++) {
    left[x] = mirror(x - 1, width);
    right[x] = mirror(x + 1, width);
  }
  for (const blurred of blurredPlanes) {
    for (let y = 0; y < height; y++) {
      const up = mirror(y - 1, height) * width;
      const mid = y * width;
      const down = mirror(y + 1, height) * width;
      for (let x = 0; x < width; x++) {
        const l = left[x]!;
        const r = right[x]!;
        // Scharr (3, 10, 3) / 32: a central difference per pixel, smoothed across it.
        const gx =
          (3 * (blurred[up + r]! - blurred[up + l]!) + 10 * (blurred[mid + r]! - blurred[mid + l]!) + 3 * (blurred[down + r]! - blurred[down + l]!)) /
          32;
        const gy =
          (3 * (blurred[down + l]! - blurred[up + l]!) + 10 * (blurred[down + x]! - blurred[up + x]!) + 3 * (blurred[down + r]! - blurred[up + r]!)) /
          32;
        const p = mid + x;
        sxx[p]! += gx * gx;
        syy[p]! += gy * gy;
        sxy[p]! += gx * gy;
      }
    }
  }
  const magnitude = new Float32Array(pixels);
  const dirX = new Float32Array(pixels);
  const dirY = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const a = sxx[p]!;
    const b = syy[p]!;
    const d = sxy[p]!;
    const root = Math.sqrt((a - b) * (a - b) + 4 * d * d);
    const lambda = Math.max(0, (a + b + root) / 2);
    magnitude[p] = Math.sqrt(lambda);
    // Eigenvector of the larger eigenvalue, the direction across the edge: (d, lambda - a)
    // and (lambda - b, d) both are one; take the longer for numerical safety.
    let vx = d;
    let vy = lambda - a;
    const ux = lambda - b;
    if (ux * ux + d * d > vx * vx + vy * vy) {
      vx = ux;
      vy = d;
    }
    const length = Math.hypot(vx, vy);
    dirX[p] = length > 0 ? vx / length : 1;
    dirY[p] = length > 0 ? vy / length : 0;
  }
  return { magnitude, dirX, dirY };
}

function sampleBilinear(values: Float32Array, width: number, height: number, x: number, y: number): number {
  const cx = Math.min(Math.max(x, 0), width - 1);
  const cy = Math.min(Math.max(y, 0), height - 1);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(x0 + 1, width - 1);
  const y1 = Math.min(y0 + 1, height - 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const top = values[y0 * width + x0]! * (1 - fx) + values[y0 * width + x1]! * fx;
  const bottom = values[y1 * width + x0]! * (1 - fx) + values[y1 * width + x1]! * fx;
  return top * (1 - fy) + bottom * fy;
}

/** 1 where the gradient strength (at least `floor`) peaks across the edge, else 0. */
function suppressNonMaxima(
  magnitude: Float32Array,
  dirX: Float32Array,
  dirY: Float32Array,
  width: number,
  height: number,
  floor: number,
): Uint8Array {
  const ridges = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const m = magnitude[p]!;
      if (m < floor || m <= 1e-6) continue;
      const dx = dirX[p]!;
      const dy = dirY[p]!;
      const ahead = sampleBilinear(magnitude, width, height, x + dx, y + dy);
      const behind = sampleBilinear(magnitude, width, height, x - dx, y - dy);
      // Strict on one side only: a two-pixel plateau (an edge exactly between pixels) keeps one.
      if (m > ahead && m >= behind) ridges[p] = 1;
    }
  }
  return ridges;
}

function thresholds(
  ridges: Uint8Array,
  magnitude: Float32Array,
  strongShare: number,
  lowRatio: number,
  floor: number,
  cap: number,
): { high: number; low: number } {
  let count = 0;
  for (let p = 0; p < ridges.length; p++) if (ridges[p] === 1 && magnitude[p]! >= floor) count++;
  if (count === 0) return { high: Infinity, low: Infinity };
  // A typed array sorts numerically and natively, several times faster than number[].
  const strengths = new Float32Array(count);
  for (let p = 0, i = 0; p < ridges.length; p++) if (ridges[p] === 1 && magnitude[p]! >= floor) strengths[i++] = magnitude[p]!;
  strengths.sort();
  const index = Math.min(strengths.length - 1, Math.floor((1 - strongShare) * strengths.length));
  // Clean, simple pictures have few ridges, all of them real outlines: a cap makes any clearly
  // visible step seed an edge there. The quantile governs busy photos, where it is lower.
  const high = Math.min(Math.max(2 * floor, strengths[index]!), cap);
  return { high, low: Math.max(floor, lowRatio * high) };
}

/** Ridges at least `high` strong, grown along 8-connected ridges at least `low` strong. */
function hysteresis(ridges: Uint8Array, magnitude: Float32Array, width: number, height: number, high: number, low: number): Uint8Array {
  const lines = new Uint8Array(width * height);
  const stack: number[] = [];
  for (let p = 0; p < lines.length; p++) {
    if (ridges[p] !== 1 || magnitude[p]! < high || lines[p] === 1) continue;
    lines[p] = 1;
    stack.push(p);
    while (stack.length > 0) {
      const q = stack.pop()!;
      const qx = q % width;
      const qy = (q - qx) / width;
      for (let ny = Math.max(0, qy - 1); ny <= Math.min(height - 1, qy + 1); ny++) {
        for (let nx = Math.max(0, qx - 1); nx <= Math.min(width - 1, qx + 1); nx++) {
          const n = ny * width + nx;
          if (lines[n] === 0 && ridges[n] === 1 && magnitude[n]! >= low) {
            lines[n] = 1;
            stack.push(n);
          }
        }
      }
    }
  }
  return lines;
}

/** Gathers the 8-connected piece of `mask` pixels around `start` into `piece`, marking them in `seen`. */
function gatherPiece(start: number, mask: Uint8Array, seen: Uint8Array, width: number, height: number, piece: number[]): void {
  piece.length = 0;
  piece.push(start);
  seen[start] = 1;
  for (let i = 0; i < piece.length; i++) {
    const q = piece[i]!;
    const qx = q % width;
    const qy = (q - qx) / width;
    for (let ny = Math.max(0, qy - 1); ny <= Math.min(height - 1, qy + 1); ny++) {
      for (let nx = Math.max(0, qx - 1); nx <= Math.min(width - 1, qx + 1); nx++) {
        const n = ny * width + nx;
        if (seen[n] === 0 && mask[n] === 1) {
          seen[n] = 1;
          piece.push(n);
        }
      }
    }
  }
}

/**
 * Adds weak ridges that hysteresis left out because they touch no strong one, when they run on
 * for at least `minLength` pixels. An inner line that meets the outline at a T-junction is cut
 * off from it there (the outline's stronger gradient suppresses the junction), yet a long weak
 * line is a seam or a fold, which HED draws; texture makes short pieces.
 */
function addLongWeakLines(lines: Uint8Array, ridges: Uint8Array, magnitude: Float32Array, width: number, height: number, low: number, minLength: number): void {
  const weak = new Uint8Array(lines.length);
  for (let p = 0; p < lines.length; p++) weak[p] = lines[p] === 0 && ridges[p] === 1 && magnitude[p]! >= low ? 1 : 0;
  const seen = new Uint8Array(lines.length);
  const piece: number[] = [];
  for (let p = 0; p < lines.length; p++) {
    if (seen[p] === 1 || weak[p] === 0) continue;
    gatherPiece(p, weak, seen, width, height, piece);
    if (piece.length >= minLength) for (const q of piece) lines[q] = 1;
  }
}

/** Clears 8-connected pieces of fewer than `minLength` pixels, in place. */
function removeShortPieces(lines: Uint8Array, width: number, height: number, minLength: number): void {
  if (minLength <= 1) return;
  const seen = new Uint8Array(lines.length);
  const piece: number[] = [];
  for (let p = 0; p < lines.length; p++) {
    if (seen[p] === 1 || lines[p] !== 1) continue;
    gatherPiece(p, lines, seen, width, height, piece);
    if (piece.length < minLength) for (const q of piece) lines[q] = 0;
  }
}

function countSet(values: Uint8Array): number {
  let n = 0;
  for (const v of values) n += v;
  return n;
}

function drawStrokes(lines: Uint8Array, width: number, height: number, strokeWidth: 1 | 2): Uint8Array {
  const out = new Uint8Array(width * height).fill(255);
  for (let p = 0; p < lines.length; p++) {
    if (lines[p] !== 1) continue;
    out[p] = 0;
    if (strokeWidth === 1) continue;
    const x = p % width;
    const y = (p - x) / width;
    // The four direct neighbours get the rim; a core drawn later (or earlier) stays black.
    if (x > 0 && out[p - 1]! > RIM_GREY) out[p - 1] = RIM_GREY;
    if (x < width - 1 && out[p + 1]! > RIM_GREY) out[p + 1] = RIM_GREY;
    if (y > 0 && out[p - width]! > RIM_GREY) out[p - width] = RIM_GREY;
    if (y < height - 1 && out[p + width]! > RIM_GREY) out[p + width] = RIM_GREY;
  }
  return out;
}
