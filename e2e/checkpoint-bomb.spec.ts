import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeBombedCheckpoint } from '../electron/engine/checkpoints/__tests__/zip-bomb.js';
import { runCommand } from './fixtures/run-cli.js';
import { scratchFolder } from './fixtures/scratch-folder.js';

const BIN = fileURLToPath(new URL('../bin/gan-studio.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../electron/engine/checkpoints/__tests__/fixtures/resnet6_instance.pth', import.meta.url));
/** Preloaded into the CLI: prints the process's peak resident memory (kB) as it exits. */
const PEAK_RSS = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\npeak-rss-kb='+process.resourceUsage().maxRSS+'\\n'))`;

const { root, env } = scratchFolder('gs-bomb-');

describe('a checkpoint whose zip inflates to 3 GiB', () => {
  it('is imported by the CLI with peak memory under 600 MB (3 unused members of 1 GiB each)', async () => {
    const path = join(root, 'bombed.pth');
    const size = await writeBombedCheckpoint(path, new Uint8Array(await readFile(FIXTURE)), 3, 1024);
    expect(size).toBeLessThan(3.5 * 2 ** 20);
    const result = await runCommand(process.execPath, ['--import', PEAK_RSS, BIN, 'import', path], { env });
    const peak = Number(/peak-rss-kb=(\d+)/.exec(result.stderr)?.[1]);
    // The figure for docs/SECURITY.md; the old reader took 3.2 GB here.
    console.log(`bombed checkpoint of ${(size / 2 ** 20).toFixed(1)} MB: import peak RSS ${(peak / 1024).toFixed(0)} MB, exit ${result.code}`);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('bombed');
    expect(peak).toBeGreaterThan(0);
    expect(peak / 1024).toBeLessThan(600);
  });
});
