import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { blobImage, tint, writeFolder } from '../electron/engine/training/__tests__/synthetic-folders.js';
import { writeBatch } from './fixtures/batch-images.js';
import { REPO_ROOT, runCli } from './fixtures/run-cli.js';
import { scratchFolder } from './fixtures/scratch-folder.js';
import { installTinyModel } from './fixtures/tiny-model.js';

/** The command line as a script uses it: --json lines, the version, --help, --verbose and --log-file. */
const CHECKPOINT = fileURLToPath(new URL('../electron/engine/library/__tests__/fixtures/resnet6_instance.pth', import.meta.url));

const { root, home, env } = scratchFolder('gs-cli-json-');
beforeAll(() => installTinyModel(home, 'tiny'));

type Line = Record<string, unknown> & { type: string };
const lines = (stdout: string): Line[] =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

describe('gan-studio for scripts', () => {
  it('says the version from package.json and shows examples in --help', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const version = await runCli(['--version'], { env });
    expect(version.stdout.trim()).toBe(pkg.version);
    const help = await runCli(['--help'], { env });
    expect(help.stdout).toMatch(/Examples:\n {2}# .+\n {2}\$ gan-studio models\n/);
    const translateHelp = await runCli(['translate', '--help'], { env });
    expect(translateHelp.stdout).toMatch(/--json +print one JSON object per line/);
    expect(translateHelp.stdout).toMatch(/\$ gan-studio translate --json photos\/ \| jq/);
  });

  it('translate --json: one line per output with its input, time and provider, one per failure, then the summary', async () => {
    const files = await writeBatch(join(root, 'in'), 2, { width: 64, height: 48 }, true);
    const out = join(root, 'out');
    const result = await runCli(['translate', '--json', '-m', 'tiny', '-d', 'cpu', join(root, 'in'), '-o', out], { env });
    expect(result.code).toBe(1);
    const got = lines(result.stdout);
    const outputs = got.filter((l) => l.type === 'output');
    expect(outputs.map((l) => l.input).sort()).toEqual(files.filter((f) => f.name !== 'corrupt.jpg').map((f) => f.path).sort());
    for (const o of outputs) {
      expect(o).toMatchObject({ provider: 'cpu', width: 64, height: 48 });
      expect(typeof o.ms).toBe('number');
      expect(String(o.output).startsWith(out)).toBe(true);
      expect(Number.isNaN(Date.parse(String(o.at)))).toBe(false);
    }
    expect(got.filter((l) => l.type === 'error')).toEqual([expect.objectContaining({ input: join(root, 'in', 'corrupt.jpg'), code: 'BAD_IMAGE' })]);
    expect(got.at(-1)).toMatchObject({ type: 'summary', model: 'tiny', succeeded: 2, failed: 1, cancelled: false, providers: ['cpu'] });
    expect((await readdir(out)).sort()).toEqual(['photo-001.jpg', 'photo-002.jpg']);
  });

  it('import --json: the installed model, then the summary; a usage error is a JSON line too', async () => {
    const result = await runCli(['import', CHECKPOINT, '--name', 'json import', '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    const [model, summary] = lines(result.stdout);
    expect(model).toMatchObject({ type: 'model', input: CHECKPOINT, id: 'json-import', kind: 'cyclegan' });
    expect(String(model?.architecture)).toMatch(/resnet_6blocks/);
    expect(summary).toMatchObject({ type: 'summary', imported: 1 });
    const missing = await runCli(['catalog', 'install', 'no-such-model', '--json'], { env });
    expect(missing.code).toBe(2);
    expect(lines(missing.stdout)).toEqual([expect.objectContaining({ type: 'error', code: 'BAD_ARGUMENT', message: expect.stringMatching(/no-such-model/) })]);
  });

  it('train --json: the run, its progress and samples, the exported model, then the summary', async () => {
    await writeFolder(join(root, 'warm'), 4, 32, (s) => tint(blobImage(s, 32), true));
    await writeFolder(join(root, 'cool'), 4, 32, (s) => tint(blobImage(s, 32), false), 50);
    const args = ['train', '--json', '--mode', 'cyclegan', '--a', join(root, 'warm'), '--b', join(root, 'cool'), '--arch', 'resnet_6blocks', '--ngf', '4', '--ndf', '4', '--d-layers', '1'];
    const result = await runCli([...args, '--size', '16', '--iterations', '4', '--sample-every', '2', '--device', 'cpu', '--threads', '1', '--name', 'json run', '--run', join(root, 'run')], { env });
    expect(result.code, result.stderr).toBe(0);
    const got = lines(result.stdout);
    expect(got[0]).toMatchObject({ type: 'started', runDir: join(root, 'run'), provider: 'cpu', iterations: 4 });
    expect(got.filter((l) => l.type === 'progress').at(-1)).toMatchObject({ iteration: 4, iterations: 4 });
    expect(got.filter((l) => l.type === 'sample').map((l) => l.iteration)).toEqual([2, 4]);
    const models = got.filter((l) => l.type === 'model').map((l) => l.id);
    expect(models.length).toBe(2);
    expect(got.at(-1)).toMatchObject({ type: 'summary', status: 'completed', provider: 'cpu', models });
  }, 120_000);

  it('--verbose prints debug lines on stderr, --log-file keeps every line as JSON', async () => {
    const photo = (await writeBatch(join(root, 'one'), 1, { width: 32, height: 32 }, false))[0]?.path ?? '';
    const logFile = join(root, 'logs', 'run.log');
    const result = await runCli(['--verbose', '--log-file', logFile, 'translate', '-m', 'tiny', '-d', 'cpu', photo, '-o', join(root, 'out-log')], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^debug: gan-studio translate argv=/m);
    expect(result.stderr).toMatch(/^info: item translated jobId=.* input=.*photo-001\.jpg output=.* provider=cpu/m);
    const logged = (await readFile(logFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.map((l) => l.msg)).toEqual(expect.arrayContaining(['gan-studio translate', 'batch started', 'item translated', 'batch finished']));
    expect(logged.every((l) => l.proc === 'cli' && typeof l.time === 'string')).toBe(true);
  });
});
