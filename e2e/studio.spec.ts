/// <reference lib="dom" />
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBatch } from './fixtures/batch-images.js';
import { enginePidOf, type ServeHandle } from './fixtures/studio-serve.js';
import { openStudio, type StudioSession } from './fixtures/studio-session.js';
import { installTinyModel } from './fixtures/tiny-model.js';
import type { StudioApp } from './pages/studio-app.js';
import { scratchFolder } from './fixtures/scratch-folder.js';

const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const SAMPLE_PHOTO = fileURLToPath(new URL('../assets/samples/day-scene.jpg', import.meta.url));
const CHECKPOINT = fileURLToPath(new URL('../electron/engine/library/__tests__/fixtures/resnet6_instance.pth', import.meta.url));

const { root, home } = scratchFolder('gs-studio-');
let studio: StudioSession;
let browser: Browser;
let serve: ServeHandle;
let page: Page;
let app: StudioApp;
/** Errors the page reports, so a test fails on a broken page and not only on a missing element. */
let pageErrors: string[];
const outDir = (): string => join(root, 'Pictures', 'GAN Studio');

beforeAll(async () => {
  await installTinyModel(home, 'tiny');
  // Settings written by an earlier session: the studio must pick them up (model and theme).
  // The bundled day2night starter makes before/after screenshots a reviewer can judge.
  await writeFile(join(home, 'settings.json'), JSON.stringify({ model: 'day2night', theme: 'light' }));
  await mkdir(SCREENSHOTS, { recursive: true });
  studio = await openStudio({ GAN_STUDIO_HOME: home, HOME: root });
  ({ serve, browser, page, app, pageErrors } = studio);
});

afterAll(async () => {
  await studio?.close();
});

describe('browser mode security', () => {
  it('refuses the page, the API and the socket without the token, and foreign Host headers', async () => {
    const base = new URL(serve.url);
    const noToken = await fetch(`${base.origin}/`);
    expect(noToken.status).toBe(403);
    const wrongToken = await fetch(`${base.origin}/api/media/x/0/input?token=${'0'.repeat(48)}`);
    expect(wrongToken.status).toBe(403);
    const other = await browser.newPage();
    const closed = await other.evaluate(
      (origin) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`${origin.replace('http', 'ws')}/api/ws?token=nope`);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        }),
      base.origin,
    );
    await other.close();
    expect(closed).toBe('refused');
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: base.port, path: base.pathname + base.search, headers: { host: `evil.example:${base.port}` } }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });
});

