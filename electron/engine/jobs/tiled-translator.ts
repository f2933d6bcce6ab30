import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelEntry } from '../../contract/models.js';
import { StudioError } from '../errors.js';
import { writeFileAtomic } from '../files/write-atomic.js';
import { estimateMemory } from '../graph/memory-estimate.js';
import { emitOnnx, normLayerChannels, statNames } from '../graph/onnx-emitter.js';
import { weightsFromOnnx } from '../graph/onnx-weights.js';
import type { IrGraph } from '../graph/ir.js';
import { blendWeight, imageToTensor, paddedSize, planTiles, reflectIndex, resizeRgb, type Tile } from '../imaging/index.js';
import { retryLongRun, type DeviceChoice, type Fallback, type ProviderName, type RetryState, type SessionManager, type TensorInput } from '../runtime/index.js';
import { generatorGraph } from './model-graph.js';
import { pathExists } from '../files/path-exists.js';

/** Largest side of the copy the whole-image statistics are gathered on (budget permitting). */
const STATS_MAX_SIDE = 8192;
/** Bump when the emitted variants change, so stale cached files are not reused. */
const VARIANT_FORMAT = 3;
/** Tiles never go below this size, whatever the budget says. */
const MIN_TILE = 128;

export interface TiledResult {
  rgb: Uint8Array;
  provider: ProviderName;
  fallbacks: Fallback[];
  notes: string[];
}

export interface TilingOptions {
  /** Memory the translation may plan for, in bytes. */
  budgetBytes: number;
  /** Force this tile size (pixels, snapped to the size multiple). */
  tileSize?: number;
  /** Longest side of the statistics copy (default STATS_MAX_SIDE). */
  statsMaxSide?: number;
  onProgress?: (fraction: number, status: string) => void;
  extraFeeds: Record<string, TensorInput>;
}

export type Statistics = TensorInput[];

/**
 * Translates an image in overlapping tiles (`--tile`; large images otherwise run exactly, layer
 * by layer in strips: see StripTranslator). Normalisation layers do not
 * use each tile's own statistics (that gives every tile its own colours): a first pass over a
 * downscaled copy of the whole image gathers every norm layer's per-channel mean and variance,
 * and the tiles run a variant of the model that takes those as inputs. Tiles are blended with
 * feathered weights over their overlap, row by row, into the 8-bit output.
 */
export class TiledTranslator {
  readonly graph: IrGraph;
  private variants: Promise<{ collect: string; inject: string }> | undefined;

  constructor(
    readonly entry: ModelEntry,
    private readonly sessions: SessionManager,
    private readonly cacheRoot: string,
  ) {
    this.graph = generatorGraph(entry, 'tiling');
  }

  /** Planned bytes to translate a padded width x height whole. */
  estimate(width: number, height: number): number {
    return estimateMemory(this.graph, width, height).plannedBytes;
  }

  /** The largest square tile (a multiple of the model's) whose run fits the budget. */
  tileSizeFor(budgetBytes: number): number {
    const m = this.entry.manifest.sizeMultiple;
    let size = Math.max(MIN_TILE, m);
    while (this.estimate(size * 2, size * 2) <= budgetBytes && size < 4096) size *= 2;
    // Refine between size and 2 * size in steps of the multiple.
    const step = Math.max(m, 64);
    while (this.estimate(size + step, size + step) <= budgetBytes && size < 4096) size += step;
    return Math.ceil(size / m) * m;
  }

  /** The collect and inject variants, emitted once per model file and cached on disk. */
  private async variantPaths(): Promise<{ collect: string; inject: string }> {
    this.variants ??= (async () => {
      const dir = join(this.cacheRoot, 'tiling', `v${VARIANT_FORMAT}`, this.entry.manifest.sha256);
      const collect = join(dir, 'collect.onnx');
      const inject = join(dir, 'inject.onnx');
      const ready = await Promise.all([collect, inject].map((p) => pathExists(p)));
      if (ready.every(Boolean)) return { collect, inject };
      await mkdir(dir, { recursive: true });
      const weights = weightsFromOnnx(await readFile(this.entry.onnxPath));
      for (const [path, mode] of [
        [collect, 'collect'],
        [inject, 'inject'],
      ] as const) {
        await writeFileAtomic(path, emitOnnx(this.graph, weights, { normStats: mode }));
      }
      return { collect, inject };
    })();
    this.variants.catch(() => (this.variants = undefined));
    return this.variants;
  }

