import { freemem } from 'node:os';
import { join } from 'node:path';
import type { ModelEntry } from '../../contract/models.js';
import { StudioError } from '../errors.js';
import { estimateMemory } from '../graph/memory-estimate.js';
import { imageToTensor, paddedSize, resizeRgb, tensorToImage, type DecodedImage } from '../imaging/index.js';
import type { ModelLibrary } from '../library/index.js';
import type { DeviceChoice, Fallback, ProviderName, SessionManager, TensorInput } from '../runtime/index.js';
import { applyPreprocess } from './preprocess.js';
import { StripTranslator } from './strip-translator.js';
import { TiledTranslator } from './tiled-translator.js';

/**
 * The smallest side a model is run on; smaller images are reflect-padded up to it and cropped
 * back. The ResNet generators reflect-pad by 1 inside every block at a quarter of the size,
 * which needs at least 2 pixels there; without this a 1 x 1 image failed inside onnxruntime.
 */
export const SMALLEST_RUN_SIDE = 8;

/** Below this side an image that fails inside the model is reported as too small for it. */
const SMALL_IMAGE_SIDE = 64;

export interface TranslatedImage {
  width: number;
  height: number;
  rgb: Uint8Array;
  alpha: Uint8Array | null;
  provider: ProviderName;
  fallbacks: Fallback[];
  /** What the pipeline decided on the way (tiling, retries), in words for the user. */
  notes: string[];
}

export interface TranslateOptions {
  /** Attribute values by name (conditional models); unset ones take the manifest default. */
  attributes?: Readonly<Record<string, number>>;
  /** Progress within this image, 0..1, with a status line (tiles of a large image). */
  onProgress?: (fraction: number, status: string) => void;
  /** The caller already applied the manifest's preprocessing (a preview, which also shrinks). */
  preprocessed?: boolean;
}

export interface PipelineSettings {
  /** Where derived files (the tiling variants of a model) are cached. */
  cacheDir: string;
  /** Memory one translation may plan for; larger images run layer by layer in strips. */
  budgetBytes: number;
  /** Run in tiles of this size (pixels) instead: faster to start, approximate (see TiledTranslator). */
  tileSize?: number;
  /** Caps the longest side of the copy whole-image statistics are gathered on (the budget decides otherwise). */
  statsMaxSide?: number;
}

/**
 * preprocess -> run -> postprocess for one model. Subclasses add what their kind needs (a
 * condition vector for conditional models); `dispose` lets go of the model's sessions.
 */
export class ImageToImagePipeline {
  private tiler: TiledTranslator | undefined;
  private strips: StripTranslator | undefined;

  constructor(
    readonly entry: ModelEntry,
    protected readonly sessions: SessionManager,
    protected readonly device: DeviceChoice,
    protected readonly settings: PipelineSettings,
  ) {
    const { inputChannels, outputChannels } = entry.manifest;
    if (inputChannels !== 3 || outputChannels !== 3) {
      throw new StudioError(
        'BAD_MODEL',
        `${entry.manifest.id}: only 3-channel (RGB) models are supported, this one has ${inputChannels} in and ${outputChannels} out`,
      );
    }
  }

  /** Checks the options before any image work, so a bad value fails the whole job at once. */
  validate(options: TranslateOptions): void {
    const names = Object.keys(options.attributes ?? {});
    if (names.length > 0) {
      throw new StudioError('BAD_ARGUMENT', `${this.entry.manifest.id} is a ${this.entry.manifest.kind} model and takes no attributes (got ${names.join(', ')})`);
    }
  }

  protected extraFeeds(_batch: number, _options: TranslateOptions): Record<string, TensorInput> {
    return {};
  }

