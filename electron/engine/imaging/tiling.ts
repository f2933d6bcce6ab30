/**
 * Geometry and blending of overlapping tiles over a (padded) image. Tile origins, sizes and
 * overlaps are multiples of the model's size multiple, so every tile sees the same pixel grid
 * alignment as a whole-image run (strided convolutions are only shift-equivariant for shifts
 * by that multiple).
 */

export interface Tile {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TilePlan {
  tiles: Tile[];
  /** Tiles grouped by row (same y), in order: rows complete top to bottom. */
  rows: Tile[][];
  tileSize: number;
  overlap: number;
}

/**
 * Tile origins along one axis: as few tiles as cover the extent with the given overlap, all of
 * one size (a multiple of `multiple`, at most `size`), spread evenly so that no tile is wasted
 * on a sliver at the far edge.
 */
function axisTiles(extent: number, size: number, overlap: number, multiple: number): { origins: number[]; size: number } {
  if (extent <= size) return { origins: [0], size: extent };
  const count = Math.ceil((extent - overlap) / (size - overlap));
  const even = Math.min(size, Math.ceil((extent + (count - 1) * overlap) / count / multiple) * multiple);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const ideal = Math.round((i * (extent - even)) / Math.max(1, count - 1) / multiple) * multiple;
    out.push(Math.min(extent - even, ideal));
  }
  return { origins: [...new Set(out)], size: even };
}

/**
 * Covers a width x height image (both multiples of `multiple`) with tiles of at most
 * `tileSize`, neighbours overlapping by at least `overlap`.
 */
export function planTiles(width: number, height: number, tileSize: number, overlap: number, multiple: number): TilePlan {
  const snap = (n: number): number => Math.max(multiple, Math.floor(n / multiple) * multiple);
  const size = snap(tileSize);
  const ov = Math.min(snap(overlap), size - multiple);
  if (size - ov <= 0) throw new Error(`tile size ${size} leaves no room beyond the overlap ${ov}`);
  const xs = axisTiles(width, size, ov, multiple);
  const ys = axisTiles(height, size, ov, multiple);
  const rows = ys.origins.map((y) => xs.origins.map((x) => ({ x, y, width: xs.size, height: ys.size })));
  return { tiles: rows.flat(), rows, tileSize: Math.max(xs.size, ys.size), overlap: ov };
}

/**
 * Blend weight along one axis for position `p` inside a tile spanning [start, end) of an
 * axis of length `extent`. Near an edge shared with a neighbour the weight is 0 for the first
 * quarter of the overlap (where the tile's own border padding disturbs its output), then
 * ramps linearly to 1; at the image's own edges it stays 1.
 */
export function blendWeight(p: number, start: number, end: number, extent: number, overlap: number): number {
  if (overlap <= 0) return 1;
  const margin = overlap / 4;
  const ramp = overlap - 2 * margin;
  let w = 1;
  if (start > 0) w = Math.min(w, (p - start + 0.5 - margin) / ramp);
  if (end < extent) w = Math.min(w, (end - p - 0.5 - margin) / ramp);
  return Math.max(0, Math.min(1, w));
}
