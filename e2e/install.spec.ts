import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCommand } from './fixtures/run-cli.js';

const run = (command: string, args: string[], env: NodeJS.ProcessEnv) => runCommand(command, args, { env });

describe('installing', () => {
  it('denies the install scripts that download from outside the npm registry, and leaves none unreviewed', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean> };
    // electron's fetches its binary from Electron's host; onnxruntime-node's the CUDA provider from NuGet.
    expect(pkg.allowScripts).toMatchObject({ electron: false, 'onnxruntime-node': false });
    // A dependency whose script is in no list would make every install print a warning.
    const listed = await run('npm', ['install-scripts', 'ls'], {});
    expect(listed.stdout + listed.stderr).toMatch(/No packages with unreviewed install scripts/);
    expect(listed.stderr).not.toMatch(/warn/i);
  });
});

describe('npm start without the Electron binary', () => {
  let empty: string;
  beforeAll(async () => {
    empty = await mkdtemp(join(tmpdir(), 'gs-no-electron-'));
  });
  afterAll(async () => {
    await rm(empty, { recursive: true, force: true });
  });

  it('prints one line naming the cause and gan-studio serve, and exits with 1', async () => {
    // An empty binary folder and cache, and a mirror that refuses connections (a closed port on
    // this machine): the situation of a machine that cannot reach Electron's download host.
    const result = await run(process.execPath, [join(REPO_ROOT, 'scripts', 'start-desktop.mjs')], {
      ELECTRON_OVERRIDE_DIST_PATH: join(empty, 'dist'),
      electron_config_cache: join(empty, 'cache'),
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^gan-studio: cannot start the desktop app: the Electron [\d.]+ binary is not installed and could not be fetched \(connect ECONNREFUSED 127\.0\.0\.1:9\)/);
    expect(lines[0]).toMatch(/npx gan-studio serve/);
  });
});
