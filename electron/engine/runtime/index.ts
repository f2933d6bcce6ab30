export { DEVICE_CHOICES, isDeviceChoice, providerOrder, type DeviceChoice, type ProviderName } from './devices.js';
export { SessionManager, cudaProviderInstalled, vulkanLoaderPresent, type Fallback, type RunOptions, type RunResult, type TensorInput } from './session-manager.js';
export { createBareRunner, type BareRunner } from './bare-timing.js';
export { openGraphRunner, type GraphRunner, type GraphRunnerOptions } from './graph-runner.js';
