import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * The WebGPU provider runs in the tests on SwiftShader, the CPU Vulkan driver Debian's chromium
 * package ships (with libvulkan1): the tests and every engine or CLI they spawn see it as their
 * only Vulkan driver. `auto` passes a software driver over, so only tests that ask for `webgpu`
 * by name run there. A VK_ICD_FILENAMES already set (a real GPU's driver) is kept.
 */
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const vulkan: Record<string, string> = process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER) ? { VK_ICD_FILENAMES: SWIFTSHADER } : {};

export default defineConfig({
  test: {
    include: ['electron/**/__tests__/**/*.test.ts', 'renderer/**/__tests__/**/*.test.ts', 'e2e/**/*.spec.ts', 'bench/**/__tests__/**/*.test.ts', 'models/**/__tests__/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: vulkan,
  },
});
