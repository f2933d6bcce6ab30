import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import { StudioError } from '../errors.js';
import { providerOrder, type DeviceChoice, type ProviderName } from './devices.js';

/** A provider that was tried and passed over, with the reason, so results can say why. */
export interface Fallback {
  provider: ProviderName;
  reason: string;
}

export interface TensorInput {
  data: Float32Array;
  dims: readonly number[];
}

export interface RunOptions {
  /** Create the session without onnxruntime's CPU memory arena (tiling under a budget). */
  lowMemory?: boolean;
}

export interface RunResult {
  /** The model's first output. */
  output: Float32Array;
  dims: number[];
  /** Every output by name (the first one included). */
  outputs: Map<string, { data: Float32Array; dims: number[] }>;
  provider: ProviderName;
  fallbacks: Fallback[];
}

interface CachedSession {
  session: ort.InferenceSession;
  users: number;
  idleTimer: NodeJS.Timeout | null;
}

export interface SessionManagerOptions {
  /** How long an unused session stays loaded before it is released. */
  idleMs?: number;
  /** CPU threads per session; onnxruntime's default (physical cores) when unset. */
  threads?: number;
  platform?: NodeJS.Platform;
}

const require = createRequire(import.meta.url);

const VULKAN_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib64'];

/**
 * On Linux the WebGPU provider runs on Vulkan. Without the loader library it cannot start and
 * Dawn prints a native warning on every attempt, so we do not try it at all and say why.
 */
export function vulkanLoaderPresent(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== 'linux') return true;
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== ''), ...VULKAN_DIRS];
  return dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')));
}

