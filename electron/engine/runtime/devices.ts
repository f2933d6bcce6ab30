import { StudioError } from '../errors.js';

/**
 * Which execution providers to try, in which order. Pure logic (no onnxruntime import) so it
 * can be tested for every platform from any platform.
 */
export const DEVICE_CHOICES = ['auto', 'cpu', 'gpu', 'webgpu', 'cuda', 'dml', 'coreml'] as const;
export type DeviceChoice = (typeof DEVICE_CHOICES)[number];

export const PROVIDER_NAMES = ['cpu', 'webgpu', 'cuda', 'dml', 'coreml'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export function isProviderName(value: string): value is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(value);
}

export function isDeviceChoice(value: string): value is DeviceChoice {
  return (DEVICE_CHOICES as readonly string[]).includes(value);
}

/** The device a job or request names, or a BAD_ARGUMENT error naming the value. */
export function deviceChoice(value: string): DeviceChoice {
  if (!isDeviceChoice(value)) throw new StudioError('BAD_ARGUMENT', `unknown device "${value}"`);
  return value;
}

/** The GPU providers of a platform, best first, as the architecture doc orders them. */
export function gpuProviders(platform: NodeJS.Platform, cudaInstalled: boolean): ProviderName[] {
  switch (platform) {
    case 'win32':
      return ['dml', 'webgpu'];
    case 'darwin':
      return ['coreml', 'webgpu'];
    case 'linux':
      return cudaInstalled ? ['cuda', 'webgpu'] : ['webgpu'];
    default:
      return [];
  }
}

/**
 * The providers to try for a device choice. Every list ends with the CPU provider: a GPU
 * provider that cannot start or fails to run falls back to it, and the result says so.
 */
export function providerOrder(choice: DeviceChoice, platform: NodeJS.Platform, cudaInstalled: boolean): ProviderName[] {
  switch (choice) {
    case 'cpu':
      return ['cpu'];
    case 'auto':
    case 'gpu':
      return [...gpuProviders(platform, cudaInstalled), 'cpu'];
    default:
      return [choice, 'cpu'];
  }
}
