import { createInterface } from 'node:readline';
import pino from 'pino';
import type { StudioLogger } from '../engine/logging/index.js';

/** pino's numeric levels: 50 error, 60 fatal. */
const ERROR_LEVEL = 50;
/** Lines of plain text kept to explain an exit (Node's and native libraries' last words). */
const TEXT_KEPT = 20;
/** Only what the engine said this shortly before it went can be why it went (not a warning from its start). */
const LAST_WORDS_MS = 3000;

interface EngineLine {
  level: number;
  msg?: string;
  err?: { message?: string };
}

function parseLine(line: string): EngineLine | null {
  if (!line.startsWith('{')) return null;
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === 'object' && value !== null && typeof (value as EngineLine).level === 'number' ? (value as EngineLine) : null;
  } catch {
    return null;
  }
}

/**
 * The engine process's stdout and stderr, copied into the studio's log: its own log lines (it
 * logs JSON to stdout) go in as written, anything else (Node's fatal errors, a native
 * library's messages) as text lines of `source: engine`. What it said last is kept, so a crash
 * can be reported with its cause rather than only an exit code.
 */
export class EngineOutput {
  private readonly text: { line: string; at: number }[] = [];
  private lastError: { message: string; at: number } | undefined;
  private readonly textLog: StudioLogger;

  constructor(private readonly log: StudioLogger) {
    this.textLog = log.child({ source: 'engine' });
  }

  attach(stream: NodeJS.ReadableStream | null | undefined, name: 'stdout' | 'stderr'): void {
    if (stream === null || stream === undefined) return;
    stream.on('error', () => undefined);
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    lines.on('line', (line) => this.line(line, name));
  }

  private line(line: string, stream: 'stdout' | 'stderr'): void {
    if (line.trim() === '') return;
    const entry = parseLine(line);
    if (entry !== null) {
      if (entry.level >= ERROR_LEVEL) {
        const msg = entry.msg ?? '';
        const err = entry.err?.message ?? '';
        this.lastError = { message: err === '' || msg.includes(err) ? msg : msg === '' ? err : `${msg}: ${err}`, at: Date.now() };
      }
      if (entry.level >= this.log.levelVal) rawStream(this.log).write(`${line}\n`);
      return;
    }
    this.text.push({ line, at: Date.now() });
    if (this.text.length > TEXT_KEPT) this.text.shift();
    if (stream === 'stderr') this.textLog.warn({ stream }, line);
    else this.textLog.info({ stream }, line);
  }

  /**
   * The engine's own words for why it stopped: its last error line, else the last plain text
   * line that reads like one, if either came in the moments before it went.
   */
  cause(now = Date.now()): string | undefined {
    const recent = now - LAST_WORDS_MS;
    if (this.lastError !== undefined && this.lastError.at >= recent) return this.lastError.message;
    return [...this.text].reverse().find((l) => l.at >= recent && /fatal|error|abort|out of memory|segmentation/i.test(l.line))?.line;
  }
}

/** Electron's reasons for a utilityProcess that is gone (app 'child-process-gone'), in words. */
const GONE_REASONS: Record<string, string> = {
  crashed: 'crashed (a crash in native code)',
  oom: 'ran out of memory',
  killed: 'was killed (the system may have run out of memory)',
  'abnormal-exit': 'exited abnormally',
  'launch-failed': 'could not be started',
  'integrity-failure': 'failed its code integrity check',
};

/**
 * Why the engine is gone, in words: the signal or exit code (and Electron's reason, where it
 * gave one), what that means, and what the engine said last.
 */
export function describeEngineExit(code: number | null, signal: NodeJS.Signals | string | null, cause: string | undefined, goneReason?: string): string {
  const said = cause === undefined ? '' : `: ${cause}`;
  if (goneReason !== undefined && GONE_REASONS[goneReason] !== undefined) return `${GONE_REASONS[goneReason]} (exit code ${String(code)})${said}`;
  if (signal !== null) {
    const meaning =
      signal === 'SIGKILL'
        ? ' (ended from outside: the system may have run out of memory)'
        : ['SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE'].includes(signal)
          ? ' (a crash in native code)'
          : signal === 'SIGABRT'
            ? ' (it aborted)'
            : '';
    return `killed by ${signal}${meaning}${said}`;
  }
  return `exited with code ${String(code)}${said}`;
}

/** The destination a pino logger writes to, for lines that are already pino lines. */
function rawStream(log: StudioLogger): { write(line: string): void } {
  return (log as unknown as Record<symbol, { write(line: string): void }>)[pino.symbols.streamSym] ?? { write: () => undefined };
}

/** The environment for an engine process: the studio's own, with its log level. */
export function engineLogEnv(log: StudioLogger, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, GAN_STUDIO_LOG_LEVEL: log.level === 'silent' ? 'silent' : log.level };
}
