import { existsSync } from 'node:fs';
import type ort from 'onnxruntime-node';
import { StudioError } from '../errors.js';
import type { DeviceChoice, ProviderName } from './devices.js';
import { FLOAT16_PROVIDERS, openInChosenPrecision, type Float16Options, type Precision } from './float16-choice.js';
import { createSession, runSession, type TensorInput, type TensorOutput } from './ort-session.js';
import { onFirstWorkingProvider, type Fallback } from './provider-policy.js';

export interface RunOptions {
  /** Create the session without onnxruntime's CPU memory arena (tiling under a budget). */
  lowMemory?: boolean;
}

export interface RunResult {
  /** The model's first output. */
  output: Float32Array;
  dims: number[];
  /** Every output by name (the first one included). */
  outputs: Map<string, TensorOutput>;
  provider: ProviderName;
  fallbacks: Fallback[];
  /** The precision the model ran in: float16 only on a GPU where its variant is faithful (runtime/float16-choice). */
  precision: Precision;
  /** Why that precision, where a choice was made ("float16: 0.031 levels mean ... from float32 on webgpu"). */
  precisionReason?: string;
}

interface CachedSession {
  session: ort.InferenceSession;
  precision: Precision;
  precisionReason?: string;
  users: number;
  idleTimer: NodeJS.Timeout | null;
}

export interface SessionManagerOptions {
  /** How long an unused session stays loaded before it is released. */
  idleMs?: number;
  /** CPU threads per session; onnxruntime's default (physical cores) when unset. */
  threads?: number;
  platform?: NodeJS.Platform;
  /** Float16 variants for GPU providers (off when unset: every session runs the file as it is, in float32). */
  float16?: Float16Options | undefined;
}

/**
 * Owns every onnxruntime session of a model file: one per (model file, provider), shared by
 * all users, released after an idle period.
 */
export class SessionManager {
  private readonly sessions = new Map<string, Promise<CachedSession>>();
  /** Providers that failed for a model: not tried again for it in this process. */
  private readonly broken = new Map<string, Set<ProviderName>>();
  private readonly idleMs: number;
  /** Intra-op threads of every session (onnxruntime's default when unset). */
  readonly threads: number | undefined;
  private readonly platform: NodeJS.Platform;
  private readonly float16: Required<Float16Options> | null;

  constructor(options: SessionManagerOptions = {}) {
    this.idleMs = options.idleMs ?? 60_000;
    this.threads = options.threads;
    this.platform = options.platform ?? process.platform;
    this.float16 = options.float16 === undefined ? null : { providers: FLOAT16_PROVIDERS, ...options.float16 };
  }

  /**
   * Runs a model on the first provider of the device choice that works (runtime/provider-policy),
   * falling back to the next one when a session cannot be created or a run fails. A provider
   * that failed for a model is not tried again for it in this process.
   */
  async run(modelPath: string, choice: DeviceChoice, feeds: Record<string, TensorInput>, options: RunOptions = {}): Promise<RunResult> {
    const broken = this.broken.get(modelPath) ?? new Set<ProviderName>();
    this.broken.set(modelPath, broken);
    const { value, provider, fallbacks } = await onFirstWorkingProvider(
      choice,
      async (provider, started) => {
        const cached = await this.acquire(modelPath, provider, options.lowMemory === true);
        started();
        try {
          const outputs = await runSession(cached.session, feeds);
          const first = outputs.get(cached.session.outputNames[0] ?? '');
          if (first === undefined) throw new Error('the model returned no output');
          return { outputs, first, precision: cached.precision, precisionReason: cached.precisionReason };
        } finally {
          this.releaseLater(modelPath, provider);
        }
      },
      { subject: modelPath, platform: this.platform, broken },
    );
    const precision = value.precisionReason === undefined ? { precision: value.precision } : { precision: value.precision, precisionReason: value.precisionReason };
    return { output: value.first.data, dims: value.first.dims, outputs: value.outputs, provider, fallbacks, ...precision };
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
    if (!existsSync(modelPath)) throw new StudioError('MODEL_NOT_FOUND', `${modelPath}: no such model file`);
    const settings = { lowMemory, ...(this.threads === undefined ? {} : { threads: this.threads }) };
    if (this.float16 === null || !this.float16.providers.includes(provider)) return { session: await createSession(modelPath, provider, settings), precision: 'float32', users: 0, idleTimer: null };
    const chosen = await openInChosenPrecision(modelPath, provider, this.float16, (model) => createSession(model, provider, settings));
    return { session: chosen.session, precision: chosen.precision, precisionReason: chosen.reason, users: 0, idleTimer: null };
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