  /** Every norm layer's mean and variance on the image resized to w x h. */
  private async collect(rgb: Uint8Array, width: number, height: number, w: number, h: number, device: DeviceChoice, extraFeeds: Record<string, TensorInput>): Promise<{ stats: Float32Array[]; provider: ProviderName; fallbacks: Fallback[] }> {
    const small = await resizeRgb(rgb, width, height, w, h);
    const tensor = imageToTensor(small, w, h, this.entry.manifest.sizeMultiple);
    const { collect } = await this.variantPaths();
    const result = await this.sessions.run(
      collect,
      device,
      { input: { data: tensor.data, dims: [1, 3, tensor.paddedHeight, tensor.paddedWidth] }, ...extraFeeds },
      { lowMemory: true },
    );
    const stats: Float32Array[] = [];
    normLayerChannels(this.graph).forEach((channels, k) => {
      const names = statNames(k);
      for (const name of [names.mean, names.variance]) {
        const t = result.outputs.get(name);
        if (t === undefined) throw new StudioError('INTERNAL', `statistics pass returned no ${name}`);
        stats.push(t.data.slice(0, channels));
      }
    });
    return { stats, provider: result.provider, fallbacks: result.fallbacks };
  }

  /**
   * Every norm layer's statistics for the whole image, gathered on the largest copy of it that
   * fits the memory budget (the image itself when it fits). A downscaled copy lacks the finest
   * detail, so its variances run low; the error this leaves is measured in docs/BENCHMARKS.md
   * (tiling section). Tried and dropped because they made it worse: extrapolating the
   * variances from two scales, correcting them with full-resolution crops, and refining all
   * layers at once from the statistics of a full-size pass run with the downscaled ones
   * (that iteration diverges: each layer's statistics move once the earlier layers' change).
   */
  async statistics(rgb: Uint8Array, width: number, height: number, device: DeviceChoice, options: TilingOptions): Promise<{ stats: Statistics; note: string; provider: ProviderName; fallbacks: Fallback[] }> {
    const m = this.entry.manifest.sizeMultiple;
    const maxSide = options.statsMaxSide ?? STATS_MAX_SIDE;
    let scale = Math.min(1, maxSide / Math.max(width, height));
    const size = (s: number): [number, number] => [Math.max(1, Math.round(width * s)), Math.max(1, Math.round(height * s))];
    const fits = (s: number): boolean => {
      const [w, h] = size(s);
      const p = paddedSize(w, h, m);
      return this.estimate(p.paddedWidth, p.paddedHeight) <= options.budgetBytes;
    };
    while (!fits(scale) && scale > 0.02) scale *= 0.9;
    const [w, h] = size(scale);
    const result = await this.collect(rgb, width, height, w, h, device, options.extraFeeds);
    // The statistics session holds the memory of a large run; let it go before the tiles start.
    await this.sessions.dispose((await this.variantPaths()).collect);
    const stats = result.stats.map((data) => ({ data, dims: [data.length] }));
    const note = scale === 1 ? 'whole-image statistics (exact)' : `whole-image statistics from a ${w} x ${h} copy`;
    return { stats, note, provider: result.provider, fallbacks: result.fallbacks };
  }

  /** Runs the tiles of a width x height image and blends them into 8-bit RGB. */
  async translate(rgb: Uint8Array, width: number, height: number, device: DeviceChoice, options: TilingOptions): Promise<TiledResult> {
    const run: RetryState = { device, notes: [] };
    const fallbacks: Fallback[] = [];
    const m = this.entry.manifest.sizeMultiple;
    const firstSize = (): number => options.tileSize ?? this.tileSizeFor(options.budgetBytes);
    let tileSize = firstSize();
    return retryLongRun(
      run,
      async (tileDevice) => {
        options.onProgress?.(0, 'gathering whole-image statistics');
        const s = await this.statistics(rgb, width, height, tileDevice, options);
        fallbacks.push(...s.fallbacks);
        const result = await this.runTiles(rgb, width, height, tileDevice, s.stats, tileSize, options);
        fallbacks.push(...result.fallbacks);
        const notes = [...run.notes, `tiled: ${result.count} tiles of ${result.tileSize} px, overlap ${result.overlap} px, ${s.note}`];
        return { rgb: result.rgb, provider: result.provider, fallbacks, notes };
      },
      {
        shrink: (reason) => {
          const smaller = Math.floor(tileSize / 2 / m) * m;
          if (smaller < Math.max(MIN_TILE / 2, m * 2)) return null;
          const note = `retried with ${smaller} px tiles after a failure at ${tileSize} px (${reason})`;
          tileSize = smaller;
          return note;
        },
        onCpu: () => {
          tileSize = firstSize();
        },
      },
    );
  }