describe('the Translate page', () => {
  it('translates 20 dropped images: per-item progress, the corrupt one fails with its reason, outputs on disk', async () => {
    const files = await writeBatch(join(root, 'in-20'), 19, { width: 320, height: 240 }, true);
    await app.translate.recordRowStatuses();
    await app.translate.dropFiles(files.map((f) => f.path));
    await app.translate.waitForSummary(/ of 20 translated/, 30_000);
    await app.translate.waitForSummary('19 of 20 translated · 1 failed');

    const statuses = await app.translate.recordedStatuses();
    expect(statuses).toEqual(expect.arrayContaining(['waiting', 'running', 'done', 'failed']));
    const corrupt = app.translate.row('corrupt.jpg');
    expect(await corrupt.getAttribute('data-status')).toBe('failed');
    expect(await corrupt.getByTestId('row-error').innerText()).toMatch(/could not be read as an image/);
    await corrupt.getByRole('button', { name: 'Details' }).click();
    expect(await page.getByTestId('row-error-detail').innerText()).toMatch(/BAD_IMAGE: .*corrupt\.jpg.*truncated/i);
    await page.keyboard.press('Escape');

    const written = (await readdir(outDir())).sort();
    expect(written).toEqual(files.filter((f) => f.name !== 'corrupt.jpg').map((f) => f.name).sort());
    const meta = await sharp(join(outDir(), 'photo-001.jpg')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 320, 240]);
    expect(await page.title()).toBe('GAN Studio');
    await app.screenshot(join(SCREENSHOTS, 'translate-finished-light.png'));
  }, 180_000);

  it('shows before and after with a draggable split and zoom', async () => {
    const dialog = await app.translate.openCompare('photo-001.jpg');
    const split = dialog.getByTestId('compare-split');
    expect(await split.getAttribute('aria-valuenow')).toBe('50');
    const frame = await dialog.getByTestId('compare-frame').boundingBox();
    if (frame === null) throw new Error('the compare frame is not visible');
    await page.mouse.move(frame.x + frame.width * 0.5, frame.y + frame.height / 2);
    await page.mouse.down();
    await page.mouse.move(frame.x + frame.width * 0.25, frame.y + frame.height / 2, { steps: 5 });
    await page.mouse.up();
    expect(Number(await split.getAttribute('aria-valuenow'))).toBeCloseTo(25, -1);
    await split.focus();
    await page.keyboard.press('ArrowRight');
    expect(Number(await split.getAttribute('aria-valuenow'))).toBeGreaterThan(25);
    const before = (await dialog.getByTestId('compare-frame').boundingBox())?.width ?? 0;
    await dialog.getByRole('slider', { name: 'Zoom' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await dialog.getByTestId('compare-frame').boundingBox())?.width ?? 0).toBeGreaterThan(before * 1.9);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await app.screenshot(join(SCREENSHOTS, 'before-after-light.png'));
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('downloads an output through its download link', async () => {
    const href = await app.translate.row('photo-002.jpg').getByRole('link', { name: 'Download photo-002.jpg' }).getAttribute('href');
    const response = await fetch(new URL(href ?? '', serve.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename\*=UTF-8''photo-002\.jpg/);
    expect((await sharp(Buffer.from(await response.arrayBuffer())).metadata()).width).toBe(320);
  });

  it('translates a picked folder, sub-folders included, naming rows by their path in it', async () => {
    await page.getByRole('button', { name: 'Clear finished' }).click();
    const trip = join(root, 'trip');
    await writeBatch(join(trip, 'day-1'), 2, { width: 96, height: 64 }, false);
    await writeBatch(join(trip, 'day-2'), 1, { width: 96, height: 64 }, false);
    await app.translate.pickFolder(trip);
    await app.translate.waitForSummary('3 of 3 translated');
    expect(await app.translate.row('trip/day-1/photo-002.jpg').getAttribute('data-status')).toBe('done');
    expect(await app.translate.row('trip/day-2/photo-001.jpg').getAttribute('data-status')).toBe('done');
    // Outputs keep the file names; the second photo-001 gets a free name rather than replacing the first.
    const written = await readdir(outDir());
    expect(written.filter((n) => /^photo-001(-\d+)?\.jpg$/.test(n)).length).toBe(3);
  });

  it('restarts a killed engine and finishes the batch with no file lost or translated twice', async () => {
    await app.translate.page.getByRole('button', { name: 'Clear finished' }).click();
    const files = await writeBatch(join(root, 'in-kill'), 40, { width: 320, height: 240 }, false);
    const out = join(root, 'out-kill');
    await page.getByTestId('output-folder').fill(out);
    await page.getByTestId('output-folder').blur();
    await expect.poll(async () => (await page.getByTestId('output-folder').inputValue()) === out).toBe(true);
    await app.translate.dropFiles(files.map((f) => f.path));
    await app.translate.waitForSummary(/^[3-9] of 40 translated|^1\d of 40 translated/, 60_000);
    const enginePid = await enginePidOf(serve.pid);
    expect(enginePid, 'the engine runs as a child of gan-studio serve').toBeDefined();
    process.kill(enginePid as number, 'SIGKILL');
    await app.translate.engineNotice().waitFor({ timeout: 30_000 });
    expect(await app.translate.engineNotice().innerText()).toMatch(/SIGKILL/);
    await app.screenshot(join(SCREENSHOTS, 'engine-restarted-light.png'));
    await app.translate.waitForSummary('40 of 40 translated', 120_000);
    const written = (await readdir(out)).sort();
    expect(written).toEqual(files.map((f) => f.name).sort());
    expect(await enginePidOf(serve.pid)).not.toBe(enginePid);
    await app.goTo('Settings');
    expect(await app.settings.engineState()).toMatch(/restarted 1 time · last stop: killed by SIGKILL/);
    await app.goTo('Translate');
  }, 240_000);
});

describe('keyboard use', () => {
  it('reaches the pages and the image picker with Tab and Enter alone', async () => {
    await page.reload();
    await page.getByTestId('app').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Translate');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('tab', { name: 'Attributes', selected: true }).count()).toBe(1);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    let chooser = false;
    page.once('filechooser', () => (chooser = true));
    // The picker stays disabled (not focusable) until the engine has listed the models: tab only once
    // it is enabled, and press Enter only on it (an Enter elsewhere could follow a link out of the studio).
    await expect.poll(() => page.getByRole('button', { name: 'Choose images' }).isEnabled()).toBe(true);
    const onPicker = (): Promise<boolean> => page.evaluate(() => document.activeElement?.textContent === 'Choose images');
    for (let i = 0; i < 60 && !(await onPicker()); i++) await page.keyboard.press('Tab');
    expect(await onPicker()).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => chooser).toBe(true);
  });
});

describe('the Library page', () => {
  it('lists the models and imports a checkpoint chosen with the picker', async () => {
    await app.goTo('Library');
    // The four bundled starter models and the test's tiny model.
    await expect.poll(() => app.library.cards().count()).toBe(5);
    expect(await app.library.cards().filter({ hasText: 'Day to night' }).getAttribute('data-origin')).toBe('bundled');
    expect(await app.library.catalogDownloadButtons().count()).toBeGreaterThan(20);
    await app.library.importFile(CHECKPOINT);
    await app.library.importDone().waitFor({ timeout: 60_000 });
    await expect.poll(() => app.library.cards().count()).toBe(6);
    const card = app.library.cards().filter({ hasText: 'resnet6_instance' });
    expect(await card.getAttribute('data-origin')).toBe('installed');
    expect(await card.innerText()).toMatch(/resnet_6blocks/);
    await app.screenshot(join(SCREENSHOTS, 'library-light.png'));
  }, 120_000);
});

describe('themes and screenshots', () => {
  it('switches to dark, persists it, and shows every page in both themes', async () => {
    await app.goTo('Settings');
    await app.screenshot(join(SCREENSHOTS, 'settings-light.png'));
    await app.settings.chooseTheme('Dark');
    await expect.poll(() => app.themeMode()).toBe('dark');
    await app.screenshot(join(SCREENSHOTS, 'settings-dark.png'));
    await app.goTo('Library');
    await app.screenshot(join(SCREENSHOTS, 'library-dark.png'));
    // A reload reads the saved theme back from the server.
    await page.reload();
    await page.getByTestId('app').waitFor();
    await expect.poll(() => app.themeMode()).toBe('dark');

    // A fresh batch with a failed row and the before/after view, in dark, into a new folder.
    await app.translate.engineNotice().getByRole('button', { name: 'Close' }).click();
    // The reload brought the session's batches back (jobs:list): clear them for a fresh count.
    await page.getByRole('button', { name: 'Clear finished' }).click();
    await page.getByTestId('output-folder').fill(join(root, 'out-dark'));
    await page.getByTestId('output-folder').blur();
    const files = await writeBatch(join(root, 'in-dark'), 5, { width: 320, height: 240 }, true);
    await app.translate.dropFiles([...files.map((f) => f.path), SAMPLE_PHOTO]);
    await app.translate.waitForSummary('6 of 7 translated · 1 failed');
    expect((await readdir(join(root, 'out-dark'))).length).toBe(6);
    await app.screenshot(join(SCREENSHOTS, 'translate-finished-dark.png'));
    await app.translate.openCompare('day-scene.jpg');
    await app.screenshot(join(SCREENSHOTS, 'before-after-dark.png'));
    await page.keyboard.press('Escape');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
