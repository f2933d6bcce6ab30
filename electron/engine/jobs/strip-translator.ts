import { readFile } from 'node:fs/promises';
import type { ModelEntry } from '../../contract/models.js';
import { StudioError } from '../errors.js';
import type { IrGraph } from '../graph/ir.js';
import { windowInputs } from '../graph/geometry.js';
import { SEGMENT_MASK, emitSegment, segmentHasZeroPad, segmentStatNames, segmentSumNames } from '../graph/onnx-emitter.js';
import { weightsFromOnnx } from '../graph/onnx-weights.js';
import { planSegments, segmentSide, type Segment, type SegmentPlan } from '../graph/segments.js';
import { channelCounts } from '../graph/shapes.js';
import { TO_UNIT, paddedSize, reflectIndex } from '../imaging/index.js';
import { openGraphRunner, retryLongRun, type DeviceChoice, type Fallback, type GraphRunner, type ProviderName, type RetryState, type SessionManager, type TensorInput } from '../runtime/index.js';
import { generatorGraph } from './model-graph.js';
import { StripStore, type StoredValue } from './strip-store.js';

export interface StripResult {
  rgb: Uint8Array;
  /** Rows per strip of the last layer: where the output's strip borders fall. */
  outputStripRows: number;
  provider: ProviderName;
  fallbacks: Fallback[];
  notes: string[];
}

export interface StripOptions {
  /** Memory the translation may plan for, in bytes: stored layers and strips share it. */
  budgetBytes: number;
  onProgress?: (fraction: number, status: string) => void;
  /** Inputs besides the image (the condition vector of conditional models). */
  extraFeeds: Record<string, TensorInput>;
}

interface Shape {
  channels: number;
  height: number;
  width: number;
}

/** The image being translated, read as the graph input: normalised, reflect-padded to the size multiple. */
interface ImageSource {
  rgb: Uint8Array;
  width: number;
  height: number;
}

/** Share of the budget for stored layers; the rest is for the strips in flight and onnxruntime's work buffers. */
const STORE_SHARE = 0.5;
const STRIP_SHARE = 0.35;

/**
 * Translates an image too large to run whole, exactly as a whole-image run would: the graph
 * runs one segment (about one layer, see graph/segments) at a time over the whole image, in
 * horizontal strips that fit the memory budget. Each layer's output is stored in full (in
 * memory, or in a scratch file once the budget's share is spent), and its per-channel sums
 * are gathered as its strips are made, so that every normalisation layer uses the statistics
 * of the whole image: there are no tiles, so no seams and no colour shifts between them.
 */
export class StripTranslator {
  readonly graph: IrGraph;
  readonly plan: SegmentPlan;
  private readonly channels: Map<string, number>;

  constructor(
    readonly entry: ModelEntry,
    private readonly sessions: SessionManager,
    private readonly scratchRoot: string,
  ) {
    this.graph = generatorGraph(entry, 'running in strips');
    this.plan = planSegments(this.graph);
    this.channels = channelCounts(this.graph);
  }