  async translate(source: DecodedImage, options: TranslateOptions = {}): Promise<TranslatedImage> {
    // A face model's crop comes first: the output is the cropped square, and a note says so.
    const prepared = options.preprocessed === true ? { image: source, notes: [] } : await applyPreprocess(source, this.entry.manifest.preprocess);
    const image = prepared.image;
    const { width, height } = image;
    const { manifest } = this.entry;
    // Fixed-size models see the image resized to their size; the output is resized back.
    const fixed = manifest.fixedSize;
    const tiny = Math.min(width, height) < SMALL_IMAGE_SIDE;
    // Tiny images never need tiles or strips, and those assume the image covers the model's size.
    if (fixed === undefined && manifest.network !== undefined && !tiny) {
      const { paddedWidth, paddedHeight } = paddedSize(width, height, manifest.sizeMultiple);
      if (this.settings.tileSize !== undefined) {
        // Tiles only when asked for: they are approximate (see TiledTranslator), strips are exact.
        this.tiler ??= new TiledTranslator(this.entry, this.sessions, this.settings.cacheDir);
        const tiled = await this.tiler.translate(image.rgb, width, height, this.device, {
          budgetBytes: this.settings.budgetBytes,
          tileSize: this.settings.tileSize,
          ...(this.settings.statsMaxSide === undefined ? {} : { statsMaxSide: this.settings.statsMaxSide }),
          ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
          extraFeeds: this.extraFeeds(1, options),
        });
        return { width, height, rgb: tiled.rgb, alpha: image.alpha, provider: tiled.provider, fallbacks: tiled.fallbacks, notes: [...prepared.notes, ...tiled.notes] };
      }
      this.strips ??= new StripTranslator(this.entry, this.sessions, join(this.settings.cacheDir, 'scratch'));
      if (estimateMemory(this.strips.graph, paddedWidth, paddedHeight).plannedBytes > this.settings.budgetBytes) {
        const result = await this.strips.translate(image.rgb, width, height, this.device, {
          budgetBytes: this.settings.budgetBytes,
          ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
          extraFeeds: this.extraFeeds(1, options),
        });
        return { width, height, rgb: result.rgb, alpha: image.alpha, provider: result.provider, fallbacks: result.fallbacks, notes: [...prepared.notes, ...result.notes] };
      }
    }
    const inW = fixed?.width ?? width;
    const inH = fixed?.height ?? height;
    const rgbIn = fixed === undefined ? image.rgb : await resizeRgb(image.rgb, width, height, inW, inH);
    const tensor = fixed === undefined ? imageToTensor(rgbIn, inW, inH, manifest.sizeMultiple, SMALLEST_RUN_SIDE) : imageToTensor(rgbIn, inW, inH, 1);
    const unitRange = manifest.pixelRange === '0..1';
    if (unitRange) for (let i = 0; i < tensor.data.length; i++) tensor.data[i] = ((tensor.data[i] as number) + 1) * 0.5;
    let result;
    try {
      result = await this.sessions.run(this.entry.onnxPath, this.device, {
        [manifest.io?.image ?? 'input']: { data: tensor.data, dims: [1, 3, tensor.paddedHeight, tensor.paddedWidth] },
        ...this.extraFeeds(1, options),
      });
    } catch (err) {
      // An imported model may need more than SMALLEST_RUN_SIDE: say so instead of onnxruntime's words alone.
      if (!tiny || fixed !== undefined) throw err;
      const why = err instanceof Error ? err.message : String(err);
      throw new StudioError('BAD_IMAGE', `the image is ${width} x ${height} pixels, too small for ${manifest.id} (${why})`, { cause: err });
    }
    const [, channels, outH, outW] = result.dims;
    if (channels !== 3 || outH !== tensor.paddedHeight || outW !== tensor.paddedWidth) {
      throw new StudioError(
        'BAD_MODEL',
        `${manifest.id}: output shape [${result.dims.join(', ')}] does not match the input [1, 3, ${tensor.paddedHeight}, ${tensor.paddedWidth}]`,
      );
    }
    const output = result.output;
    if (unitRange) for (let i = 0; i < output.length; i++) output[i] = (output[i] as number) * 2 - 1;
    let rgb = tensorToImage(output, tensor.paddedWidth, tensor.paddedHeight, inW, inH);
    if (fixed !== undefined) rgb = await resizeRgb(rgb, inW, inH, width, height);
    // A GPU run in float16 says so, with the measured difference from float32 (runtime/float16-choice).
    const notes = result.precision === 'float16' && result.precisionReason !== undefined ? [...prepared.notes, `ran in ${result.precisionReason}`] : prepared.notes;
    return { width, height, rgb, alpha: image.alpha, provider: result.provider, fallbacks: result.fallbacks, notes };
  }