  private async runTiles(
    rgb: Uint8Array,
    width: number,
    height: number,
    device: DeviceChoice,
    stats: Statistics,
    tileSize: number,
    options: TilingOptions,
  ): Promise<{ rgb: Uint8Array; provider: ProviderName; fallbacks: Fallback[]; count: number; tileSize: number; overlap: number }> {
    const m = this.entry.manifest.sizeMultiple;
    const { paddedWidth: pw, paddedHeight: ph } = paddedSize(width, height, m);
    // Overlap: an eighth of the tile, at least 32 px, in whole multiples of the model's.
    const overlap = Math.max(m, Math.ceil(Math.max(32, tileSize / 8) / m) * m);
    const plan = planTiles(pw, ph, tileSize, overlap, m);
    const { inject } = await this.variantPaths();
    const statFeeds: Record<string, TensorInput> = {};
    normLayerChannels(this.graph).forEach((_, k) => {
      const names = statNames(k);
      statFeeds[names.mean] = stats[2 * k] as TensorInput;
      statFeeds[names.variance] = stats[2 * k + 1] as TensorInput;
    });

    const out = new Uint8Array(width * height * 3);
    // Float accumulators for one band of rows at a time: a row of tiles, as tall as a tile.
    const band = plan.tileSize;
    const acc = new Float32Array(band * pw * 3);
    const weight = new Float32Array(band * pw);
    let bandTop = 0;
    let provider: ProviderName = 'cpu';
    const fallbacks: Fallback[] = [];
    let done = 0;

    const flushRows = (from: number, to: number): void => {
      // Rows [from, to) are final: normalise the blend and write them out as 8-bit.
      for (let y = from; y < Math.min(to, height); y++) {
        const r = y - bandTop;
        for (let x = 0; x < width; x++) {
          const wsum = weight[r * pw + x] ?? 0;
          const inv = wsum > 0 ? 1 / wsum : 0;
          for (let c = 0; c < 3; c++) {
            const v = ((acc[(r * pw + x) * 3 + c] ?? 0) * inv + 1) * 127.5;
            out[(y * width + x) * 3 + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
          }
        }
      }
    };

    for (let rowIndex = 0; rowIndex < plan.rows.length; rowIndex++) {
      const row = plan.rows[rowIndex] as Tile[];
      const y0 = row[0]?.y ?? 0;
      if (y0 > bandTop) {
        // Rows above this tile row are complete: write them, then slide the band down.
        flushRows(bandTop, y0);
        const shift = y0 - bandTop;
        acc.copyWithin(0, shift * pw * 3);
        acc.fill(0, (band - shift) * pw * 3);
        weight.copyWithin(0, shift * pw);
        weight.fill(0, (band - shift) * pw);
        bandTop = y0;
      }
      for (const tile of row) {
        const input = tileTensor(rgb, width, height, tile);
        const result = await this.sessions.run(
          inject,
          device,
          { input: { data: input, dims: [1, 3, tile.height, tile.width] }, ...options.extraFeeds, ...statFeeds },
          { lowMemory: true },
        );
        provider = result.provider;
        fallbacks.push(...result.fallbacks);
        const o = result.output;
        const plane = tile.width * tile.height;
        const wx = new Float32Array(tile.width);
        for (let tx = 0; tx < tile.width; tx++) wx[tx] = blendWeight(tile.x + tx, tile.x, tile.x + tile.width, pw, plan.overlap);
        for (let ty = 0; ty < tile.height; ty++) {
          const y = tile.y + ty;
          const wy = blendWeight(y, tile.y, tile.y + tile.height, ph, plan.overlap);
          if (wy === 0) continue;
          const rowBase = (y - bandTop) * pw + tile.x;
          const src = ty * tile.width;
          for (let tx = 0; tx < tile.width; tx++) {
            const w = wy * (wx[tx] as number);
            if (w === 0) continue;
            const i = src + tx;
            const p = rowBase + tx;
            const a = p * 3;
            acc[a] = (acc[a] as number) + w * (o[i] as number);
            acc[a + 1] = (acc[a + 1] as number) + w * (o[plane + i] as number);
            acc[a + 2] = (acc[a + 2] as number) + w * (o[2 * plane + i] as number);
            weight[p] = (weight[p] as number) + w;
          }
        }
        done += 1;
        options.onProgress?.(done / plan.tiles.length, `tile ${done} of ${plan.tiles.length}`);
      }
    }
    flushRows(bandTop, ph);
    return { rgb: out, provider, fallbacks, count: plan.tiles.length, tileSize: plan.tileSize, overlap: plan.overlap };
  }
}

/** One tile of the image as a normalised 1 x 3 x h x w tensor, reflect-padded past the edges. */
function tileTensor(rgb: Uint8Array, width: number, height: number, tile: Tile): Float32Array {
  const plane = tile.width * tile.height;
  const data = new Float32Array(3 * plane);
  const cols = new Int32Array(tile.width);
  for (let tx = 0; tx < tile.width; tx++) cols[tx] = reflectIndex(tile.x + tx, width);
  for (let ty = 0; ty < tile.height; ty++) {
    const sy = reflectIndex(tile.y + ty, height);
    for (let tx = 0; tx < tile.width; tx++) {
      const s = (sy * width + (cols[tx] as number)) * 3;
      const d = ty * tile.width + tx;
      data[d] = (rgb[s] as number) / 127.5 - 1;
      data[plane + d] = (rgb[s + 1] as number) / 127.5 - 1;
      data[2 * plane + d] = (rgb[s + 2] as number) / 127.5 - 1;
    }
  }
  return data;
}
