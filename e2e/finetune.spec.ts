import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLibrary } from '../electron/engine/library/model-library.js';
import { blobImage, invert, tint, writeFolder } from '../electron/engine/training/__tests__/synthetic-folders.js';
import { TrainingRun } from '../electron/engine/training/training-run.js';
import { launchChromium } from './fixtures/chromium.js';
import { startServe, type ServeHandle } from './fixtures/studio-serve.js';
import { StudioApp } from './pages/studio-app.js';
import type { TinySettings } from './pages/finetune-page.js';
import { trainSettings } from '../electron/engine/training/train-settings.js';
import { scratchFolder } from './fixtures/scratch-folder.js';

/**
 * Fine-tuning from the browser, as a user does it: two folders picked, a tiny CycleGAN run
 * watched (charts, sample grids, ETA), paused, resumed, stopped, exported and used on the
 * Translate page; then the server is restarted mid-run and the run resumed from the UI.
 */
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const TINY: TinySettings = { size: 32, loadSize: 36, iterations: 400, ngf: 8, ndf: 8, dLayers: 2, sampleEvery: 4, checkpointEvery: 8 };

const { root, home } = scratchFolder('gs-finetune-');
let browser: Browser;
let serve: ServeHandle;
let page: Page;
let app: StudioApp;
let runId: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  await writeFolder(join(root, 'warm'), 8, 48, (s) => tint(blobImage(s, 48), true));
  await writeFolder(join(root, 'cool'), 8, 48, (s) => tint(blobImage(s, 48), false), 50);
  await trainEarlierRun();
  serve = await startServe({ GAN_STUDIO_HOME: home, HOME: root });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  app = new StudioApp(page);
  await app.open(serve.url);
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

/** A finished pix2pix run from an earlier session, so the runs list shows more than one run. */
async function trainEarlierRun(): Promise<void> {
  await writeFolder(join(root, 'photos'), 4, 32, (s) => blobImage(s, 32));
  await writeFolder(join(root, 'negatives'), 4, 32, (s) => invert(blobImage(s, 32)));
  const settings = trainSettings({
    mode: 'pix2pix',
    dataA: join(root, 'photos'),
    dataB: join(root, 'negatives'),
    arch: 'resnet_6blocks',
    ngf: 4,
    ndf: 4,
    dLayers: 2,
    norm: 'instance',
    iterations: 6,
    size: 32,
    loadSize: 32,
    flip: false,
    lr: 2e-3,
    sampleEvery: 3,
    checkpointEvery: 3,
    name: 'negatives',
    device: 'cpu',
  });
  const run = await TrainingRun.create(settings, { library: new ModelLibrary({ home }), runDir: join(home, 'runs', 'negatives-20261126-171500') });
  await run.train();
}

