/// <reference lib="dom" />
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBatch } from './fixtures/batch-images.js';
import { enginePidOf } from './fixtures/studio-serve.js';
import { openStudio, type StudioSession } from './fixtures/studio-session.js';
import type { StudioApp } from './pages/studio-app.js';
import { scratchFolder } from './fixtures/scratch-folder.js';

/**
 * The desktop pieces as browser mode has them (the tested surface; e2e/electron.spec.ts runs
 * the desktop app where Electron's binary exists): the folder browser, engine-made pictures of
 * TIFF and HEIC inputs, a queue that survives a reload, the end-of-batch notice, a batch run
 * with the keyboard alone, and the logs.
 */
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const HEIC = fileURLToPath(new URL('../electron/engine/imaging/__tests__/fixtures/phone-photo.heic', import.meta.url));

const { root, home } = scratchFolder('gs-desktop-', { home: 'studio-home' });
let studio: StudioSession;
let page: Page;
let app: StudioApp;

beforeAll(async () => {
  await mkdir(join(root, 'Pictures', 'picked'), { recursive: true });
  await mkdir(join(root, 'Pictures', 'keyboard'), { recursive: true });
  // The bundled day2night starter: real pictures for the screenshots.
  await mkdir(home, { recursive: true });
  await writeFile(join(home, 'settings.json'), JSON.stringify({ model: 'day2night', theme: 'light' }));
  await mkdir(SCREENSHOTS, { recursive: true });
  studio = await openStudio({ GAN_STUDIO_HOME: home, HOME: root });
  ({ page, app } = studio);
});

afterAll(async () => {
  await studio?.close();
});

const outputFolder = (): Promise<string> => page.getByTestId('output-folder').inputValue();

/** Closes the end-of-batch notice (it hides by itself after 8 s) so it covers nothing in a screenshot. */
async function dismissNotice(): Promise<void> {
  const notice = page.getByTestId('end-notice');
  if (await notice.isVisible()) {
    await notice.getByRole('button', { name: 'Close' }).click();
    await notice.waitFor({ state: 'hidden' });
  }
}

/** Moves focus off the control that had it, so no focus tooltip stands in a screenshot. */
const blur = (): Promise<void> => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

/** Every image in `scope` has loaded real pixels (a blank or broken picture has no natural size). */
async function picturesShown(scope: Locator): Promise<{ width: number; height: number }[]> {
  return scope.locator('img').evaluateAll((imgs) =>
    Promise.all(
      (imgs as HTMLImageElement[]).map(async (img) => {
        await img.decode().catch(() => undefined);
        return { width: img.naturalWidth, height: img.naturalHeight };
      }),
    ),
  );
}