  async translate(rgb: Uint8Array, width: number, height: number, device: DeviceChoice, options: StripOptions): Promise<StripResult> {
    const m = this.entry.manifest.sizeMultiple;
    const { paddedWidth, paddedHeight } = paddedSize(width, height, m);
    const weights = weightsFromOnnx(await readFile(this.entry.onnxPath));
    const store = new StripStore(options.budgetBytes * STORE_SHARE, this.scratchRoot);
    const image: ImageSource = { rgb, width, height };
    const shapes = new Map<string, Shape>();
    const values = new Map<string, StoredValue>();
    for (const input of this.graph.inputs) if (input.layout === 'image') shapes.set(input.name, { channels: input.channels, height: paddedHeight, width: paddedWidth });

    const out = new Uint8Array(width * height * 3);
    const run: RetryState = { device, notes: [] };
    const fallbacks: Fallback[] = [];
    let provider: ProviderName = 'cpu';
    const segments = this.plan.segments;
    const work = segments.map((s) => this.segmentWork(s, shapes));
    const totalWork = work.reduce((a, b) => a + b, 0);
    let doneWork = 0;
    let stripRowsUsed = 0;
    let outputStripRows = 0;

    try {
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i] as Segment;
        const inShape = shapes.get(segment.inputs[0] ?? '') as Shape;
        const outShape = shapes.get(segment.output) as Shape;
        const isOutput = segment.output === this.graph.output.name;
        const wantSums = this.plan.needsStatistics.has(segment.output);
        let stripBudget = options.budgetBytes * STRIP_SHARE;
        const status = `layer ${i + 1} of ${segments.length}`;
        const runLayer = async (layerDevice: DeviceChoice): Promise<void> => {
          const target = isOutput ? null : await store.create(outShape.channels, outShape.height, outShape.width);
          let runner: GraphRunner | undefined;
          try {
            runner = await openGraphRunner(emitSegment(this.graph, segment, weights, wantSums), layerDevice, {
              lowMemory: true,
              ...(this.sessions.threads === undefined ? {} : { threads: this.sessions.threads }),
            });
            provider = runner.provider;
            fallbacks.push(...runner.fallbacks);
            const rows = this.rowsPerStrip(segment, inShape, outShape, stripBudget);
            // One input buffer per stored input, reused by every strip of the segment.
            const buffers = new Map<string, Float32Array>();
            stripRowsUsed = Math.max(stripRowsUsed, rows);
            if (isOutput) outputStripRows = rows;
            for (let y0 = 0; y0 < outShape.height; y0 += rows) {
              const y1 = Math.min(outShape.height, y0 + rows);
              const strip = await this.runStrip(runner, segment, inShape, outShape, y0, y1, { values, image, buffers, extraFeeds: options.extraFeeds }, wantSums ? target : null);
              if (target === null) writeOutputRows(strip, y0, y1 - y0, outShape.width, out, width, height);
              // A strip of every row becomes the stored value as it is (no copy) where memory allows.
              else if (!(y0 === 0 && y1 === outShape.height && target.adopt(strip))) target.writeRows(y0, y1 - y0, strip);
              options.onProgress?.((doneWork + ((work[i] as number) * y1) / outShape.height) / totalWork, status);
            }
            if (target !== null) values.set(segment.output, target);
          } catch (err) {
            if (target !== null) store.release(target);
            throw err;
          } finally {
            await runner?.release();
          }
        };
        await retryLongRun(run, runLayer, {
          shrink: (reason) => {
            if (this.rowsPerStrip(segment, inShape, outShape, stripBudget) <= this.rowsPerStrip(segment, inShape, outShape, 0)) return null;
            stripBudget /= 4;
            return `layer ${i + 1} retried in smaller strips after a failure (${reason})`;
          },
          where: ` at layer ${i + 1}`,
        });
        doneWork += work[i] as number;
        // Values no later segment reads are dropped as soon as possible.
        for (const name of segment.inputs) {
          if (this.plan.lastUse.get(name) !== i) continue;
          const value = values.get(name);
          if (value !== undefined) store.release(value);
          values.delete(name);
        }
      }
    } finally {
      await store.close();
    }
    const spilled = store.spilledBytes > 0 ? `, ${(store.spilledBytes / 2 ** 30).toFixed(1)} GB of layers kept in scratch files` : '';
    const notes = [`ran layer by layer in strips of up to ${stripRowsUsed} rows (whole-image statistics, exact)${spilled}`, ...run.notes];
    return { rgb: out, outputStripRows, provider, fallbacks, notes };
  }

  /**
   * Multiply-adds of a segment (for progress). Called in graph order, it also records the
   * segment's output shape, from its input's.
   */
  private segmentWork(segment: Segment, shapes: Map<string, Shape>): number {
    const inShape = shapes.get(segment.inputs[0] ?? '');
    if (inShape === undefined) throw new StudioError('INTERNAL', `layer ${segment.output} reads no stored value`);
    const outShape = { channels: segment.channels, height: segmentSide(segment, inShape.height), width: segmentSide(segment, inShape.width) };
    shapes.set(segment.output, outShape);
    const s = segment.spatial;
    const w = segment.window;
    if (s === null || w === null) return outShape.channels * outShape.height * outShape.width;
    const inC = this.channels.get(s.input) ?? 0;
    // A transposed window does its work once per input position, a plain one once per output.
    const pixels = w.transposed ? inShape.height * inShape.width : outShape.height * outShape.width;
    return inC * segment.channels * w.kernel * w.kernel * pixels;
  }

  /** Output rows per strip that fit the strip budget (at least one). */
  private rowsPerStrip(segment: Segment, inShape: Shape, outShape: Shape, budget: number): number {
    const s = segment.spatial;
    const w = segment.window;
    const inChannels = segment.inputs.reduce((sum, name) => sum + (this.channels.get(name) ?? 0), 0);
    const pad = w !== null && !w.transposed ? w.pad + (segment.padding?.amount ?? 0) : 0;
    const inWidth = inShape.width + 2 * pad;
    const inRowsPerRow = w === null ? 1 : w.transposed ? 1 / w.stride : w.stride;
    // Inputs plus up to two per-pixel temporaries, the output and its copy, and the unfolded
    // kernel windows onnxruntime builds for a convolution.
    const spatialIn = s === null ? 0 : (this.channels.get(s.input) ?? 0);
    const perRow = 4 * (3 * inRowsPerRow * inChannels * inWidth + 2 * outShape.channels * outShape.width + (w === null ? 0 : w.kernel * w.kernel * spatialIn * outShape.width));
    const halo = w === null ? 0 : w.kernel;
    return Math.max(1, Math.min(outShape.height, Math.floor(budget / perRow) - halo));
  }

  private async runStrip(
    runner: GraphRunner,
    segment: Segment,
    inShape: Shape,
    outShape: Shape,
    y0: number,
    y1: number,
    sources: { values: Map<string, StoredValue>; image: ImageSource; buffers: Map<string, Float32Array>; extraFeeds: Record<string, TensorInput> },
    sumsInto: StoredValue | null,
  ): Promise<Float32Array> {
    const { values, image, buffers, extraFeeds } = sources;
    const { rows, skip } = sourceRows(segment, inShape.height, y0, y1);
    const n = rows.length;
    const feeds: Record<string, TensorInput> = {};
    for (const name of segment.inputs) {
      const c = this.channels.get(name) ?? 0;
      const value = values.get(name);
      const direct = value?.whole(rows) ?? null;
      if (direct !== null) {
        feeds[name] = { data: direct, dims: [1, c, n, inShape.width] };
        continue;
      }
      const size = c * n * inShape.width;
      let buffer = buffers.get(name);
      if (buffer === undefined || buffer.length < size) {
        buffer = new Float32Array(size);
        buffers.set(name, buffer);
      }
      const data = buffer.subarray(0, size);
      if (value !== undefined) value.readRows(rows, data);
      else if (shapeIsImage(this.graph, name)) gatherImage(image, rows, inShape.width, data);
      else throw new StudioError('INTERNAL', `layer input ${name} is not available`);
      feeds[name] = { data, dims: [1, c, n, inShape.width] };
    }
    for (const name of segment.vectors) {
      const feed = extraFeeds[name];
      if (feed === undefined) throw new StudioError('INTERNAL', `the ${name} input was not given`);
      feeds[name] = feed;
    }
    for (const norm of segment.norms) {
      const value = values.get(norm.input);
      if (value === undefined) throw new StudioError('INTERNAL', `statistics of ${norm.input} are not available`);
      const count = value.height * value.width;
      const mean = new Float32Array(value.channels);
      const variance = new Float32Array(value.channels);
      for (let c = 0; c < value.channels; c++) {
        const mu = (value.sums[c] as number) / count;
        mean[c] = mu;
        variance[c] = Math.max(0, (value.sumSquares[c] as number) / count - mu * mu);
      }
      const names = segmentStatNames(norm.output);
      feeds[names.mean] = { data: mean, dims: [value.channels] };
      feeds[names.variance] = { data: variance, dims: [value.channels] };
    }
    if (segmentHasZeroPad(segment)) {
      feeds[SEGMENT_MASK] = { data: Float32Array.from(rows, (r) => (r < 0 ? 0 : 1)), dims: [1, 1, n, 1] };
    }
    const outputs = await runner.run(feeds);
    const raw = outputs.get(segment.output);
    if (raw === undefined) throw new StudioError('INTERNAL', `layer ${segment.output} returned nothing`);
    const count = y1 - y0;
    const plane = outShape.width;
    const made = raw.length / (segment.channels * plane);
    if (!Number.isInteger(made) || made < skip + count) {
      throw new StudioError('INTERNAL', `layer ${segment.output} made ${made} rows where ${skip + count} were expected`);
    }
    const strip = made === count ? raw : cropRows(raw, segment.channels, made, plane, skip, count);
    if (sumsInto !== null) {
      const names = segmentSumNames(segment.output);
      const sums = outputs.get(names.sum);
      const squares = outputs.get(names.sumSquares);
      if (sums === undefined || squares === undefined) throw new StudioError('INTERNAL', `layer ${segment.output} returned no sums`);
      for (let c = 0; c < segment.channels; c++) {
        let s = 0;
        let q = 0;
        for (let r = skip; r < skip + count; r++) {
          s += sums[c * made + r] as number;
          q += squares[c * made + r] as number;
        }
        (sumsInto.sums as Float64Array)[c] = (sumsInto.sums[c] as number) + s;
        (sumsInto.sumSquares as Float64Array)[c] = (sumsInto.sumSquares[c] as number) + q;
      }
    }
    return strip;
  }
}


