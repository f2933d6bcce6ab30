export { DEVICE_CHOICES, deviceChoice, isDeviceChoice, providerOrder, type DeviceChoice, type ProviderName } from './devices.js';
export { SessionManager, type RunOptions, type RunResult } from './session-manager.js';
export { float16Setting, type Precision } from './float16-choice.js';
export { DeviceValue, withCpuSession, type Feed, type TensorInput, type TensorOutput } from './ort-session.js';
export { cudaProviderInstalled, describeProvider, failureReason, mayBeTheDevice, providerSummary, retryLongRun, vulkanLoaderPresent, type Fallback, type RetryState } from './provider-policy.js';
export { softwareVulkanOnly, vulkanDrivers, type VulkanDriver } from './vulkan-drivers.js';
export { createBareRunner, type BareRunner } from './bare-timing.js';
export { openGraphRunner, type GraphRunner, type GraphRunnerOptions, type StepOutputs } from './graph-runner.js';
export { FAIL_DEVICE_ENV } from './injected-fault.js';
