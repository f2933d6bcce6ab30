/// <reference lib="dom" />
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, methodName } from '../electron/contract/ipc.js';
import { writeBatch } from './fixtures/batch-images.js';
import { electronBinary } from './fixtures/electron-binary.js';
import { REPO_ROOT } from './fixtures/run-cli.js';
import { installTinyModel } from './fixtures/tiny-model.js';
import { StudioApp } from './pages/studio-app.js';
import { scratchFolder } from './fixtures/scratch-folder.js';

const binary = electronBinary();
if ('missing' in binary) process.stderr.write(`e2e/electron.spec.ts skipped: ${binary.missing}\n`);

/** The same flows as the browser-mode spec, in the real desktop app (where Electron exists). */
describe.skipIf('missing' in binary)('the desktop app (Electron)', () => {
  const { root, home } = scratchFolder('gs-electron-');
  let electronApp: ElectronApplication;
  let page: Page;
  let app: StudioApp;

  beforeAll(async () => {
    await installTinyModel(home, 'tiny');
    await writeFile(join(home, 'settings.json'), JSON.stringify({ model: 'tiny', outputDir: join(root, 'out') }));
    electronApp = await electron.launch({
      executablePath: 'path' in binary ? binary.path : '',
      args: [REPO_ROOT, '--no-sandbox', '--disable-gpu'],
      env: { ...process.env, GAN_STUDIO_HOME: home, HOME: root },
    });
    page = await electronApp.firstWindow();
    app = new StudioApp(page);
    await page.getByTestId('app').waitFor();
  });

  afterAll(async () => {
    await electronApp?.close();
  });

  it('exposes exactly one method per contract channel and nothing of Node', async () => {
    const shape = await page.evaluate(() => {
      const w = window as unknown as { studio: Record<string, unknown>; require?: unknown; process?: unknown };
      return { keys: Object.keys(w.studio).sort(), hasRequire: w.require !== undefined, hasProcess: w.process !== undefined };
    });
    expect(shape.keys).toEqual([...INVOKE_CHANNELS.map(methodName), 'on'].sort());
    expect(shape.hasRequire).toBe(false);
    expect(shape.hasProcess).toBe(false);
    // The one channel that lists folders is browser mode's: the desktop window uses the system's dialog.
    const listed = await page.evaluate(() => (window as unknown as { studio: { foldersList(a: object): Promise<{ ok: boolean; error?: { message: string } }> } }).studio.foldersList({}));
    expect(listed).toMatchObject({ ok: false, error: { message: 'the desktop app picks folders with the system dialog' } });
  });

  it('translates picked files into the output folder and shows them through the media protocol', async () => {
    const files = await writeBatch(join(root, 'in'), 3, { width: 160, height: 120 }, true);
    await page.getByTestId('file-input').setInputFiles(files.map((f) => f.path));
    await app.translate.waitForSummary('3 of 4 translated · 1 failed', 60_000);
    expect((await readdir(join(root, 'out'))).sort()).toEqual(['photo-001.jpg', 'photo-002.jpg', 'photo-003.jpg']);
    const dialog = await app.translate.openCompare('photo-001.jpg');
    expect(await dialog.getByRole('img', { name: 'photo-001.jpg after' }).getAttribute('src')).toMatch(/^studio-media:\/\/job\//);
    await page.keyboard.press('Escape');
  });

  it('lists the library and switches theme', async () => {
    await app.goTo('Library');
    await expect.poll(() => app.library.cards().count()).toBeGreaterThanOrEqual(2);
    await app.goTo('Settings');
    await app.settings.chooseTheme('Dark');
    await expect.poll(() => app.themeMode()).toBe('dark');
  });

  it('has the application menu: the studio commands with their accelerators, the usual roles, DevTools only from source', async () => {
    const menu = await electronApp.evaluate(({ Menu }) =>
      (Menu.getApplicationMenu()?.items ?? []).map((top) => ({
        label: top.label,
        items: (top.submenu?.items ?? []).filter((i) => i.type !== 'separator').map((i) => ({ label: i.label, role: i.role ?? null, accelerator: i.accelerator ?? null })),
      })),
    );
    const find = (label: string) => menu.find((m) => m.label.replace('&', '') === label)?.items ?? [];
    expect(find('File')).toEqual(
      expect.arrayContaining([
        { label: 'Open Images…', role: null, accelerator: 'CmdOrCtrl+O' },
        { label: 'Open Folder…', role: null, accelerator: 'CmdOrCtrl+Shift+O' },
        { label: 'Choose Output Folder…', role: null, accelerator: 'CmdOrCtrl+Shift+D' },
      ]),
    );
    expect(find('Batch').map((i) => [i.label, i.accelerator])).toEqual([
      ['Start', 'CmdOrCtrl+Enter'],
      ['Cancel', 'CmdOrCtrl+.'],
    ]);
    const roles = find('View').map((i) => i.role?.toLowerCase());
    for (const role of ['resetzoom', 'zoomin', 'zoomout', 'togglefullscreen', 'toggledevtools']) expect(roles).toContain(role);
    expect(find('Help').map((i) => i.label)).toEqual(expect.arrayContaining(['Keyboard Shortcuts', 'Open Logs Folder', 'About GAN Studio']));
  });

  it('runs a menu item in the page: Keyboard Shortcuts opens the list', async () => {
    // What choosing the item does (a native menu cannot be opened by a test).
    await electronApp.evaluate(({ Menu }) => {
      const item = Menu.getApplicationMenu()
        ?.items.flatMap((top) => top.submenu?.items ?? [])
        .find((i) => i.label === 'Keyboard Shortcuts');
      if (item === undefined) throw new Error('no Keyboard Shortcuts item in the menu');
      item.click();
    });
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
  });

  it('keeps the window state in the studio home, crash dumps local, logs in the logs folder', async () => {
    await electronApp.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.setBounds({ x: 40, y: 30, width: 1000, height: 700 }));
    await expect
      .poll(async () => JSON.parse(await readFile(join(home, 'window-state.json'), 'utf8').catch(() => '{}')) as Record<string, unknown>, { timeout: 10_000 })
      .toMatchObject({ width: 1000, height: 700, maximized: false });
    const crash = await electronApp.evaluate(({ app, crashReporter }) => ({ upload: crashReporter.getUploadToServer(), dumps: app.getPath('crashDumps') }));
    expect(crash).toEqual({ upload: false, dumps: join(home, 'logs', 'crashes') });
    const logs = (await readdir(join(home, 'logs'))).filter((f) => f.endsWith('.log'));
    const lines = (await Promise.all(logs.map((f) => readFile(join(home, 'logs', f), 'utf8')))).join('').split('\n').filter((l) => l !== '');
    expect(lines.some((l) => (JSON.parse(l) as { proc?: string; msg?: string }).msg === 'GAN Studio started')).toBe(true);
    expect(lines.some((l) => (JSON.parse(l) as { proc?: string; msg?: string }).proc === 'engine')).toBe(true);
  });

  it('tells the native parts the theme: nativeTheme follows Settings', async () => {
    await app.goTo('Settings');
    await app.settings.chooseTheme('Light');
    await expect.poll(() => electronApp.evaluate(({ nativeTheme }) => nativeTheme.themeSource)).toBe('light');
    await app.settings.chooseTheme('Dark');
    await expect.poll(() => electronApp.evaluate(({ nativeTheme }) => nativeTheme.themeSource)).toBe('dark');
  });

  it('refuses navigation away from the app', async () => {
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/^studio:\/\/app\//);
  });
});
