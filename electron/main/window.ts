import { join } from 'node:path';
import { BrowserWindow } from 'electron';
import { APP_ORIGIN } from './app-protocol.js';
import type { WindowState } from './window-placement.js';

/**
 * The studio window, locked down per the architecture: context isolation, sandbox and web
 * security on, no Node in the page, navigation and new windows refused, permission requests
 * denied.
 */
export function createStudioWindow(preloadPath: string, state: WindowState | null, icon: string): BrowserWindow {
  const win = new BrowserWindow({
    ...(state === null ? { width: 1280, height: 860 } : { x: state.x, y: state.y, width: state.width, height: state.height }),
    // Linux draws the window's icon from here; Windows and macOS take the executable's.
    ...(process.platform === 'linux' ? { icon } : {}),
    minWidth: 900,
    minHeight: 600,
    title: 'GAN Studio',
    show: false,
    webPreferences: {
      // Reviewed: the preload only exposes the contract's methods (electron/preload/index.ts).
      preload: preloadPath, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click must not open anything either.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => {
    if (state?.maximized === true) win.maximize();
    if (state?.fullScreen === true) win.setFullScreen(true);
    win.show();
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

export function preloadPath(distRoot: string): string {
  return join(distRoot, 'electron', 'preload', 'index.cjs');
}
