/**
 * Electron main: only composes modules (logs and crash reports, protocols, the menu, the
 * window and its state, the contract's ipc handlers, the engine in a utilityProcess). All job
 * state lives in the StudioService's JobManager.
 */
import { join } from 'node:path';
import { app, BrowserWindow, dialog, nativeImage, nativeTheme, session, shell } from 'electron';
import type { EventChannels, PickKind } from '../contract/ipc.js';
import type { Settings } from '../contract/settings.js';
import { packageRoot } from '../engine/library/paths.js';
import { processLogger } from '../engine/logging/index.js';
import { StudioService } from '../studio/studio-service.js';
import { enforceContentSecurityPolicy, registerSchemes, serveRenderer } from './app-protocol.js';
import { registerInvokeHandlers } from './ipc.js';
import { startCrashReporter, startMainLog } from './logging.js';
import { serveMedia } from './media-protocol.js';
import { installMenu } from './menu.js';
import { notifyEnd } from './notifications.js';
import { resolveDesktopInputs } from './inputs.js';
import { utilityEngine } from './utility-engine.js';
import { createStudioWindow, preloadPath } from './window.js';
import { WindowStateKeeper } from './window-state.js';

app.setName('gan-studio');
startCrashReporter();
registerSchemes();
if (!app.requestSingleInstanceLock()) app.quit();

let win: BrowserWindow | null = null;
const ICON = join(packageRoot(), 'assets', 'icons', '512x512.png');

const PICK_OPTIONS: Record<PickKind, Electron.OpenDialogOptions> = {
  images: { title: 'Open images', properties: ['openFile', 'multiSelections'], filters: [{ name: 'Images', extensions: ['jpg', 'jpeg', 'png', 'webp', 'tif', 'tiff', 'heic', 'heif', 'avif', 'gif'] }] },
  folder: { title: 'Choose a folder', properties: ['openDirectory', 'createDirectory'] },
  model: { title: 'Import a model', properties: ['openFile'], filters: [{ name: 'Models', extensions: ['pth', 'pt', 'ckpt', 'onnx'] }] },
};

const service = new StudioService({
  mode: 'desktop',
  launchEngine: utilityEngine,
  send: <E extends keyof EventChannels>(event: E, payload: EventChannels[E]) => {
    if (win !== null && !win.isDestroyed()) win.webContents.send(event, payload);
    if (event === 'jobs:event') followProgress(payload as EventChannels['jobs:event']);
    if (event === 'training:event') followTraining(payload as EventChannels['training:event']);
    if (event === 'settings:changed') followTheme(payload as Settings);
    notifyEnd(event, payload, win);
  },
  resolveInputs: resolveDesktopInputs,
  openPath: async (path, reveal) => {
    if (reveal) shell.showItemInFolder(path);
    else {
      const problem = await shell.openPath(path);
      if (problem !== '') throw new Error(problem);
    }
  },
  pickPaths: async (kind, title) => {
    const options = { ...PICK_OPTIONS[kind], ...(title === undefined ? {} : { title }) };
    const result = win === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(win, options);
    return result.canceled ? [] : result.filePaths;
  },
  startDrag: (path) => {
    if (win !== null && !win.isDestroyed()) win.webContents.startDrag({ file: path, icon: nativeImage.createFromPath(join(packageRoot(), 'assets', 'icons', '64x64.png')) });
  },
  picturesDir: app.getPath('pictures'),
});

/** The taskbar / dock progress follows the batch. */
function followProgress(event: EventChannels['jobs:event']): void {
  if (win === null || win.isDestroyed()) return;
  if (event.type === 'item-progress' || event.type === 'item-done' || event.type === 'item-error') win.setProgressBar(event.progress);
  else if (event.type === 'finished' || event.type === 'cancelled') win.setProgressBar(-1);
}

/** The taskbar / dock progress follows a training run too. */
function followTraining({ event }: EventChannels['training:event']): void {
  if (win === null || win.isDestroyed()) return;
  if (event.type === 'train-progress') win.setProgressBar(event.progress);
  else if (event.type === 'train-finished' || event.type === 'train-error') win.setProgressBar(-1);
}

/** Native parts (dialogs, menus, the title bar) follow the theme chosen in Settings. */
function followTheme(settings: Settings): void {
  nativeTheme.themeSource = settings.theme;
}

registerInvokeHandlers(service);

const windowState = new WindowStateKeeper(service.home);

function openWindow(): void {
  win = createStudioWindow(preloadPath(join(packageRoot(), 'dist')), windowState.load(), ICON);
  windowState.track(win);
  win.on('closed', () => (win = null));
}

app.on('second-instance', () => {
  if (win !== null) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});

void app.whenReady().then(async () => {
  await startMainLog();
  const root = packageRoot();
  enforceContentSecurityPolicy(session.defaultSession);
  serveRenderer(join(root, 'dist', 'renderer'));
  serveMedia(service);
  installMenu(() => win);
  void service.settings.get().then(followTheme, () => undefined);
  void service.start();
  openWindow();
  // macOS: clicking the dock icon with no window open opens one (the engine and queue kept running).
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
});

// macOS apps stay running with no window until quit; elsewhere closing the window quits.
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// However the app quits (the window, the menu, Cmd+Q), a run in training pauses with a
// checkpoint before the engine stops; the next start offers to resume it.
let stopped = false;
app.on('before-quit', (event) => {
  if (stopped) return;
  event.preventDefault();
  stopped = true;
  processLogger().info('stopping the engine before quitting');
  void service.shutdown().finally(() => app.quit());
});
