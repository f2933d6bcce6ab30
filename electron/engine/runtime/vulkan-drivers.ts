/**
 * The Vulkan drivers the WebGPU provider would find on Linux, read the way the Vulkan loader
 * finds them (its driver manifests), so the engine can tell before it asks Dawn whether there
 * is a driver at all and whether every driver is a software one (SwiftShader, lavapipe): Dawn
 * prints native warnings on a failed start that no JavaScript can catch, and a software
 * adapter must not be presented as a GPU.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';

export interface VulkanDriver {
  /** The manifest (ICD JSON) that names the driver. */
  manifest: string;
  /** The driver library it names. */
  library: string;
  /** The driver's own name for messages (SwiftShader, lavapipe) where it is a known software one. */
  software: string | null;
}

/** Software Vulkan drivers, by the library their manifest names. */
const SOFTWARE = [
  { pattern: /swiftshader/i, name: 'SwiftShader' },
  { pattern: /lvp|lavapipe/i, name: 'lavapipe' },
  { pattern: /llvmpipe/i, name: 'llvmpipe' },
  { pattern: /mock_icd/i, name: 'the Vulkan mock driver' },
] as const;

const splitList = (value: string | undefined): string[] => (value ?? '').split(':').filter((p) => p !== '');

/** Where the loader looks for manifests when no variable names them (its Linux search order). */
function searchDirs(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? homedir();
  const configHome = env.XDG_CONFIG_HOME ?? join(home, '.config');
  const configDirs = splitList(env.XDG_CONFIG_DIRS ?? '/etc/xdg');
  const dataHome = env.XDG_DATA_HOME ?? join(home, '.local', 'share');
  const dataDirs = splitList(env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share');
  return [configHome, ...configDirs, '/usr/local/etc', '/etc', dataHome, ...dataDirs].map((d) => join(d, 'vulkan', 'icd.d'));
}

/** Manifest files of a list entry: a JSON file itself, or the JSON files of a folder. */
function manifestsIn(path: string): string[] {
  try {
    if (statSync(path).isDirectory()) {
      return readdirSync(path)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(path, f));
    }
    return [path];
  } catch {
    return [];
  }
}

function readDriver(manifest: string): VulkanDriver | null {
  try {
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { ICD?: { library_path?: unknown } };
    const library = parsed.ICD?.library_path;
    if (typeof library !== 'string' || library === '') return null;
    const name = basename(library);
    return { manifest, library, software: SOFTWARE.find((s) => s.pattern.test(name))?.name ?? null };
  } catch {
    return null;
  }
}

/**
 * The drivers the loader would load: VK_DRIVER_FILES (or the older VK_ICD_FILENAMES) when set,
 * replacing the search, plus VK_ADD_DRIVER_FILES; else every manifest of the search folders.
 */
export function vulkanDrivers(env: NodeJS.ProcessEnv = process.env): VulkanDriver[] {
  const named = splitList(env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES);
  const entries = [...(named.length > 0 ? named : searchDirs(env).filter((d) => existsSync(d))), ...splitList(env.VK_ADD_DRIVER_FILES)];
  const seen = new Set<string>();
  const drivers: VulkanDriver[] = [];
  for (const manifest of entries.flatMap(manifestsIn)) {
    if (seen.has(manifest)) continue;
    seen.add(manifest);
    const driver = readDriver(manifest);
    if (driver !== null) drivers.push(driver);
  }
  return drivers;
}

/** The software driver's name when every driver is a software one (the adapter WebGPU gets is one), else null. */
export function softwareVulkanOnly(drivers: readonly VulkanDriver[]): string | null {
  if (drivers.length === 0 || drivers.some((d) => d.software === null)) return null;
  return drivers[0]?.software ?? null;
}
