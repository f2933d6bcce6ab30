import { describe, expect, it } from 'vitest';
import { providerOrder } from '../devices.js';

describe('provider order', () => {
  it('follows the architecture doc for automatic choice on each platform', () => {
    expect(providerOrder('auto', 'linux', true)).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(providerOrder('auto', 'linux', false)).toEqual(['webgpu', 'cpu']);
    expect(providerOrder('auto', 'win32', false)).toEqual(['dml', 'webgpu', 'cpu']);
    expect(providerOrder('auto', 'darwin', false)).toEqual(['coreml', 'webgpu', 'cpu']);
  });

  it('keeps the CPU as the last resort for GPU choices and alone for cpu', () => {
    expect(providerOrder('gpu', 'win32', false)).toEqual(['dml', 'webgpu', 'cpu']);
    expect(providerOrder('webgpu', 'linux', false)).toEqual(['webgpu', 'cpu']);
    expect(providerOrder('cuda', 'linux', false)).toEqual(['cuda', 'cpu']);
    expect(providerOrder('cpu', 'darwin', false)).toEqual(['cpu']);
  });
});
