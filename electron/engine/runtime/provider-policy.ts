/**
 * The one policy by which every onnxruntime session of the engine is opened (SessionManager's
 * cached model files, GraphRunner's engine-built graphs, strips, tiles, training):
 *  - order: the platform's providers for the device choice (devices.ts), the CPU always last;
 *  - skip: a provider this system cannot run (WebGPU without a Vulkan loader or driver) is
 *    passed over with the reason, and so is WebGPU on a software Vulkan driver (SwiftShader)
 *    unless it is asked for by name (`webgpu`): that adapter is the processor, not a GPU; one
 *    that already failed for the same model is passed over silently;
 *  - fallback: a provider that cannot start the session, or fails its run, gives way to the
 *    next, and the reason goes into the result's fallbacks; the CPU's failure is final;
 *  - retry (long runs): a failure that may be the device's or the memory's is tried again
 *    with smaller pieces while they can shrink, then on the CPU;
 *  - mid-run (training): such a failure of a step on a device moves the run to the CPU, from
 *    its last good state (training-run.ts); the CPU's failure is final there too.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { providerLine } from '../../contract/jobs.js';
import { StudioError } from '../errors.js';
import { isProviderName, providerOrder, type DeviceChoice, type ProviderName } from './devices.js';
import { softwareVulkanOnly, vulkanDrivers } from './vulkan-drivers.js';

/** A provider that was tried and passed over, with the reason, so results can say why. */
export interface Fallback {
  provider: ProviderName;
  reason: string;
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

/** Why this system cannot run a provider for a device choice, or null when it may. */
function systemCannotRun(provider: ProviderName, platform: NodeJS.Platform, choice: DeviceChoice): string | null {
  if (provider !== 'webgpu' || platform !== 'linux') return null;
  if (!vulkanLoaderPresent()) return 'skipped: no Vulkan loader (libvulkan.so.1) on this system';
  const drivers = vulkanDrivers();
  if (drivers.length === 0) return 'skipped: no Vulkan driver on this system';
  const software = softwareVulkanOnly(drivers);
  if (software !== null && choice !== 'webgpu') return `skipped: the only Vulkan driver is ${software}, which runs on the processor (--device webgpu uses it)`;
  return null;
}

/** A provider as a user should read it: WebGPU on a software Vulkan driver says so. */
export function describeProvider(provider: ProviderName, platform: NodeJS.Platform = process.platform): string {
  if (provider !== 'webgpu' || platform !== 'linux') return provider;
  const software = softwareVulkanOnly(vulkanDrivers());
  return software === null ? provider : `webgpu (on ${software}, a software Vulkan driver: the processor, not a GPU)`;
}

/** The one line that says which provider ran (as it is) and why the ones before it did not (contract/jobs providerLine). */
export function providerSummary(provider: string, fallbacks: readonly Fallback[] | readonly { provider: string; reason: string }[], platform?: NodeJS.Platform): string {
  return providerLine(isProviderName(provider) ? describeProvider(provider, platform) : provider, fallbacks);
}

/** An error in a line a result can carry: the first line, without onnxruntime's source-location prefix. */
export function failureReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n')[0] ?? text;
  const cut = line.lastIndexOf(' was false. ');
  return (cut >= 0 ? line.slice(cut + 12) : line).slice(0, 300);
}

export interface ProviderChoiceOptions {
  /** What is being opened, for the error when no provider can: a model file, an engine-built graph. */
  subject: string;
  platform?: NodeJS.Platform;
  /** Providers that failed for this model before: passed over (never the CPU), and told of new failures. */
  broken?: Set<ProviderName>;
}

export interface OnProvider<T> {
  value: T;
  provider: ProviderName;
  fallbacks: Fallback[];
}

/**
 * Tries `attempt` on each provider of the device choice in turn, as the policy above says, and
 * returns the first success with the provider it ran on and the ones passed over. `attempt`
 * calls `started()` once its session is open: a failure after that is a failed run. A
 * StudioError is about the model or the input, not the provider, and is thrown at once.
 */
export async function onFirstWorkingProvider<T>(
  choice: DeviceChoice,
  attempt: (provider: ProviderName, started: () => void) => Promise<T>,
  options: ProviderChoiceOptions,
): Promise<OnProvider<T>> {
  const platform = options.platform ?? process.platform;
  const fallbacks: Fallback[] = [];
  for (const provider of providerOrder(choice, platform, cudaProviderInstalled())) {
    if (provider !== 'cpu' && options.broken?.has(provider) === true) continue;
    const cannot = systemCannotRun(provider, platform, choice);
    if (cannot !== null) {
      fallbacks.push({ provider, reason: cannot });
      continue;
    }
    let running = false;
    try {
      const value = await attempt(provider, () => {
        running = true;
      });
      return { value, provider, fallbacks };
    } catch (err) {
      if (err instanceof StudioError) throw err;
      const reason = failureReason(err);
      if (provider === 'cpu' && running) throw new StudioError('INTERNAL', `the model failed to run on the CPU: ${reason}`, { cause: err });
      fallbacks.push({ provider, reason: running ? `failed to run: ${reason}` : `could not start: ${reason}` });
      options.broken?.add(provider);
      if (provider === 'cpu') break;
    }
  }
  const tried = fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ');
  throw new StudioError('EP_UNAVAILABLE', `no execution provider could run ${options.subject} (${tried})`);
}

/** A long run's device now (the CPU after a retry there) and the notes it has for the user. */
export interface RetryState {
  device: DeviceChoice;
  readonly notes: string[];
}

export interface SmallerPieces {
  /** Makes the pieces smaller for the next try and returns the note saying so, or null when they cannot shrink. */
  shrink(reason: string): string | null;
  /** Where the run was when it moved to the CPU, for the note (" at layer 3"). */
  where?: string;
  /** Called on the move to the CPU (pieces may start from their first size again). */
  onCpu?(): void;
}

/**
 * Failures that may be the device's or the memory's (device lost, out of device memory, a
 * kernel error): onnxruntime's own, and these codes. Long runs retry them (below); a training
 * run moves to the CPU on them (training/training-run.ts).
 */
export function mayBeTheDevice(err: unknown): boolean {
  return !(err instanceof StudioError) || err.code === 'INTERNAL' || err.code === 'EP_UNAVAILABLE';
}

/**
 * The retry rule of long runs (a layer's strips, an image's tiles): `attempt` runs on the state's
 * device; a failure that may pass on a retry is tried again with smaller pieces while they can
 * shrink, then on the CPU (with a note each time); anything else, and a failure on the CPU with
 * the smallest pieces, is thrown.
 */
export async function retryLongRun<T>(state: RetryState, attempt: (device: DeviceChoice) => Promise<T>, pieces: SmallerPieces): Promise<T> {
  for (;;) {
    try {
      return await attempt(state.device);
    } catch (err) {
      if (!mayBeTheDevice(err)) throw err;
      const reason = failureReason(err);
      const note = pieces.shrink(reason);
      if (note !== null) {
        state.notes.push(note);
      } else if (state.device !== 'cpu') {
        state.notes.push(`retried on the CPU after a failure on ${state.device}${pieces.where ?? ''} (${reason})`);
        state.device = 'cpu';
        pieces.onCpu?.();
      } else {
        throw err;
      }
    }
  }
}
