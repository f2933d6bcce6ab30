import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import pino, { type DestinationStream, type Logger } from 'pino';
import roll from 'pino-roll';
import { displayStrings, displayText } from '../display-text.js';
import { studioHome } from '../library/paths.js';

/**
 * One logger for every process of the studio (Electron main, the browser-mode server, the
 * engine process, the CLI): pino, one JSON object per line. The studio process writes the
 * file; the engine writes its lines to stdout and the studio copies them into that file (see
 * studio/engine-output.ts), so one process owns the file and its rotation.
 */
export type StudioLogger = Logger;

/**
 * The platform's logs folder, as Electron's app.getPath('logs') names it for an app called
 * gan-studio: <app data>/logs on Linux and Windows, ~/Library/Logs/gan-studio on macOS.
 * $GAN_STUDIO_LOGS, else $GAN_STUDIO_HOME/logs, moves it (tests, portable installs).
 */
export function logsDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.GAN_STUDIO_LOGS !== undefined && env.GAN_STUDIO_LOGS !== '') return resolve(env.GAN_STUDIO_LOGS);
  if (platform === 'darwin' && (env.GAN_STUDIO_HOME ?? '') === '') return join(homedir(), 'Library', 'Logs', 'gan-studio');
  return join(studioHome(env, platform), 'logs');
}

/** A log file rolls over at this size, and a new one starts each day. */
export const LOG_FILE_MAX = '5m';
/** Rolled-over files kept beside the one in use; older ones are removed. */
export const LOG_FILES_KEPT = 9;

/**
 * The studio's log in `dir`: `<name>.<date>.<n>.log`, a new file each day and each 5 MB, the
 * newest ten kept (only files of this name are ever removed).
 */
export async function openLogFile(dir: string, name = 'studio'): Promise<DestinationStream> {
  return roll({
    file: join(dir, name),
    extension: '.log',
    dateFormat: 'yyyy-MM-dd',
    frequency: 'daily',
    size: LOG_FILE_MAX,
    mkdir: true,
    limit: { count: LOG_FILES_KEPT, removeOtherLogFiles: true },
  });
}

/** A logger for one process; `proc` names it in every line (main, serve, engine, cli). */
export function createLogger(proc: string, destination: DestinationStream, level: pino.LevelWithSilent = 'info'): StudioLogger {
  return pino(
    {
      level,
      base: { proc, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Names in log lines (file paths, model names) as display text: no raw newlines or bidi controls.
      formatters: { log: (record) => displayStrings(record) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? displayText(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/** Logs nothing: what libraries and tests get until a process sets its own. */
export const silentLogger: StudioLogger = pino({ level: 'silent' });

let current: StudioLogger = silentLogger;

/** The logger of this process (silent until the entry point calls useProcessLogger). */
export function processLogger(): StudioLogger {
  return current;
}

/** Entry points (main, serve, engine-process, the CLI) choose where this process logs. */
export function useProcessLogger(logger: StudioLogger): void {
  current = logger;
}
