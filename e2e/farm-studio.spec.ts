import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBatch } from './fixtures/batch-images.js';
import { RedisServer } from './fixtures/redis-server.js';
import { openStudio, type StudioSession } from './fixtures/studio-session.js';
import { installTinyModel } from './fixtures/tiny-model.js';
import { scratchFolder } from './fixtures/scratch-folder.js';

const BIN = fileURLToPath(new URL('../bin/gan-studio.js', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

const { root, home } = scratchFolder('gs-farm-studio-');
let redis: RedisServer;
let worker: ChildProcess;
let studio: StudioSession;

beforeAll(async () => {
  redis = await RedisServer.start({ password: 'studio farm' });
  await mkdir(join(root, 'shared', 'out'), { recursive: true });
  await installTinyModel(join(root, 'worker'), 'tiny');
  await installTinyModel(home, 'tiny');
  await writeFile(join(home, 'settings.json'), JSON.stringify({ model: 'tiny', theme: 'light' }));
  worker = spawn(process.execPath, [BIN, 'worker', '--redis', redis.url, '--shared', join(root, 'shared'), '--device', 'cpu', '--threads', '1', '--name', 'w1'], {
    env: { ...process.env, GAN_STUDIO_HOME: join(root, 'worker') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((ready, fail) => {
    let err = '';
    worker.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('takes items from')) ready();
    });
    worker.on('exit', (code) => fail(new Error(`worker exited with ${code}: ${err}`)));
  });
  await mkdir(SCREENSHOTS, { recursive: true });
  studio = await openStudio({ GAN_STUDIO_HOME: home, HOME: root });
});

afterAll(async () => {
  await studio?.close();
  worker?.kill('SIGKILL');
  await redis?.dispose();
});

describe('the studio on a farm', () => {
  it('Settings > Farm sends the Translate page\'s batch to the workers: the same rows, progress and errors', async () => {
    const { app, page } = studio;
    const shared = join(root, 'shared');
    await app.goTo('Settings');
    await page.getByTestId('settings-output-folder').fill(join(shared, 'out'));
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByTestId('settings-farm-redis').fill(redis.url);
    await page.getByTestId('settings-farm-shared').fill(shared);
    await page.getByRole('button', { name: 'Save farm' }).click();
    await page.getByRole('switch', { name: 'Run batches on the farm' }).click();
    await page.getByText('Batches run on the farm', { exact: true }).waitFor();

    await app.goTo('Translate');
    // Dropped files are uploads outside the share: the studio copies them in for the workers.
    const files = await writeBatch(join(root, 'in'), 5, { width: 96, height: 64 }, true);
    await app.translate.recordRowStatuses();
    await app.translate.dropFiles(files.map((f) => f.path));
    await app.translate.waitForSummary('5 of 6 translated · 1 failed', 60_000);
    expect(await app.translate.recordedStatuses()).toEqual(expect.arrayContaining(['waiting', 'done', 'failed']));
    expect(await app.translate.row('photo-001.jpg').innerText()).toMatch(/photo-001\.jpg · \d+ ms on cpu · farm worker w1/);
    const corrupt = app.translate.row('corrupt.jpg');
    expect(await corrupt.getByTestId('row-error').innerText()).toMatch(/could not be read as an image/);
    await corrupt.getByRole('button', { name: 'Details' }).click();
    expect(await page.getByTestId('row-error-detail').innerText()).toMatch(/BAD_IMAGE: .*corrupt\.jpg.*truncated[\s\S]*on farm worker w1/i);
    await page.keyboard.press('Escape');
    await app.screenshot(join(SCREENSHOTS, 'translate-farm-light.png'));

    // Each output once, and nothing of the farm's own left behind (claims, copied inputs).
    expect((await readdir(join(shared, 'out'))).sort()).toEqual(files.filter((f) => f.name !== 'corrupt.jpg').map((f) => f.name).sort());
    await expect.poll(async () => (await readdir(shared)).sort()).toEqual(['out']);
    expect(studio.pageErrors).toEqual([]);
  }, 120_000);
});