async function lossLines(): Promise<{ i: number }[]> {
  const text = await readFile(join(home, 'runs', runId, 'losses.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { i: number });
}

describe('the Fine-tune page', () => {
  it('trains on two picked folders: checks them, estimates, charts and samples live, pauses, resumes, stops and exports', async () => {
    const ft = app.finetune;
    await app.goTo('Fine-tune');
    await ft.chooseTask('cyclegan');
    await ft.chooseFolder('a', join(root, 'warm'));
    await ft.chooseFolder('b', join(root, 'cool'));
    await expect.poll(() => ft.folderCount('a').innerText()).toBe('8');
    await expect.poll(() => ft.folderCount('b').innerText()).toBe('8');
    expect(await ft.folderWarnings('a').first().innerText()).toMatch(/only 8 images: expect overfitting/);
    expect(await page.getByTestId('folder-a').getByTestId('folder-thumbnail').count()).toBe(8);

    await ft.setName('warm to cool');
    await ft.setAdvanced(TINY);
    // The estimate comes from timing real iterations in the engine before the run starts.
    await ft.estimate().filter({ hasText: /s per iteration, measured/ }).waitFor({ timeout: 60_000 });
    expect(await ft.estimate().innerText()).toMatch(/about .* on cpu/);
    await ft.scrollToTop();
    await app.screenshot(join(SCREENSHOTS, 'finetune-setup-light.png'));

    await ft.start();
    await ft.waitForChartPoints(6);
    // CycleGAN reports its generator, cycle, identity and discriminator losses: one chart each.
    expect(await ft.charts().count()).toBeGreaterThanOrEqual(4);
    const grid = await ft.waitForSampleGrid();
    expect(grid.width).toBeGreaterThan(3 * TINY.size);
    await expect.poll(() => ft.figure('eta').innerText()).toMatch(/\d+ (s|min)/);
    expect(await ft.figure('device').innerText()).toBe('cpu');
    expect(Number(await ft.figure('speed').innerText())).toBeGreaterThan(0);
    // The list follows the run's events; it shows the new run first once they have arrived.
    await expect.poll(async () => (await page.getByTestId('run-row').first().getAttribute('data-run')) ?? '', { timeout: 20_000 }).toMatch(/^warm-to-cool-/);
    runId = (await page.getByTestId('run-row').first().getAttribute('data-run')) ?? '';
    await app.screenshot(join(SCREENSHOTS, 'finetune-running-light.png'));

    await ft.button('Pause');
    await ft.waitForStatus('paused');
    const pausedAt = await ft.iteration();
    expect(pausedAt).toBeGreaterThanOrEqual(6);
    expect(JSON.parse(await readFile(join(home, 'runs', runId, 'checkpoint.json'), 'utf8')).iteration).toBe(pausedAt);

    await ft.button('Resume');
    await ft.waitForStatus('running');
    await ft.waitForChartPoints(pausedAt + 4);
    await ft.button('Stop');
    await ft.waitForStatus('stopped');
    await expect.poll(() => ft.runRow(runId).getAttribute('data-status')).toBe('stopped');

    await ft.button('Export');
    const done = page.getByTestId('export-done');
    await done.waitFor({ timeout: 60_000 });
    expect(await done.innerText()).toMatch(/“warm to cool” and “warm to cool \(reverse\)”/);
    expect(pageErrors).toEqual([]);
  });

  it('translates with the exported model on the Translate page right away', async () => {
    await page.getByTestId('export-done').getByRole('button', { name: 'Translate with it' }).click();
    await expect.poll(async () => (await page.getByTestId('model-select').innerText()).split('\n')[0]).toBe('warm to cool');
    // Both directions are in the picker too.
    await page.getByTestId('model-select').click();
    await page.getByRole('option', { name: 'warm to cool (reverse)' }).waitFor();
    await page.keyboard.press('Escape');
    await app.translate.dropFiles([join(root, 'warm', (await readdir(join(root, 'warm'))).sort()[0] ?? '')]);
    await app.translate.waitForSummary('1 of 1 translated', 60_000);
    const outputs = await readdir(join(root, 'Pictures', 'GAN Studio'));
    expect(outputs.length).toBe(1);
    const meta = await sharp(join(root, 'Pictures', 'GAN Studio', outputs[0] ?? '')).metadata();
    expect([meta.width, meta.height]).toEqual([48, 48]);
  });

  it('pauses the run when the server stops, offers to resume it on the next start, and keeps the charts continuous', async () => {
    const ft = app.finetune;
    await app.goTo('Fine-tune');
    await ft.runRow(runId).getByRole('button', { name: 'Resume' }).click();
    await ft.waitForStatus('running');
    const before = await ft.chartPoints();
    await ft.waitForChartPoints(before + 6);

    // Quit mid-run: the server pauses the run with a checkpoint before it exits.
    await serve.stop();
    const checkpoint = JSON.parse(await readFile(join(home, 'runs', runId, 'checkpoint.json'), 'utf8')) as { iteration: number };
    expect(checkpoint.iteration).toBeGreaterThan(before);

    serve = await startServe({ GAN_STUDIO_HOME: home, HOME: root });
    await app.open(serve.url);
    await ft.resumeOffer().waitFor();
    expect(await ft.resumeOffer().innerText()).toMatch(new RegExp(`paused at iteration ${checkpoint.iteration} of ${TINY.iterations}`));
    await page.getByTestId('resume-offer-button').click();
    await ft.waitForStatus('running');
    await ft.waitForChartPoints(checkpoint.iteration + 6);

    // Continuous: one point per iteration from 1, with nothing missing or repeated across the
    // pause, the stop, the restart and the resumes.
    const lines = await lossLines();
    expect(lines.map((l) => l.i)).toEqual(Array.from({ length: lines.length }, (_, k) => k + 1));
    const shown = await ft.chartPoints();
    expect(Math.abs(shown - lines.length)).toBeLessThanOrEqual(2);
    await ft.waitForSampleGrid();
    await page.getByTestId('sample-slider').waitFor();

    await app.screenshot(join(SCREENSHOTS, 'finetune-running-resumed-light.png'));
    await ft.page.getByTestId('runs-list').screenshot({ path: join(SCREENSHOTS, 'finetune-runs-light.png') });
    await app.goTo('Settings');
    await app.settings.chooseTheme('Dark');
    await expect.poll(() => app.themeMode()).toBe('dark');
    await app.goTo('Fine-tune');
    await ft.waitForChartPoints(checkpoint.iteration + 10);
    await app.screenshot(join(SCREENSHOTS, 'finetune-running-dark.png'));
    await ft.page.getByTestId('runs-list').screenshot({ path: join(SCREENSHOTS, 'finetune-runs-dark.png') });

    await ft.button('Pause');
    await ft.waitForStatus('paused');
    expect(pageErrors).toEqual([]);
  });
});
