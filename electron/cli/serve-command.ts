import { spawn } from 'node:child_process';
import { logsDir, processLogger } from '../engine/logging/index.js';
import { startStudioServer } from '../server/studio-server.js';

export interface ServeCliOptions {
  port?: number;
  open?: boolean;
}

/** Opens a URL in the default browser; a failure only means the user opens it by hand. */
function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`gan-studio: could not open a browser; open the URL above by hand\n`));
  child.unref();
}

/** `gan-studio serve`: browser mode until Ctrl+C. */
export async function serveCommand(options: ServeCliOptions): Promise<number> {
  // GAN_STUDIO_UPLOAD_QUOTA_MB: how much the page may upload in one session, all files together.
  const quotaMb = Number(process.env.GAN_STUDIO_UPLOAD_QUOTA_MB);
  const uploadLimits = Number.isFinite(quotaMb) && quotaMb > 0 ? { quotaBytes: Math.round(quotaMb * 2 ** 20) } : {};
  const server = await startStudioServer({ ...(options.port === undefined ? {} : { port: options.port }), uploadLimits });
  process.stdout.write(`GAN Studio is running at ${server.url}\n(only this computer can reach it; the token in the URL is required; Ctrl+C stops it)\nLogs: ${logsDir()}\n`);
  // The token stays out of the log: the log may be shared in a bug report.
  processLogger().info({ port: server.port }, 'browser mode started');
  if (options.open === true) openInBrowser(server.url);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  processLogger().info('browser mode stopped');
  return 0;
}
