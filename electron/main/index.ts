/**
 * Electron main: only composes modules (protocols, window, the contract's ipc handlers, the
 * engine in a utilityProcess). All job state lives in the StudioService's JobManager.
 */
import { join } from 'node:path';
import { app, BrowserWindow, session, shell } from 'electron';
import type { EventChannels } from '../contract/ipc.js';
import { packageRoot } from '../engine/library/paths.js';
import { StudioService } from '../studio/studio-service.js';
import { enforceContentSecurityPolicy, registerSchemes, serveRenderer } from './app-protocol.js';
import { registerInvokeHandlers } from './ipc.js';
import { serveMedia } from './media-protocol.js';
import { resolveDesktopInputs } from './inputs.js';
import { utilityEngine } from './utility-engine.js';
import { createStudioWindow, preloadPath } from './window.js';

app.setName('gan-studio');
registerSchemes();
if (!app.requestSingleInstanceLock()) app.quit();

let win: BrowserWindow | null = null;

const service = new StudioService({
  mode: 'desktop',
  launchEngine: utilityEngine,
  send: <E extends keyof EventChannels>(event: E, payload: EventChannels[E]) => {
    if (win !== null && !win.isDestroyed()) win.webContents.send(event, payload);
    if (event === 'jobs:event') followProgress(payload as EventChannels['jobs:event']);
    if (event === 'training:event') followTraining(payload as EventChannels['training:event']);
  },
  resolveInputs: resolveDesktopInputs,
  openPath: async (path, reveal) => {
    if (reveal) shell.showItemInFolder(path);
    else {
      const problem = await shell.openPath(path);
      if (problem !== '') throw new Error(problem);
    }
  },
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

registerInvokeHandlers(service);

app.on('second-instance', () => {
  if (win !== null) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});

void app.whenReady().then(() => {
  const root = packageRoot();
  enforceContentSecurityPolicy(session.defaultSession);
  serveRenderer(join(root, 'dist', 'renderer'));
  serveMedia(service.jobs, service);
  void service.start();
  win = createStudioWindow(preloadPath(join(root, 'dist')));
  win.on('closed', () => (win = null));
});

app.on('window-all-closed', () => {
  // A run in training pauses with a checkpoint before the engine stops; the next start offers to resume it.
  void service.shutdown().finally(() => app.quit());
});
