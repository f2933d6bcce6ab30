import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The per-user data folder: $GAN_STUDIO_HOME, else the platform's app-data folder, which is
 * also where Electron's userData points for an app named gan-studio.
 */
export function studioHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const explicit = env.GAN_STUDIO_HOME;
  if (explicit !== undefined && explicit !== '') return resolve(explicit);
  const home = homedir();
  switch (platform) {
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'gan-studio');
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'gan-studio');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'gan-studio');
  }
}

/**
 * Where the studio keeps what it can make again (preview images, tiling statistics, strip
 * scratch files): the platform's cache folder, which backup tools skip and the system may
 * clear. $GAN_STUDIO_CACHE moves it; with $GAN_STUDIO_HOME set it is $GAN_STUDIO_HOME/cache.
 */
export function studioCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.GAN_STUDIO_CACHE !== undefined && env.GAN_STUDIO_CACHE !== '') return resolve(env.GAN_STUDIO_CACHE);
  if (env.GAN_STUDIO_HOME !== undefined && env.GAN_STUDIO_HOME !== '') return join(resolve(env.GAN_STUDIO_HOME), 'cache');
  const home = homedir();
  switch (platform) {
    case 'win32':
      return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'gan-studio', 'Cache');
    case 'darwin':
      return join(home, 'Library', 'Caches', 'gan-studio');
    default:
      return join(env.XDG_CACHE_HOME ?? join(home, '.cache'), 'gan-studio');
  }
}

let cachedRoot: string | undefined;

/** The folder of gan-studio's package.json, found from this file whether run from source or dist. */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
        if (pkg.name === 'gan-studio') {
          cachedRoot = dir;
          return dir;
        }
      } catch {
        // Not ours; keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the gan-studio package root');
    dir = parent;
  }
}

/**
 * The read-only bundled models: the repository's models/ folder, or where the packaged app
 * keeps them (its resources folder, passed in GAN_STUDIO_BUNDLED_MODELS by Electron main).
 */
export function bundledModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  const packaged = env.GAN_STUDIO_BUNDLED_MODELS;
  return packaged !== undefined && packaged !== '' ? resolve(packaged) : join(packageRoot(), 'models');
}

/** The version in gan-studio's package.json: what `--version`, logs and the About box say. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}
