import { Writable } from 'node:stream';
import pino, { type DestinationStream, type StreamEntry } from 'pino';
import { createLogger, useProcessLogger, type StudioLogger } from '../engine/logging/index.js';

export interface CliLogOptions {
  /** Debug lines on stderr, in words. */
  verbose?: boolean;
  /** Every line, as JSON, appended to this file. */
  logFile?: string;
}

/** Fields every line has, which the words on stderr leave out. */
const HIDDEN = new Set(['level', 'time', 'pid', 'proc', 'msg', 'hostname']);

/** Log lines for a person at a terminal: `debug: message key=value`, one per line. */
function wordsOn(stream: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line === '') continue;
        try {
          const entry = JSON.parse(line) as Record<string, unknown> & { level: number; msg?: string };
          const fields = Object.entries(entry)
            .filter(([key]) => !HIDDEN.has(key))
            .map(([key, value]) => ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
            .join('');
          stream.write(`${pino.levels.labels[entry.level] ?? 'log'}: ${entry.msg ?? ''}${fields}\n`);
        } catch {
          stream.write(`${line}\n`);
        }
      }
      done();
    },
  });
}

/**
 * The command's logger: silent unless asked, debug lines on stderr with --verbose, JSON lines
 * in a file with --log-file, and any other destinations a command adds (serve: the studio's
 * log file). It becomes the process logger, so the engine code the command runs logs there.
 */
export function useCliLogger(options: CliLogOptions, extra: StreamEntry[] = [], proc = 'cli'): StudioLogger {
  const streams: StreamEntry[] = [...extra];
  if (options.verbose === true) streams.push({ level: 'debug', stream: wordsOn(process.stderr) as unknown as DestinationStream });
  if (options.logFile !== undefined) streams.push({ level: 'debug', stream: pino.destination({ dest: options.logFile, append: true, mkdir: true, sync: true }) });
  const lowest = streams.some((s) => s.level === 'debug') ? 'debug' : streams.length > 0 ? 'info' : 'silent';
  const logger = createLogger(proc, pino.multistream(streams), lowest);
  useProcessLogger(logger);
  return logger;
}
