import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { PREVIEW_DEFAULT_SIDE, PREVIEW_MAX_SIDE, type PreviewImage } from '../../contract/preview.js';
import { StudioError, orSystemError } from '../errors.js';
import { decodeImage, decodeImageBytes, encodeImage, fitInside, resizeRaster, type DecodedImage } from '../imaging/index.js';
import type { ModelLibrary } from '../library/index.js';
import { deviceChoice, type SessionManager } from '../runtime/index.js';
import { openPipeline, type ImageToImagePipeline } from './pipeline.js';
import type { ModelPreprocess } from '../../contract/models.js';
import { applyPreprocess } from './preprocess.js';

/** What the engine is asked for: like the contract's PreviewArgs, with the input a host path. */
export interface PreviewRequest {
  model: string;
  source: { path: string } | { png: string };
  attributes?: Record<string, number>;
  maxSide?: number;
  /** A finished gesture's preview (contract PreviewArgs.settled): run on the settled sessions. */
  settled?: boolean;
  device: string;
}

/** A computed preview as the engine returns it; the studio adds the stream's count. */
export type RenderedPreview = Omit<PreviewImage, 'superseded' | 'computed'>;

/** Above this many pixels a preview is sent as JPEG: a PNG of a photo is several times larger. */
const JPEG_ABOVE_PIXELS = 512 * 512;
/**
 * zlib effort of preview PNGs: the bytes only cross a local socket, and level 1 against the
 * default 6 took about 1 ms off each 128 px sketch preview (see docs/BENCHMARKS.md).
 */
const PREVIEW_PNG_COMPRESSION = 1;
/** Decoded sources kept (each at most 1024 px on its longer side: 3 MB). */
const SOURCES_KEPT = 6;
/** Sources prepared for a model and size (shrunk, cropped), kept for repeated slider moves. */
const PREPARED_KEPT = 12;
const PIPELINES_KEPT = 4;

/** A small map that forgets the least recently used entry beyond `limit`. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly limit: number) {}
  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.limit) this.map.delete(this.map.keys().next().value as string);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  clear(): void {
    this.map.clear();
  }
}

/**
 * Live previews in the engine: decodes a source once (per file and modification time, or per
 * PNG hash), keeps it shrunk for each preview size and model, keeps a pipeline per model and
 * device, and returns the translation as a data: URL. Repeated slider moves on one picture
 * only run the model and encode the result.
 */
export class PreviewRenderer {
  private readonly sources = new Lru<Promise<DecodedImage>>(SOURCES_KEPT);
  private readonly prepared = new Lru<Promise<{ image: DecodedImage; notes: string[] }>>(PREPARED_KEPT);
  private readonly pipelines = new Lru<ImageToImagePipeline>(PIPELINES_KEPT);
  private readonly settledPipelines = new Lru<ImageToImagePipeline>(PIPELINES_KEPT);

  /**
   * `settledSessions` run the previews of finished gestures, on every core (the engine's
   * `sessions` leave one to the window); without it every preview runs on `sessions`.
   */
  constructor(
    private readonly library: ModelLibrary,
    private readonly sessions: SessionManager,
    private readonly settledSessions: SessionManager = sessions,
  ) {}

  async render(request: PreviewRequest): Promise<RenderedPreview> {
    const started = performance.now();
    const device = deviceChoice(request.device);
    const maxSide = request.maxSide ?? PREVIEW_DEFAULT_SIDE;
    if (!(Number.isInteger(maxSide) && maxSide >= 16 && maxSide <= PREVIEW_MAX_SIDE)) {
      throw new StudioError('BAD_ARGUMENT', `the preview size must be a whole number of pixels from 16 to ${PREVIEW_MAX_SIDE}, got ${maxSide}`);
    }
    const settled = request.settled === true && this.settledSessions !== this.sessions;
    const sessions = settled ? this.settledSessions : this.sessions;
    const pipeline = await openPipeline({ library: this.library, sessions }, request.model, device, { cache: settled ? this.settledPipelines : this.pipelines });
    const attributes = request.attributes === undefined ? {} : { attributes: request.attributes };
    pipeline.validate(attributes);
    const { key, load } = await this.sourceOf(request.source);
    const preprocess = pipeline.entry.manifest.preprocess;
    const preparedKey = `${key}\0${maxSide}\0${preprocess === undefined ? '' : `${preprocess.crop}:${preprocess.size}`}`;
    let prepared = this.prepared.get(preparedKey);
    if (prepared === undefined) {
      prepared = this.prepare(key, load, maxSide, preprocess);
      this.prepared.set(preparedKey, prepared);
      // A failure is not remembered: the next request tries again.
      prepared.catch(() => this.prepared.delete(preparedKey));
    }
    const { image, notes } = await prepared;
    const result = await pipeline.translate(image, { ...attributes, preprocessed: true });
    const jpeg = result.width * result.height > JPEG_ABOVE_PIXELS && result.alpha === null;
    const bytes = await encodeImage(result, jpeg ? { format: 'jpeg', quality: 90 } : { format: 'png', pngCompression: PREVIEW_PNG_COMPRESSION });
    return {
      image: `data:image/${jpeg ? 'jpeg' : 'png'};base64,${bytes.toString('base64')}`,
      width: result.width,
      height: result.height,
      ms: performance.now() - started,
      provider: result.provider,
      notes: [...notes, ...result.notes],
    };
  }

  /** Forgets every cached pipeline and picture (the session manager closes idle sessions). */
  async dispose(): Promise<void> {
    this.sources.clear();
    this.prepared.clear();
    this.pipelines.clear();
    this.settledPipelines.clear();
  }

  /** The cache key of a source and how to decode it (at most PREVIEW_MAX_SIDE on its longer side). */
  private async sourceOf(source: PreviewRequest['source']): Promise<{ key: string; load: () => Promise<DecodedImage> }> {
    if ('path' in source) {
      const info = await orSystemError(stat(source.path), (cause) => `Cannot read ${source.path}: ${cause}`);
      return { key: `file\0${source.path}\0${info.mtimeMs}\0${info.size}`, load: () => decodeImage(source.path, { maxSide: PREVIEW_MAX_SIDE }) };
    }
    const bytes = Buffer.from(source.png, 'base64');
    const key = `png\0${createHash('sha1').update(bytes).digest('hex')}`;
    return { key, load: () => decodeImageBytes(bytes, 'drawing.png', { maxSide: PREVIEW_MAX_SIDE }) };
  }

  private async prepare(key: string, load: () => Promise<DecodedImage>, maxSide: number, preprocess: ModelPreprocess | undefined): Promise<{ image: DecodedImage; notes: string[] }> {
    let decoded = this.sources.get(key);
    if (decoded === undefined) {
      decoded = load();
      this.sources.set(key, decoded);
      decoded.catch(() => this.sources.delete(key));
    }
    const source = await decoded;
    if (preprocess !== undefined) return applyPreprocess(source, preprocess, maxSide);
    if (Math.max(source.width, source.height) <= maxSide) return { image: source, notes: [] };
    const { width, height } = fitInside(source.width, source.height, maxSide);
    return { image: { ...(await resizeRaster(source, width, height)), format: source.format }, notes: [] };
  }
}
