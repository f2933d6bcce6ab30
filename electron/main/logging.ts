import { join } from 'node:path';
import { app, crashReporter, type WebContents } from 'electron';
import { packageVersion } from '../engine/library/paths.js';
import { createLogger, logsDir, openLogFile, useProcessLogger, type StudioLogger } from '../engine/logging/index.js';

/**
 * Electron's crash reporter, writing minidumps of main, window and engine crashes beside the
 * logs (`<logs>/crashes`) and uploading nothing. Must run before the app is ready.
 */
export function startCrashReporter(): void {
  app.setAppLogsPath(logsDir());
  app.setPath('crashDumps', join(logsDir(), 'crashes'));
  crashReporter.start({ uploadToServer: false, compress: true });
}

/** The desktop app's log: the studio's rotated file in the logs folder, with what main sees go wrong. */
export async function startMainLog(): Promise<StudioLogger> {
  const log = createLogger('main', await openLogFile(logsDir()), process.env.GAN_STUDIO_LOG_LEVEL === 'debug' ? 'debug' : 'info');
  useProcessLogger(log);
  log.info({ version: packageVersion(), electron: process.versions.electron, platform: process.platform, arch: process.arch, packaged: app.isPackaged }, 'GAN Studio started');
  process.on('uncaughtException', (err) => log.error({ err }, `main process error: ${err.message}`));
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, `main process error: ${reason instanceof Error ? reason.message : String(reason)}`));
  app.on('render-process-gone', (_event, contents: WebContents, details) => log.error({ reason: details.reason, exitCode: details.exitCode, url: contents.getURL() }, `the window's page is gone: ${details.reason}`));
  app.on('before-quit', () => log.info('GAN Studio quitting'));
  return log;
}
