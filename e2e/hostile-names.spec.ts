import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratchFolder } from './fixtures/scratch-folder.js';
import { TINY_STARGAN, installTinyModel } from './fixtures/tiny-model.js';
import { runCli, type CliResult } from './fixtures/run-cli.js';

const CHECKPOINT = fileURLToPath(new URL('../electron/engine/checkpoints/__tests__/fixtures/resnet6_instance.pth', import.meta.url));

/**
 * A file name that, printed raw, forges a line of the CLI's own output and reverses the text
 * after it (RIGHT-TO-LEFT OVERRIDE), with an ESC sequence for good measure.
 */
const FORGED = 'ok    forged.png -> pwned.png (1x1, 1 ms, cpu)';
const HOSTILE = `x\n${FORGED}\u202e\u2066\u001b[2Jgnp`;
const ESCAPED = `x\\n${FORGED}\\u202e\\u2066\\x1b[2Jgnp`;

const { root, home, env } = scratchFolder('gs-names-');
beforeAll(async () => {
  await installTinyModel(home, 'tiny');
  await installTinyModel(home, 'tiny-cond', TINY_STARGAN);
});

/** Nothing raw: no forged line, no bidi or control character, and the name shown escaped. */
function expectSafe(result: CliResult, { shown = true } = {}): void {
  const text = `${result.stdout}\n${result.stderr}`;
  expect(text.split('\n').filter((l) => l.startsWith(FORGED))).toEqual([]);
  // Tabs are not printed; the only control character the CLI writes is the newline.
  // eslint-disable-next-line no-control-regex
  expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  if (shown) expect(text).toContain(ESCAPED);
}

/** Every JSON log line parses, and its strings hold the name only escaped. */
async function expectSafeLog(path: string): Promise<void> {
  const lines = (await readFile(path, 'utf8')).trim().split('\n');
  expect(lines.length).toBeGreaterThan(0);
  const values = lines.map((l) => JSON.stringify(JSON.parse(l) as unknown));
  // A JSON \n or \u001b not itself escaped would be the raw character.
  expect(values.join('\n')).not.toMatch(/(?<!\\)\\n|(?<!\\)\\u001b|\u202e|\u2066/);
  expect(values.some((v) => v.includes('x\\\\nok    forged.png'))).toBe(true);
}

async function photo(path: string, colour = '#507090'): Promise<void> {
  await sharp({ create: { width: 32, height: 32, channels: 3, background: colour } }).png().toFile(path);
}

describe('hostile file names are printed escaped, never raw', () => {
  it('translate (ok, failed and renamed lines, and the log file)', async () => {
    const dir = join(root, 'translate-in');
    await mkdir(dir);
    await photo(join(dir, `${HOSTILE}.png`));
    await writeFile(join(dir, `${HOSTILE}-broken.png`), 'not a picture');
    const out = join(root, 'translate-out');
    await mkdir(out);
    await writeFile(join(out, `${HOSTILE}.png`), 'an earlier file');
    const log = join(root, 'translate.log');
    const result = await runCli(['--verbose', '--log-file', log, 'translate', '-m', 'tiny', '--device', 'cpu', dir, '-o', out], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ok {4}.*x\\nok {4}forged\.png/m);
    expect(result.stderr).toMatch(/^FAIL {2}.*x\\nok {4}forged\.png.*-broken\.png/m);
    expect(result.stderr).toMatch(/note: .* was named so because x\\nok {4}forged\.png.*already existed/);
    expectSafe(result);
    await expectSafeLog(log);
  });

  it('translate --sweep', async () => {
    const dir = join(root, 'sweep-in');
    await mkdir(dir);
    await photo(join(dir, `${HOSTILE}.png`));
    const result = await runCli(['translate', '-m', 'tiny-cond', '--device', 'cpu', '--sweep', 'fog=0:1:2', dir, '-o', join(root, 'sweep-out')], { env });
    expect(result.code, result.stderr).toBe(0);
    expectSafe(result);
  });

  it('import (a damaged file, then a good one whose name becomes the model name) and models', async () => {
    const bad = join(root, `${HOSTILE}.pth`);
    await writeFile(bad, 'hello');
    const refused = await runCli(['import', bad], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not a PyTorch checkpoint/);
    expectSafe(refused);
    const good = join(root, 'good', `${HOSTILE}.pth`);
    await mkdir(join(root, 'good'));
    await copyFile(CHECKPOINT, good);
    const imported = await runCli(['import', good], { env });
    expect(imported.code, imported.stderr).toBe(0);
    expectSafe(imported);
    const listed = await runCli(['models'], { env });
    expect(listed.code).toBe(0);
    expectSafe(listed);
  });

  it('train (a folder with a hostile name and a hostile unreadable file in it)', async () => {
    const a = join(root, `train-${HOSTILE}-a`);
    const b = join(root, 'train-b');
    await mkdir(a);
    await mkdir(b);
    for (let i = 0; i < 2; i++) {
      await photo(join(a, `${HOSTILE}${i}.png`), '#305070');
      await photo(join(b, `b${i}.png`), '#a07050');
    }
    await writeFile(join(a, `${HOSTILE}-broken.png`), 'not a picture');
    const common = ['--arch', 'resnet_6blocks', '--ngf', '4', '--ndf', '4', '--d-layers', '1', '--size', '32', '--device', 'cpu', '--threads', '2'];
    const result = await runCli(['train', '--mode', 'cyclegan', '--a', a, '--b', b, ...common, '--iterations', '1', '--sample-every', '1', '--no-export', '--run', join(root, `run-${HOSTILE}`)], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/skipped .*-broken\.png/);
    expectSafe(result);
  });

  it('catalog install and download (a name that is no catalog entry)', async () => {
    for (const args of [['catalog', 'install', HOSTILE], ['download', HOSTILE]]) {
      const result = await runCli(args, { env });
      expect(result.code).not.toBe(0);
      expectSafe(result);
    }
  });
});
