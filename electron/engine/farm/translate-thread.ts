import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { ModelEntry } from '../../contract/models.js';
import type { StudioErrorInfo } from '../../contract/result.js';
import { StudioError, toErrorInfo } from '../errors.js';
import { decodeImageBytes, encodeImage, extensionFor, outputFormatFor } from '../imaging/index.js';
import { openPipeline, type ImageToImagePipeline } from '../jobs/pipeline.js';
import { ModelLibrary } from '../library/model-library.js';
import { deviceChoice, float16Setting, SessionManager, type DeviceChoice } from '../runtime/index.js';
import type { FarmItem } from './farm-item.js';

/**
 * A farm worker translates in worker threads: onnxruntime's run holds the thread it runs on
 * for the whole image, and the worker's main thread must stay free to renew its BullMQ locks
 * (the heartbeat) and answer Redis, or a long image would look stalled and be taken over.
 */
export interface ThreadConfig {
  name: string;
  device: string;
  threads?: number;
  home: string;
  cacheDir: string;
}

export interface Translated {
  bytes: Uint8Array;
  extension: string;
  width: number;
  height: number;
  provider: string;
  fallbacks: { provider: string; reason: string }[];
  notes: string[];
}

type ToThread = { id: number; item: FarmItem; input: Uint8Array };
type FromThread =
  | { id: number; progress: { fraction: number; status: string } }
  | { id: number; done: Translated }
  | { id: number; error: StudioErrorInfo };

/** The engine side: the batch's model from this worker's library (same version only), decode, run, encode. */
class ThreadTranslator {
  private readonly library: ModelLibrary;
  private readonly sessions: SessionManager;
  private readonly device: DeviceChoice;
  private readonly pipelines = new Map<string, ImageToImagePipeline>();
  private readonly entries = new Map<string, ModelEntry>();

  constructor(private readonly config: ThreadConfig) {
    this.library = new ModelLibrary({ home: config.home, cacheDir: config.cacheDir });
    this.sessions = new SessionManager({ ...(config.threads === undefined ? {} : { threads: config.threads }), float16: float16Setting(config.cacheDir) });
    this.device = deviceChoice(config.device);
  }

  async translate(item: FarmItem, input: Uint8Array, report: (fraction: number, status: string) => void): Promise<Translated> {
    const pipeline = await this.pipelineFor(item);
    const attributes = item.attributes === undefined ? {} : { attributes: item.attributes };
    pipeline.validate(attributes);
    const image = await decodeImageBytes(Buffer.from(input.buffer, input.byteOffset, input.byteLength), item.input, item.shorterSide === undefined ? {} : { shorterSide: item.shorterSide });
    report(0.1, 'translating');
    const result = await pipeline.translate(image, { ...attributes, onProgress: (f, status) => report(0.1 + 0.8 * f, status) });
    report(0.9, 'writing');
    const format = item.format === 'auto' ? outputFormatFor(image.format) : item.format;
    const bytes = await encodeImage(result, item.quality === undefined ? { format } : { format, quality: item.quality });
    return { bytes, extension: extensionFor(format), width: result.width, height: result.height, provider: result.provider, fallbacks: result.fallbacks, notes: result.notes };
  }

  private async pipelineFor(item: FarmItem): Promise<ImageToImagePipeline> {
    const { id, sha256 } = item.model;
    const worker = this.config.name;
    let entry = this.entries.get(id);
    if (entry?.manifest.sha256 !== sha256) {
      try {
        entry = await this.library.resolve(id);
      } catch (err) {
        if (err instanceof StudioError && err.code === 'MODEL_NOT_FOUND') {
          throw new StudioError('MODEL_MISMATCH', `worker ${worker} has no model "${id}" (the batch asks for sha256 ${sha256.slice(0, 12)}...)`);
        }
        throw err;
      }
      this.entries.set(id, entry);
    }
    if (entry.manifest.sha256 !== sha256) {
      throw new StudioError(
        'MODEL_MISMATCH',
        `worker ${worker} has another version of model "${id}" (sha256 ${entry.manifest.sha256.slice(0, 12)}..., the batch asks for ${sha256.slice(0, 12)}...): install the batch's version there`,
      );
    }
    return openPipeline({ library: this.library, sessions: this.sessions }, entry.dir, this.device, {
      ...(item.maxMemoryMB === undefined ? {} : { budgetBytes: item.maxMemoryMB * 2 ** 20 }),
      ...(item.tileSize === undefined ? {} : { tileSize: item.tileSize }),
      cache: this.pipelines,
    });
  }
}

if (!isMainThread && (workerData as { farmTranslate?: ThreadConfig } | null)?.farmTranslate !== undefined) {
  const port = parentPort;
  const translator = new ThreadTranslator((workerData as { farmTranslate: ThreadConfig }).farmTranslate);
  port?.on('message', (message: ToThread) => {
    const post = (reply: FromThread, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);
    translator.translate(message.item, message.input, (fraction, status) => post({ id: message.id, progress: { fraction, status } })).then(
      (done) => post({ id: message.id, done }, [done.bytes.buffer as ArrayBuffer]),
      (err: unknown) => post({ id: message.id, error: toErrorInfo(err) }),
    );
  });
}

/** One translation thread per item a worker runs at once; each keeps its model loaded between items. */
export class TranslateThreads {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private nextId = 0;

  constructor(private readonly config: ThreadConfig) {}

  private spawn(): Worker {
    const thread = new Worker(new URL('./translate-thread.js', import.meta.url), { workerData: { farmTranslate: this.config } });
    this.all.add(thread);
    thread.on('exit', () => {
      this.all.delete(thread);
      const at = this.idle.indexOf(thread);
      if (at >= 0) this.idle.splice(at, 1);
    });
    return thread;
  }

  run(item: FarmItem, input: Uint8Array, onProgress: (fraction: number, status: string) => void): Promise<Translated> {
    const thread = this.idle.pop() ?? this.spawn();
    const id = this.nextId++;
    return new Promise<Translated>((resolve, reject) => {
      const settle = (): void => {
        thread.off('message', onMessage);
        thread.off('error', onError);
        thread.off('exit', onExit);
      };
      const onMessage = (message: FromThread): void => {
        if (message.id !== id) return;
        if ('progress' in message) return onProgress(message.progress.fraction, message.progress.status);
        settle();
        if (this.all.has(thread)) this.idle.push(thread);
        if ('done' in message) resolve(message.done);
        else reject(new StudioError(message.error.code, message.error.message, message.error.detail === undefined ? {} : { detail: message.error.detail }));
      };
      const onError = (err: Error): void => {
        settle();
        reject(new StudioError('INTERNAL', `the translation thread failed: ${err.message}`));
      };
      const onExit = (code: number): void => {
        settle();
        reject(new StudioError('INTERNAL', `the translation thread stopped (exit code ${code})`));
      };
      thread.on('message', onMessage);
      thread.on('error', onError);
      thread.on('exit', onExit);
      const copy = new Uint8Array(input);
      thread.postMessage({ id, item, input: copy } satisfies ToThread, [copy.buffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.all].map((t) => t.terminate()));
  }
}
