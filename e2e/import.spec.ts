import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runCli } from './fixtures/run-cli.js';
import { scratchFolder } from './fixtures/scratch-folder.js';

const IMPORT_FIXTURES = fileURLToPath(new URL('../electron/engine/library/__tests__/fixtures/', import.meta.url));
const CHECKPOINT_FIXTURES = fileURLToPath(new URL('../electron/engine/checkpoints/__tests__/fixtures/', import.meta.url));

const { root, home, env } = scratchFolder('gs-import-cli-');

const lastLine = (text: string): string => text.trim().split('\n').at(-1) ?? '';

describe('gan-studio import', () => {
  it('imports a StarGAN checkpoint with named attributes; the printed id translates', async () => {
    const imported = await runCli(
      ['import', join(IMPORT_FIXTURES, 'stargan.pth'), '--name', 'Scene sliders', '--attributes', 'night,snow,fog,rain,dusk', '--license', 'MIT'],
      { env },
    );
    expect(imported.code, imported.stderr).toBe(0);
    const id = lastLine(imported.stdout);
    expect(id).toBe('scene-sliders');
    expect(imported.stderr).toMatch(/detected stargan \(conv_dim 8, 5 attributes, 2 residual blocks\)/);
    const photo = join(root, 'p.png');
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#70a0d0' } }).png().toFile(photo);
    const out = join(root, 'out');
    const translated = await runCli(['translate', '-m', id, '--set', 'night=1', '--set', 'fog=0.5', photo, '-o', out], { env });
    expect(translated.code, translated.stderr).toBe(0);
    expect(await readdir(out)).toEqual(['p.png']);
    const listed = await runCli(['models'], { env });
    expect(listed.stdout).toMatch(/scene-sliders +Scene sliders +conditional +installed .*night 0\.\.1, snow 0\.\.1/);
  });

  it('refuses a checkpoint with a code payload, runs nothing and changes nothing', async () => {
    const before = existsSync(join(home, 'models')) ? await readdir(join(home, 'models')) : [];
    const result = await runCli(['import', join(CHECKPOINT_FIXTURES, 'evil_os_system.pth')], { env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/evil_os_system\.pth: refuses to load: the checkpoint references posix\.system/);
    expect(result.stdout).toBe('');
    expect(existsSync('/tmp/gan-studio-pwned')).toBe(false);
    const after = existsSync(join(home, 'models')) ? await readdir(join(home, 'models')) : [];
    expect(after).toEqual(before);
  });
});

describe('gan-studio catalog', () => {
  it('lists the 25 official models, as a table and as JSON', async () => {
    const table = await runCli(['catalog'], { env });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^cyclegan-horse2zebra +cyclegan +horse → zebra/m);
    expect(table.stdout).toMatch(/^stargan-celeba-256 +conditional/m);
    const json = await runCli(['catalog', '--json'], { env });
    const entries = JSON.parse(json.stdout) as { name: string; installed: boolean }[];
    expect(entries).toHaveLength(25);
    expect(entries.every((e) => e.installed === false)).toBe(true);
  });

  it('names close matches for an unknown catalog name (usage error)', async () => {
    const result = await runCli(['download', 'horse2zebr'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/horse2zebra/);
  });
});