  async dispose(): Promise<void> {
    await this.sessions.dispose(this.entry.onnxPath);
  }
}

/** Conditional models also take a [batch, attributes] vector, in manifest order. */
export class ConditionalPipeline extends ImageToImagePipeline {
  override validate(options: TranslateOptions): void {
    this.conditionVector(options);
  }

  conditionVector(options: TranslateOptions): Float32Array {
    const specs = this.entry.manifest.attributes;
    const given = options.attributes ?? {};
    const unknown = Object.keys(given).filter((n) => !specs.some((s) => s.name === n));
    if (unknown.length > 0) {
      throw new StudioError(
        'BAD_ARGUMENT',
        `${this.entry.manifest.id} has no attribute ${unknown.join(', ')} (its attributes: ${specs.map((s) => s.name).join(', ')})`,
      );
    }
    return Float32Array.from(specs, (s) => {
      const value = given[s.name] ?? s.default;
      if (!Number.isFinite(value) || value < s.min || value > s.max) {
        throw new StudioError('BAD_ARGUMENT', `${s.name}=${value} is outside its range ${s.min}..${s.max}`);
      }
      return value;
    });
  }

  protected override extraFeeds(batch: number, options: TranslateOptions): Record<string, TensorInput> {
    const vector = this.conditionVector(options);
    const data = new Float32Array(batch * vector.length);
    for (let b = 0; b < batch; b++) data.set(vector, b * vector.length);
    return { [this.entry.manifest.io?.condition ?? 'condition']: { data, dims: [batch, vector.length] } };
  }
}

/** The registry from a manifest's kind to its pipeline. */
export function createPipeline(entry: ModelEntry, sessions: SessionManager, device: DeviceChoice, settings: PipelineSettings): ImageToImagePipeline {
  switch (entry.manifest.kind) {
    case 'cyclegan':
    case 'pix2pix':
      return new ImageToImagePipeline(entry, sessions, device, settings);
    case 'conditional':
      return new ConditionalPipeline(entry, sessions, device, settings);
  }
}

/** Where jobs find models and run them. */
export interface ModelContext {
  library: ModelLibrary;
  sessions: SessionManager;
}

export interface OpenPipelineOptions {
  /** Memory one translation may plan for; a quarter of the free memory (see defaultBudgetBytes) when unset. */
  budgetBytes?: number;
  tileSize?: number;
  /** Pipelines kept by a caller that runs one model many times (live previews). */
  cache?: { get(key: string): ImageToImagePipeline | undefined; set(key: string, pipeline: ImageToImagePipeline): void };
}

/**
 * The pipeline of a model named by id or path: resolved in the library, its file checked
 * against the manifest's sha256 (a changed or damaged file is refused), and created for the
 * device with the library's cache folder. Every job and preview opens its model this way.
 */
export async function openPipeline(ctx: ModelContext, model: string, device: DeviceChoice, options: OpenPipelineOptions = {}): Promise<ImageToImagePipeline> {
  const entry = await ctx.library.resolve(model);
  await ctx.library.verify(entry);
  // A model replaced under the same id has another sha256, so it gets a pipeline of its own.
  const key = `${entry.onnxPath}\0${entry.manifest.sha256}\0${device}`;
  const cached = options.cache?.get(key);
  if (cached !== undefined) return cached;
  const pipeline = createPipeline(entry, ctx.sessions, device, {
    cacheDir: ctx.library.cacheDir,
    budgetBytes: options.budgetBytes ?? defaultBudgetBytes(freemem()),
    ...(options.tileSize === undefined ? {} : { tileSize: options.tileSize }),
  });
  options.cache?.set(key, pipeline);
  return pipeline;
}

/**
 * The default memory budget of one translation: a quarter of the memory free now, kept
 * between 512 MB and 1.5 GB so that a 24-megapixel photo stays well under 2.5 GB of RSS.
 */
export function defaultBudgetBytes(freeBytes: number): number {
  return Math.min(1.5 * 2 ** 30, Math.max(512 * 2 ** 20, freeBytes / 4));
}
