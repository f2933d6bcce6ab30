import ort from 'onnxruntime-node';
import { providerOrder, type DeviceChoice, type ProviderName } from './devices.js';
import { cudaProviderInstalled, toOrtFeeds, vulkanLoaderPresent, type Fallback, type TensorInput } from './session-manager.js';

/**
 * A session over an in-memory graph that the engine built itself (training steps, gradient
 * checks), run again and again with new feeds. Unlike SessionManager's cached model files,
 * such a graph has one owner and lives as long as a training run.
 */
export interface GraphRunner {
  readonly provider: ProviderName;
  readonly fallbacks: readonly Fallback[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, TensorInput>): Promise<Map<string, Float32Array>>;
  release(): Promise<void>;
}

export interface GraphRunnerOptions {
  /** CPU threads (intra-op); onnxruntime's default when unset. */
  threads?: number;
  /** Without onnxruntime's CPU memory arena, so a run's peak memory is returned after it (runs under a budget). */
  lowMemory?: boolean;
}

function reasonOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? text).slice(0, 300);
}

/** Opens the graph on the first provider of the device choice that accepts it. */
export async function openGraphRunner(model: Uint8Array, choice: DeviceChoice, options: GraphRunnerOptions = {}): Promise<GraphRunner> {
  const fallbacks: Fallback[] = [];
  for (const provider of providerOrder(choice, process.platform, cudaProviderInstalled())) {
    if (provider === 'webgpu' && process.platform === 'linux' && !vulkanLoaderPresent()) {
      fallbacks.push({ provider, reason: 'skipped: no Vulkan loader (libvulkan.so.1) on this system' });
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(model, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
        ...(options.lowMemory === true ? { enableCpuMemArena: false } : {}),
        ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads, interOpNumThreads: 1 }),
      });
      return wrap(session, provider, fallbacks);
    } catch (err) {
      fallbacks.push({ provider, reason: `could not start: ${reasonOf(err)}` });
      if (provider === 'cpu') throw err;
    }
  }
  throw new Error(`no provider could open the graph: ${fallbacks.map((f) => `${f.provider} (${f.reason})`).join('; ')}`);
}

function wrap(session: ort.InferenceSession, provider: ProviderName, fallbacks: Fallback[]): GraphRunner {
  return {
    provider,
    fallbacks,
    outputNames: session.outputNames,
    async run(feeds) {
      const results = await session.run(toOrtFeeds(feeds));
      const out = new Map<string, Float32Array>();
      for (const name of session.outputNames) {
        const t = results[name];
        if (t === undefined) continue;
        out.set(name, t.data as Float32Array);
      }
      return out;
    },
    release: () => session.release(),
  };
}
