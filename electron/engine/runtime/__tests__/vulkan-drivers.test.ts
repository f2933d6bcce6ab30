import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { softwareVulkanOnly, vulkanDrivers } from '../vulkan-drivers.js';

/** The drivers are read from real manifest files, the way the Vulkan loader finds them. */
let root: string;
const manifest = (library: string): string => JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: library, api_version: '1.3.0' } });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gs-vulkan-'));
  await mkdir(join(root, 'share', 'vulkan', 'icd.d'), { recursive: true });
  await writeFile(join(root, 'share', 'vulkan', 'icd.d', 'nvidia_icd.json'), manifest('libGLX_nvidia.so.0'));
  await writeFile(join(root, 'share', 'vulkan', 'icd.d', 'lvp_icd.x86_64.json'), manifest('/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so'));
  await writeFile(join(root, 'swiftshader.json'), manifest('./libvk_swiftshader.so'));
  await writeFile(join(root, 'broken.json'), '{ not json');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** An environment whose search folders are all under the test folder. */
const searchOnly = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ HOME: join(root, 'home'), XDG_CONFIG_DIRS: join(root, 'etc'), XDG_DATA_DIRS: join(root, 'share'), ...extra });

describe('Vulkan drivers', () => {
  it('finds the manifests of the search folders and tells software drivers from hardware ones', () => {
    const drivers = vulkanDrivers(searchOnly());
    expect(drivers.map((d) => [d.library.split('/').at(-1), d.software])).toEqual([
      ['libvulkan_lvp.so', 'lavapipe'],
      ['libGLX_nvidia.so.0', null],
    ]);
    // A GPU's driver among them: the adapter WebGPU picks is not a software one.
    expect(softwareVulkanOnly(drivers)).toBeNull();
  });

  it('takes VK_ICD_FILENAMES (or VK_DRIVER_FILES) instead of the search, and skips unreadable manifests', () => {
    const named = vulkanDrivers(searchOnly({ VK_ICD_FILENAMES: `${join(root, 'swiftshader.json')}:${join(root, 'broken.json')}:${join(root, 'missing.json')}` }));
    expect(named.map((d) => d.software)).toEqual(['SwiftShader']);
    expect(softwareVulkanOnly(named)).toBe('SwiftShader');
    expect(vulkanDrivers(searchOnly({ VK_DRIVER_FILES: join(root, 'share', 'vulkan', 'icd.d'), VK_ICD_FILENAMES: join(root, 'swiftshader.json') })).length).toBe(2);
  });

  it('finds none where there are none', () => {
    const none = vulkanDrivers({ HOME: join(root, 'home'), XDG_CONFIG_DIRS: join(root, 'no'), XDG_DATA_DIRS: join(root, 'no') });
    // The fixed folders (/etc/vulkan/icd.d) may hold drivers on a developer's machine: only theirs may show.
    expect(none.every((d) => !d.manifest.startsWith(root))).toBe(true);
    expect(softwareVulkanOnly([])).toBeNull();
  });
});