/** Whether the optional CUDA provider files were installed next to onnxruntime-node's binding. */
export function cudaProviderInstalled(): boolean {
  try {
    const pkg = dirname(require.resolve('onnxruntime-node/package.json'));
    const dir = join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
    return existsSync(join(dir, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

/** Wraps plain float32 arrays as onnxruntime tensors (no copy). */
export function toOrtFeeds(feeds: Record<string, TensorInput>): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) out[name] = new ort.Tensor('float32', t.data, t.dims);
  return out;
}

function shortReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  // onnxruntime prefixes messages with a source location; the last clause is the useful part.
  const line = text.split('\n')[0] ?? text;
  const cut = line.lastIndexOf(' was false. ');
  return (cut >= 0 ? line.slice(cut + 12) : line).slice(0, 300);
}

/**
 * Owns every onnxruntime session: one per (model file, provider), shared by all users,
 * released after an idle period. The only place that knows about onnxruntime's types.
 */
export class SessionManager {
  private readonly sessions = new Map<string, Promise<CachedSession>>();
  /** Providers that failed for a model: not tried again for it in this process. */
  private readonly broken = new Map<string, Set<ProviderName>>();
  private readonly idleMs: number;
  /** Intra-op threads of every session (onnxruntime's default when unset). */
  readonly threads: number | undefined;
  private readonly platform: NodeJS.Platform;

  constructor(options: SessionManagerOptions = {}) {
    this.idleMs = options.idleMs ?? 60_000;
    this.threads = options.threads;
    this.platform = options.platform ?? process.platform;
  }

  providersFor(choice: DeviceChoice): ProviderName[] {
    return providerOrder(choice, this.platform, cudaProviderInstalled());
  }

  /**
   * Runs a model on the first provider of the device choice that works, falling back to the
   * next one when a session cannot be created or a run fails.
   */
  async run(modelPath: string, choice: DeviceChoice, feeds: Record<string, TensorInput>, options: RunOptions = {}): Promise<RunResult> {
    const fallbacks: Fallback[] = [];
    const brokenHere = this.broken.get(modelPath) ?? new Set<ProviderName>();
    for (const provider of this.providersFor(choice)) {
      if (brokenHere.has(provider) && provider !== 'cpu') continue;
      if (provider === 'webgpu' && this.platform === 'linux' && !vulkanLoaderPresent()) {
        fallbacks.push({ provider, reason: 'skipped: no Vulkan loader (libvulkan.so.1) on this system' });
        continue;
      }
      let cached: CachedSession;
      try {
        cached = await this.acquire(modelPath, provider, options.lowMemory === true);
      } catch (err) {
        if (err instanceof StudioError) throw err;
        fallbacks.push({ provider, reason: `could not start: ${shortReason(err)}` });
        this.markBroken(modelPath, provider);
        if (provider === 'cpu') break;
        continue;
      }
      try {
        const results = await cached.session.run(toOrtFeeds(feeds));
        const outputs = new Map<string, { data: Float32Array; dims: number[] }>();
        for (const name of cached.session.outputNames) {
          const t = results[name];
          if (t === undefined) continue;
          outputs.set(name, { data: t.data as Float32Array, dims: [...t.dims] });
          t.dispose();
        }
        const first = outputs.get(cached.session.outputNames[0] ?? '');
        if (first === undefined) throw new Error('the model returned no output');
        return { output: first.data, dims: first.dims, outputs, provider, fallbacks };
      } catch (err) {
        if (provider === 'cpu') {
          throw new StudioError('INTERNAL', `the model failed to run on the CPU: ${shortReason(err)}`, {
            cause: err,
          });
        }
        fallbacks.push({ provider, reason: `failed to run: ${shortReason(err)}` });
        this.markBroken(modelPath, provider);
      } finally {
        this.releaseLater(modelPath, provider);
      }
    }
    const tried = fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ');
    throw new StudioError('EP_UNAVAILABLE', `no execution provider could run ${modelPath} (${tried})`);
  }

  /** Releases every session now (on shutdown, or when a model is deleted). */
  async dispose(modelPath?: string): Promise<void> {
    const keys = [...this.sessions.keys()].filter((k) => modelPath === undefined || k.startsWith(`${modelPath}\0`));
    await Promise.all(keys.map((k) => this.drop(k)));
  }

  /** How many sessions are loaded now (for tests and diagnostics). */
  get loadedCount(): number {
    return this.sessions.size;
  }

  private markBroken(modelPath: string, provider: ProviderName): void {
    const set = this.broken.get(modelPath) ?? new Set<ProviderName>();
    set.add(provider);
    this.broken.set(modelPath, set);
  }

  private async acquire(modelPath: string, provider: ProviderName, lowMemory: boolean): Promise<CachedSession> {
    const key = `${modelPath}\0${provider}`;
    let pending = this.sessions.get(key);
    if (pending === undefined) {
      pending = this.create(modelPath, provider, lowMemory);
      this.sessions.set(key, pending);
      pending.catch(() => this.sessions.delete(key));
    }
    const cached = await pending;
    cached.users += 1;
    if (cached.idleTimer !== null) {
      clearTimeout(cached.idleTimer);
      cached.idleTimer = null;
    }
    return cached;
  }

  private async create(modelPath: string, provider: ProviderName, lowMemory: boolean): Promise<CachedSession> {
    const options: ort.InferenceSession.SessionOptions = {
      executionProviders: [provider],
      graphOptimizationLevel: 'all',
      // The CPU arena keeps a session's peak memory for its whole life but saves allocating
      // (and faulting in) every activation on every run: about a third of the time of a
      // 256 px run here. Tiling sessions go without it so the memory budget holds.
      enableCpuMemArena: !lowMemory,
      // Warnings (such as a missing Vulkan loader) are reported through fallbacks instead.
      logSeverityLevel: 3,
      ...(this.threads === undefined ? {} : { intraOpNumThreads: this.threads }),
    };
    if (!existsSync(modelPath)) throw new StudioError('MODEL_NOT_FOUND', `${modelPath}: no such model file`);
    const session = await ort.InferenceSession.create(modelPath, options);
    return { session, users: 0, idleTimer: null };
  }

  private releaseLater(modelPath: string, provider: ProviderName): void {
    const key = `${modelPath}\0${provider}`;
    const pending = this.sessions.get(key);
    if (pending === undefined) return;
    void pending.then((cached) => {
      cached.users -= 1;
      if (cached.users > 0) return;
      cached.idleTimer = setTimeout(() => void this.drop(key), this.idleMs);
      // An idle session must not keep a command-line process alive.
      cached.idleTimer.unref();
    });
  }

  private async drop(key: string): Promise<void> {
    const pending = this.sessions.get(key);
    if (pending === undefined) return;
    this.sessions.delete(key);
    try {
      const cached = await pending;
      if (cached.idleTimer !== null) clearTimeout(cached.idleTimer);
      await cached.session.release();
    } catch {
      // A session that never started has nothing to release.
    }
  }
}