function shapeIsImage(graph: IrGraph, name: string): boolean {
  return graph.inputs.some((i) => i.name === name && i.layout === 'image');
}

/**
 * The input rows a strip of output rows [y0, y1) needs, as source rows of the stored input
 * (-1: a row of zero padding), and how many leading output rows the model makes before y0.
 */
export function sourceRows(segment: Segment, height: number, y0: number, y1: number): { rows: number[]; skip: number } {
  const w = segment.window;
  if (w === null) return { rows: range(y0, y1), skip: 0 };
  const { from, to, skip } = windowInputs(w, y0, y1, height);
  if (w.transposed) return { rows: range(from, to), skip };
  // Positions in the window's padded input: its own zero padding, then the padding node's.
  const reflect = segment.padding?.mode === 'reflect' ? segment.padding.amount : 0;
  const top = w.pad + (segment.padding?.amount ?? 0);
  const rows: number[] = [];
  for (let r = from; r < to; r++) {
    const q = r - top;
    if (q >= 0 && q < height) rows.push(q);
    else if (q >= -reflect && q < height + reflect) rows.push(reflectIndex(q, height));
    else rows.push(-1);
  }
  return { rows, skip: 0 };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);
}

/** Rows [skip, skip + count) of a 1 x C x made x W tensor. */
function cropRows(data: Float32Array, channels: number, made: number, width: number, skip: number, count: number): Float32Array {
  const out = new Float32Array(channels * count * width);
  for (let c = 0; c < channels; c++) out.set(data.subarray((c * made + skip) * width, (c * made + skip + count) * width), c * count * width);
  return out;
}

