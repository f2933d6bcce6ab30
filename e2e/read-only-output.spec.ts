import { chmod, chown, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTinyModel } from './fixtures/tiny-model.js';
import { runCommand } from './fixtures/run-cli.js';

const BIN = fileURLToPath(new URL('../bin/gan-studio.js', import.meta.url));
/** Root writes into any folder, so as root the CLI runs as nobody, for whom mode 555 holds. */
const AS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;
const AS_NOBODY = [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'];
/**
 * Nobody must reach the checkout to run the CLI from it; a checkout inside a private home folder
 * (mode 700) is out of its reach, and then the test cannot run as root.
 */
const NOBODY_REACHES_CHECKOUT =
  !AS_ROOT || (await runCommand('setpriv', [...AS_NOBODY, process.execPath, '-e', `require('node:fs').accessSync(${JSON.stringify(BIN)}, 4)`], { cwd: tmpdir() })).code === 0;
if (!NOBODY_REACHES_CHECKOUT) console.warn(`read-only output folder test skipped: running as root, and user nobody cannot read ${BIN} (a folder above it is private)`);

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gs-readonly-'));
  await chmod(root, 0o755);
  await installTinyModel(join(root, 'home'), 'tiny');
  if (AS_ROOT) for (const p of [join(root, 'home'), join(root, 'home', 'models'), join(root, 'home', 'models', 'tiny')]) await chown(p, NOBODY, NOBODY);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function cli(args: string[]): ReturnType<typeof runCommand> {
  const command = AS_ROOT ? ['setpriv', [...AS_NOBODY, process.execPath, BIN, ...args]] : [process.execPath, [BIN, ...args]];
  return runCommand(command[0] as string, command[1] as string[], { env: { GAN_STUDIO_HOME: join(root, 'home') } });
}

describe.skipIf(!NOBODY_REACHES_CHECKOUT)('a read-only output folder', () => {
  it('is refused before any image is translated, naming the folder', async () => {
    const inputs = join(root, 'in');
    await mkdir(inputs);
    for (let i = 0; i < 3; i++) await sharp({ create: { width: 16, height: 16, channels: 3, background: '#406080' } }).png().toFile(join(inputs, `p${i}.png`));
    const out = join(root, 'locked');
    await mkdir(out);
    await chmod(out, 0o555);
    const result = await cli(['translate', '-m', 'tiny', '--device', 'cpu', inputs, '-o', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/gan-studio: cannot write in the output folder .*locked: permission denied; nothing was translated/);
    expect(result.stderr).not.toMatch(/^ok /m);
    expect(result.stderr).not.toMatch(/FAIL/);
    expect(await readdir(out)).toEqual([]);
  });
});
