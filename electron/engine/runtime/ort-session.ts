import ort from 'onnxruntime-node';
import type { ProviderName } from './devices.js';

export interface TensorInput {
  data: Float32Array;
  dims: readonly number[];
}

export interface TensorOutput {
  data: Float32Array;
  dims: number[];
}

export interface SessionSettings {
  /** CPU threads (intra-op); onnxruntime's default (physical cores) when unset. */
  threads?: number;
  /** Without onnxruntime's CPU memory arena, so a run's peak memory is returned after it (runs under a budget). */
  lowMemory?: boolean;
  /**
   * Outputs a WebGPU session leaves in GPU buffers (onnxruntime's `preferredOutputLocation:
   * 'gpu-buffer'`), to be fed to a later run as they are: a training run's weights and moments
   * then never cross the bus between steps. Other providers return them as plain arrays.
   */
  keepOnDevice?: readonly string[];
  /** Where onnxruntime writes its per-node profile (a JSON file, complete once the session is released): benchmarks only. */
  profileFilePrefix?: string;
}

/**
 * An output left in the device's memory. It is fed back to any session on the same device as
 * it is; reading it takes a run (GraphRunner.download): onnxruntime-node 1.30 aborts the
 * process on `getData()` of a GPU buffer. Dispose it once nothing will read it again.
 */
export class DeviceValue {
  constructor(readonly tensor: ort.Tensor) {}

  get dims(): readonly number[] {
    return this.tensor.dims;
  }

  dispose(): void {
    this.tensor.dispose();
  }
}

/** A run's feed: a plain array, or a value already on the device. */
export type Feed = TensorInput | DeviceValue;

/** Opens an onnxruntime session on one provider, with the settings every session of the engine uses. */
export function createSession(model: string | Uint8Array, provider: ProviderName, settings: SessionSettings = {}): Promise<ort.InferenceSession> {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    // The CPU arena keeps a session's peak memory for its whole life but saves allocating
    // (and faulting in) every activation on every run: about a third of the time of a
    // 256 px run here. Runs under a memory budget (tiles, strips) go without it.
    enableCpuMemArena: settings.lowMemory !== true,
    // Warnings (such as a missing Vulkan loader) are reported through fallbacks instead.
    logSeverityLevel: 3,
    ...(provider === 'webgpu' && settings.keepOnDevice !== undefined && settings.keepOnDevice.length > 0
      ? { preferredOutputLocation: Object.fromEntries(settings.keepOnDevice.map((name) => [name, 'gpu-buffer' as const])) }
      : {}),
    ...(settings.threads === undefined ? {} : { intraOpNumThreads: settings.threads, interOpNumThreads: 1 }),
    ...(settings.profileFilePrefix === undefined ? {} : { enableProfiling: true, profileFilePrefix: settings.profileFilePrefix }),
  };
  return typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options);
}

/** Wraps plain float32 arrays as onnxruntime tensors (no copy); device values go as they are. */
export function toOrtFeeds(feeds: Readonly<Record<string, Feed>>): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) out[name] = t instanceof DeviceValue ? t.tensor : new ort.Tensor('float32', t.data, t.dims);
  return out;
}

/** One run's outputs: plain arrays, and the ones left on the device. */
export interface RunOutputs {
  host: Map<string, TensorOutput>;
  device: Map<string, DeviceValue>;
}

/** One run: every output by name, in the session's order. */
export async function runOnSession(session: ort.InferenceSession, feeds: Readonly<Record<string, Feed>>): Promise<RunOutputs> {
  const results = await session.run(toOrtFeeds(feeds));
  const host = new Map<string, TensorOutput>();
  const device = new Map<string, DeviceValue>();
  try {
    for (const name of session.outputNames) {
      const t = results[name];
      if (t === undefined) continue;
      if (t.location === 'gpu-buffer') {
        device.set(name, new DeviceValue(t));
        continue;
      }
      host.set(name, { data: t.data as Float32Array, dims: [...t.dims] });
      t.dispose();
    }
  } catch (err) {
    // A run that cannot hand over all its outputs hands over none: free every buffer it made.
    for (const t of Object.values(results)) {
      try {
        t.dispose();
      } catch {
        // already disposed (a plain output read above)
      }
    }
    throw err;
  }
  return { host, device };
}

/** One run: every output by name, in the session's order, as plain arrays. */
export async function runSession(session: ort.InferenceSession, feeds: Readonly<Record<string, Feed>>): Promise<Map<string, TensorOutput>> {
  const { host, device } = await runOnSession(session, feeds);
  for (const v of device.values()) v.dispose();
  return host;
}

/** Opens a model on the CPU for a few runs, then releases it: the trial runs of an import. */
export async function withCpuSession<T>(model: Uint8Array, work: (run: (feeds: Record<string, TensorInput>) => Promise<Map<string, TensorOutput>>) => Promise<T>): Promise<T> {
  const session = await createSession(model, 'cpu', { lowMemory: true });
  try {
    return await work((feeds) => runSession(session, feeds));
  } finally {
    await session.release();
  }
}