async function logLines(): Promise<Record<string, unknown>[]> {
  const dir = join(home, 'logs');
  const texts = await Promise.all((await readdir(dir)).filter((f) => f.endsWith('.log')).map((f) => readFile(join(dir, f), 'utf8')));
  return texts
    .join('')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the output folder', () => {
  it('is picked through the folder browser, which lists only the home folder and mounted volumes; the desktop channels bound their arguments', async () => {
    await page.getByTestId('choose-output').click();
    const dialog = page.getByTestId('folder-browser');
    await dialog.waitFor();
    await expect.poll(() => dialog.getByTestId('folder-browser-path').innerText()).toBe(root);
    await dialog.locator('[data-testid="folder-entry"][data-name="Pictures"]').click();
    await dialog.locator('[data-testid="folder-entry"][data-name="picked"]').waitFor();
    await app.screenshot(join(SCREENSHOTS, 'folder-browser-light.png'));
    await dialog.locator('[data-testid="folder-entry"][data-name="picked"]').click();
    await expect.poll(() => dialog.getByTestId('folder-browser-path').innerText()).toBe(join(root, 'Pictures', 'picked'));
    await dialog.getByRole('button', { name: 'Choose this folder' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(outputFolder).toBe(join(root, 'Pictures', 'picked'));
    // Nothing above the home folder can be listed, whatever the page asks for; the desktop's own
    // channels answer plainly in browser mode; every argument has its bounds.
    const answers = await page.evaluate(async (requests) => {
      const ws = new WebSocket(`ws://${location.host}/api/ws${location.search}`);
      await new Promise((r) => (ws.onopen = r));
      const replies = new Map<number, unknown>();
      const all = new Promise<void>((done) => {
        ws.onmessage = (m) => {
          const reply = JSON.parse(String(m.data)) as { id?: number; result?: unknown };
          if (reply.id !== undefined) replies.set(reply.id, reply.result);
          if (replies.size === requests.length) done();
        };
      });
      requests.forEach(([channel, args], id) => ws.send(JSON.stringify({ id, channel, args })));
      await all;
      ws.close();
      return requests.map((_, id) => replies.get(id) as { ok: boolean; error?: { code: string; message: string } });
    }, [
      ['folders:list', { path: '/etc' }],
      ['dialog:pick', { kind: 'folder' }],
      ['folders:list', { path: `/${'a'.repeat(5000)}` }],
      ['outputs:drag', { jobId: 'x', index: -1 }],
      ['jobs:list', { all: true }],
      ['app:openLogs', {}],
    ] as [string, unknown][]);
    expect(answers.map((a) => a.ok)).toEqual([false, false, false, false, false, false]);
    const [outside, pick, long, drag, extra, logs] = answers.map((a) => a.error?.message ?? '');
    expect(outside).toMatch(/outside the folders the studio may browse/);
    expect(pick).toMatch(/only in the desktop app; in browser mode use the folder browser/);
    expect(long).toMatch(/^folders:list: path/);
    expect(drag).toMatch(/^outputs:drag: index/);
    expect(extra).toMatch(/^jobs:list: .*all/);
    expect(logs).toBe(`opening folders is only available in the desktop app; the logs are in ${join(home, 'logs')}`);
  });
});

describe('TIFF and HEIC inputs', () => {
  it('translate, and show engine-made thumbnails and before/after pictures; the end of the batch is announced', async () => {
    const inputs = join(root, 'phone');
    await mkdir(inputs);
    await copyFile(HEIC, join(inputs, 'phone-photo.heic'));
    await sharp(await sharp('assets/samples/day-scene.jpg').resize(320, 240).toBuffer()).tiff({ compression: 'lzw' }).toFile(join(inputs, 'scan.tif'));
    await app.translate.dropFiles([join(inputs, 'phone-photo.heic'), join(inputs, 'scan.tif')]);
    await app.translate.waitForSummary('2 of 2 translated', 120_000);
    expect((await readdir(join(root, 'Pictures', 'picked'))).sort()).toEqual(['phone-photo.png', 'scan.png']);
    // The phone photo comes out upright: its EXIF orientation was applied.
    expect(await sharp(join(root, 'Pictures', 'picked', 'phone-photo.png')).metadata()).toMatchObject({ width: 120, height: 160 });
    const notice = page.getByTestId('end-notice');
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(/Batch finished: 2 of 2 translated/);
    const thumbs = await picturesShown(page.getByTestId('queue-row'));
    expect(thumbs).toHaveLength(2);
    for (const t of thumbs) expect(Math.max(t.width, t.height)).toBe(96);
    await app.screenshot(join(SCREENSHOTS, 'translate-tiff-heic-light.png'));
    // Both pictures of each, made by the engine at the input's own size (smaller than the view's limit).
    for (const [name, size, picture] of [
      ['phone-photo.heic', { width: 120, height: 160 }, 'before-after-heic-light.png'],
      ['scan.tif', { width: 320, height: 240 }, 'before-after-tiff-light.png'],
    ] as const) {
      const dialog = await app.translate.openCompare(name);
      expect(await picturesShown(dialog)).toEqual([size, size]);
      await app.screenshot(join(SCREENSHOTS, picture));
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
    }
  }, 180_000);
});

describe('the queue is the engine’s', () => {
  it('comes back after a reload mid-batch, with the running batch cancellable', async () => {
    await page.getByRole('button', { name: 'Clear finished' }).click();
    // Large enough pictures (a few hundred ms each even on a quiet machine) that the reload lands mid-batch.
    const files = await writeBatch(join(root, 'many'), 16, { width: 960, height: 720 }, false);
    await app.translate.dropFiles(files.map((f) => f.path));
    await app.translate.waitForSummary(/^([1-9]|1[0-2]) of 16 translated/, 120_000);
    await page.reload();
    await page.getByTestId('app').waitFor();
    // The rows and the count come from jobs:list, then the events carry on.
    await app.translate.waitForSummary(/of 16 translated/, 10_000);
    expect(await app.translate.rows().count()).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'Cancel all' }).isEnabled()).toBe(true);
    await page.getByRole('button', { name: 'Cancel all' }).click();
    await app.translate.waitForSummary(/cancelled/, 30_000);
    await expect.poll(() => page.getByTestId('batch-eta').innerText(), { timeout: 30_000 }).toBe('All done');
    const written = (await readdir(join(root, 'Pictures', 'picked'))).filter((n) => n.startsWith('photo-')).length;
    expect(written).toBeGreaterThanOrEqual(1);
    expect(written).toBeLessThan(16);
    expect(await page.getByTestId('end-notice').innerText()).toMatch(/Batch cancelled/);
  }, 180_000);
});

