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
}

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
    ...(settings.threads === undefined ? {} : { intraOpNumThreads: settings.threads, interOpNumThreads: 1 }),
  };
  return typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options);
}

/** Wraps plain float32 arrays as onnxruntime tensors (no copy). */
export function toOrtFeeds(feeds: Record<string, TensorInput>): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) out[name] = new ort.Tensor('float32', t.data, t.dims);
  return out;
}

/** One run: every output by name, in the session's order, as plain arrays. */
export async function runSession(session: ort.InferenceSession, feeds: Record<string, TensorInput>): Promise<Map<string, TensorOutput>> {
  const results = await session.run(toOrtFeeds(feeds));
  const outputs = new Map<string, TensorOutput>();
  for (const name of session.outputNames) {
    const t = results[name];
    if (t === undefined) continue;
    outputs.set(name, { data: t.data as Float32Array, dims: [...t.dims] });
    t.dispose();
  }
  return outputs;
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