/** Padded-image rows as a normalised 1 x 3 x n x paddedWidth strip (-1 rows are zero). */
function gatherImage(image: ImageSource, rows: readonly number[], paddedWidth: number, data: Float32Array): void {
  const n = rows.length;
  const plane = n * paddedWidth;
  const cols = Int32Array.from({ length: paddedWidth }, (_, x) => reflectIndex(x, image.width));
  for (let j = 0; j < n; j++) {
    const q = rows[j] as number;
    const to = j * paddedWidth;
    if (q < 0) {
      for (let c = 0; c < 3; c++) data.fill(0, c * plane + to, c * plane + to + paddedWidth);
      continue;
    }
    const base = reflectIndex(q, image.height) * image.width * 3;
    for (let x = 0; x < paddedWidth; x++) {
      const s = base + (cols[x] as number) * 3;
      data[to + x] = TO_UNIT[image.rgb[s] as number] as number;
      data[plane + to + x] = TO_UNIT[image.rgb[s + 1] as number] as number;
      data[2 * plane + to + x] = TO_UNIT[image.rgb[s + 2] as number] as number;
    }
  }
}

/** The graph output's rows [y0, y0 + count) as 8-bit RGB, cropped to the image. */
function writeOutputRows(strip: Float32Array, y0: number, count: number, stripWidth: number, out: Uint8Array, width: number, height: number): void {
  const plane = count * stripWidth;
  for (let r = 0; r < count; r++) {
    const y = y0 + r;
    if (y >= height) break;
    for (let x = 0; x < width; x++) {
      const i = r * stripWidth + x;
      const d = (y * width + x) * 3;
      // Same rounding as tensorToImage: +0.5 then truncation by the Uint8Array store.
      let t = ((strip[i] as number) + 1) * 127.5 + 0.5;
      out[d] = t <= 0 ? 0 : t >= 255 ? 255 : t;
      t = ((strip[plane + i] as number) + 1) * 127.5 + 0.5;
      out[d + 1] = t <= 0 ? 0 : t >= 255 ? 255 : t;
      t = ((strip[2 * plane + i] as number) + 1) * 127.5 + 0.5;
      out[d + 2] = t <= 0 ? 0 : t >= 255 ? 255 : t;
    }
  }
}
