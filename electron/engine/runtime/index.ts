export { DEVICE_CHOICES, deviceChoice, isDeviceChoice, providerOrder, type DeviceChoice, type ProviderName } from './devices.js';
export { SessionManager, type RunOptions, type RunResult } from './session-manager.js';
export { withCpuSession, type TensorInput, type TensorOutput } from './ort-session.js';
export { cudaProviderInstalled, retryLongRun, vulkanLoaderPresent, type Fallback, type RetryState } from './provider-policy.js';
export { createBareRunner, type BareRunner } from './bare-timing.js';
export { openGraphRunner, type GraphRunner, type GraphRunnerOptions } from './graph-runner.js';