describe('the keyboard alone', () => {
  it('runs a batch through the menu’s shortcuts: choose the output folder, open images, see the shortcuts', async () => {
    await page.getByRole('button', { name: 'Clear finished' }).click();
    await page.locator('body').click({ position: { x: 5, y: 400 } });
    await page.keyboard.press('Control+Shift+KeyD');
    const dialog = page.getByTestId('folder-browser');
    await dialog.waitFor();
    await expect.poll(() => dialog.getByTestId('folder-browser-path').innerText()).toBe(join(root, 'Pictures', 'picked'));
    await page.keyboard.press('Backspace');
    await expect.poll(() => dialog.getByTestId('folder-browser-path').innerText()).toBe(join(root, 'Pictures'));
    // Typing a name moves to it; Enter opens it; Ctrl+Enter chooses the folder shown.
    await page.keyboard.type('k');
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.getByTestId('folder-browser-path').innerText()).toBe(join(root, 'Pictures', 'keyboard'));
    await page.keyboard.press('Control+Enter');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(outputFolder).toBe(join(root, 'Pictures', 'keyboard'));

    const files = await writeBatch(join(root, 'keys'), 3, { width: 160, height: 120 }, false);
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Control+KeyO');
    await (await chooser).setFiles(files.map((f) => f.path));
    await app.translate.waitForSummary('3 of 3 translated', 120_000);
    expect((await readdir(join(root, 'Pictures', 'keyboard'))).sort()).toEqual(['photo-001.jpg', 'photo-002.jpg', 'photo-003.jpg']);

    await page.keyboard.press('Control+Shift+Digit6');
    await expect.poll(() => page.getByRole('tab', { name: 'Settings', selected: true }).count()).toBe(1);
    await page.keyboard.press('Control+Shift+Digit1');
    await expect.poll(() => page.getByRole('tab', { name: 'Translate', selected: true }).count()).toBe(1);
    await page.keyboard.press('Control+Slash');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.getByTestId('shortcuts-list').innerText()).toMatch(/Ctrl\+O\s+Open Images/);
    await app.screenshot(join(SCREENSHOTS, 'shortcuts-light.png'));
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
  }, 180_000);
});

describe('logs', () => {
  it('hold the batches and an engine crash, named by its cause', async () => {
    const lines = await logLines();
    expect(lines.some((l) => l.proc === 'serve' && l.msg === 'batch finished')).toBe(true);
    expect(lines.some((l) => l.proc === 'serve' && l.msg === 'item translated' && String(l.output).endsWith('phone-photo.png'))).toBe(true);
    expect(lines.some((l) => l.proc === 'engine' && l.msg === 'engine started')).toBe(true);
    const enginePid = await enginePidOf(studio.serve.pid);
    expect(enginePid).toBeDefined();
    process.kill(enginePid as number, 'SIGSEGV');
    await expect
      .poll(async () => (await logLines()).find((l) => l.level === 50 && String(l.msg).startsWith('engine stopped'))?.msg, { timeout: 30_000 })
      .toBe('engine stopped: killed by SIGSEGV (a crash in native code); restarting it');
    await app.goTo('Settings');
    expect(await page.getByTestId('logs-folder').innerText()).toBe(join(home, 'logs'));
    await expect.poll(() => app.settings.engineState(), { timeout: 30_000 }).toMatch(/^Running .*restarted 1 time · last stop: killed by SIGSEGV/);
    await dismissNotice();
    await app.screenshot(join(SCREENSHOTS, 'settings-logs-light.png'));
  }, 60_000);
});

describe('in dark', () => {
  it('shows the new pieces', async () => {
    await app.settings.chooseTheme('Dark');
    await expect.poll(() => app.themeMode()).toBe('dark');
    await dismissNotice();
    await app.screenshot(join(SCREENSHOTS, 'settings-logs-dark.png'));
    await app.goTo('Translate');
    await app.translate.engineNotice().getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('choose-output').click();
    const browse = page.getByTestId('folder-browser');
    await browse.waitFor();
    // It opens on the (empty) output folder; one level up has folders to show.
    await expect.poll(() => browse.getByTestId('folder-browser-path').innerText()).toBe(join(root, 'Pictures', 'keyboard'));
    await page.keyboard.press('Backspace');
    await browse.locator('[data-testid="folder-entry"]').first().waitFor();
    await app.screenshot(join(SCREENSHOTS, 'folder-browser-dark.png'));
    await page.keyboard.press('Escape');
    await browse.waitFor({ state: 'hidden' });
    const inputs = join(root, 'phone');
    await app.translate.dropFiles([join(inputs, 'phone-photo.heic'), join(inputs, 'scan.tif')]);
    await app.translate.waitForSummary('5 of 5 translated', 120_000);
    await page.getByTestId('end-notice').waitFor();
    await blur();
    await app.screenshot(join(SCREENSHOTS, 'translate-tiff-heic-dark.png'));
    for (const [name, picture] of [
      ['scan.tif', 'before-after-tiff-dark.png'],
      ['phone-photo.heic', 'before-after-heic-dark.png'],
    ] as const) {
      const compare = await app.translate.openCompare(name);
      await app.screenshot(join(SCREENSHOTS, picture));
      await page.keyboard.press('Escape');
      await compare.waitFor({ state: 'hidden' });
    }
    await page.keyboard.press('Control+Slash');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await app.screenshot(join(SCREENSHOTS, 'shortcuts-dark.png'));
    await page.keyboard.press('Escape');
    expect(studio.pageErrors).toEqual([]);
  }, 180_000);
});
