import { spawn } from 'node:child_process';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { blobImage, tint, writeFolder } from '../electron/engine/training/__tests__/synthetic-folders.js';
import { runCli } from './fixtures/run-cli.js';
import { scratchFolder } from './fixtures/scratch-folder.js';

/**
 * `gan-studio train` as a user runs it: a CycleGAN run on two real folders, killed with
 * SIGKILL mid-run, resumed with --resume, exported to the library and used by translate.
 */
const BIN = fileURLToPath(new URL('../bin/gan-studio.js', import.meta.url));
const { root: work, home, env } = scratchFolder('gs-train-e2e-');
beforeAll(async () => {
  await writeFolder(join(work, 'warm'), 6, 48, (s) => tint(blobImage(s, 48), true));
  await writeFolder(join(work, 'cool'), 6, 48, (s) => tint(blobImage(s, 48), false), 50);
});

const common = ['--arch', 'resnet_6blocks', '--ngf', '8', '--ndf', '8', '--d-layers', '2', '--size', '32', '--device', 'cpu', '--threads', '2'];

async function checkpointIteration(runDir: string): Promise<number> {
  try {
    return (JSON.parse(await readFile(join(runDir, 'checkpoint.json'), 'utf8')) as { iteration: number }).iteration;
  } catch {
    return 0;
  }
}

describe('gan-studio train', () => {
  it('survives kill -9: --resume continues from the last checkpoint with no gap in the loss log', async () => {
    const runDir = join(work, 'run');
    const args = ['train', '--mode', 'cyclegan', '--a', join(work, 'warm'), '--b', join(work, 'cool'), ...common];
    const child = spawn(process.execPath, [BIN, ...args, '--iterations', '80', '--checkpoint-every', '10', '--run', runDir, '--name', 'warm to cool'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    // Kill it once it has checkpointed twice and moved on, so some iterations are lost.
    const deadline = Date.now() + 120_000;
    while ((await checkpointIteration(runDir)) < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 700));
    child.kill('SIGKILL');
    expect(await exited, stderr).toBe(null);
    const atKill = await checkpointIteration(runDir);
    expect(atKill).toBeGreaterThanOrEqual(20);
    expect(atKill).toBeLessThan(80);
    const loggedBeforeResume = (await readFile(join(runDir, 'losses.jsonl'), 'utf8')).trim().split('\n').length;
    expect(loggedBeforeResume).toBeGreaterThanOrEqual(atKill);

    const resumed = await runCli(['train', '--resume', runDir, '--threads', '2'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`from iteration ${atKill} of 80`);
    const ids = resumed.stdout.trim().split(/\s+/);
    expect(ids).toEqual(['warm-to-cool', 'warm-to-cool-reverse']);

    // One line per iteration, 1..80, in order: the lost iterations were trained again and logged once.
    const lines = (await readFile(join(runDir, 'losses.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { i: number; t: number; cycle_A: number });
    expect(lines.map((l) => l.i)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    expect(lines.every((l) => Number.isFinite(l.cycle_A))).toBe(true);
    // Only the latest state file is kept; sample grids were written.
    expect((await readdir(runDir)).filter((n) => n.startsWith('state-'))).toEqual(['state-0000080.safetensors']);
    expect((await readdir(join(runDir, 'samples'))).length).toBeGreaterThan(0);

    // The exported model is in the library with its card and translates an image.
    const models = await runCli(['models', '--json'], { env });
    const listed = JSON.parse(models.stdout) as { models: { id: string; reverse?: string }[] };
    const exported = listed.models.find((m) => m.id === 'warm-to-cool');
    expect(exported?.reverse).toBe('warm-to-cool-reverse');
    const card = await readFile(join(home, 'models', 'warm-to-cool', 'card.md'), 'utf8');
    expect(card).toContain('6 images in A, 6 images in B');
    expect(card).toContain('80 iterations');
    const translated = await runCli(['translate', '--model', 'warm-to-cool', join(work, 'warm', 'img-000.png'), '--out', join(work, 'out'), '--device', 'cpu'], { env });
    expect(translated.code, translated.stderr).toBe(0);
    expect((await stat(join(work, 'out', 'img-000.png'))).size).toBeGreaterThan(0);
  }, 300_000);

  it('conditional: attributes.csv beside the targets becomes the exported model\'s sliders', async () => {
    const inputs = join(work, 'cond', 'in');
    const targets = join(work, 'cond', 'out');
    await writeFolder(inputs, 4, 32, (s) => blobImage(s, 32));
    await writeFolder(targets, 4, 32, (s) => tint(blobImage(s, 32), s % 2 === 0));
    await writeFile(join(targets, 'attributes.csv'), 'file,warm,snow\nimg-000.png,0,0.5\nimg-001.png,1,0\nimg-002.png,0,1\nimg-003.png,1,0.25\n');
    const result = await runCli(
      ['train', '--mode', 'conditional', '--a', inputs, '--b', targets, '--ngf', '4', '--ndf', '4', '--d-layers', '2', '--size', '32', '--iterations', '4', '--device', 'cpu', '--name', 'sliders', '--run', join(work, 'cond-run')],
      { env },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('sliders');
    const models = JSON.parse((await runCli(['models', '--json'], { env })).stdout) as { models: { id: string; kind: string; attributes: { name: string }[] }[] };
    const model = models.models.find((m) => m.id === 'sliders');
    expect(model?.kind).toBe('conditional');
    expect(model?.attributes.map((a) => a.name)).toEqual(['warm', 'snow']);
    const translated = await runCli(['translate', '-m', 'sliders', '--set', 'warm=1', '--set', 'snow=0', join(inputs, 'img-000.png'), '-o', join(work, 'cond-out'), '-d', 'cpu'], { env });
    expect(translated.code, translated.stderr).toBe(0);
  }, 120_000);

  it('pix2pix --edges trains from photos alone', async () => {
    const photos = join(work, 'photos');
    await writeFolder(photos, 3, 40, (s) => blobImage(s, 40));
    const result = await runCli(
      ['train', '--mode', 'pix2pix', '--edges', '--a', photos, ...common, '--iterations', '3', '--sample-every', '3', '--name', 'edges', '--run', join(work, 'edges-run')],
      { env },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('pairs: 3');
    expect(await readdir(join(work, 'edges-run', 'samples'))).toEqual(['iter-0000003.png']);
  }, 120_000);

  it('refuses folders without enough images, naming the folder, and trains nothing', async () => {
    const empty = join(work, 'empty');
    await writeFolder(empty, 1, 32, (s) => blobImage(s, 32));
    const result = await runCli(['train', '--mode', 'cyclegan', '--a', empty, '--b', join(work, 'cool'), ...common, '--run', join(work, 'bad-run')], { env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(empty);
    expect(result.stderr.toLowerCase()).toMatch(/only 1|at least 2|fewer than 2|1 readable/);
  });

  it('--resume on a folder that is not a run says so', async () => {
    const result = await runCli(['train', '--resume', join(work, 'warm')], { env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('run.json');
  });
});
