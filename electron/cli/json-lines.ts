import type { JobEvent } from '../contract/jobs.js';

/**
 * `--json`: one JSON object per line on stdout, for scripts. Each result is a line with a
 * `type` (`output`, `error`, `model`, `progress`, ...) as it happens, and the last line is the
 * `summary`. Human-readable progress stays on stderr.
 */
export class JsonLines {
  constructor(
    readonly enabled: boolean,
    private readonly stream: NodeJS.WritableStream = process.stdout,
  ) {}

  write(type: string, fields: Record<string, unknown>): void {
    if (this.enabled) this.stream.write(`${JSON.stringify({ type, ...fields })}\n`);
  }

  /** A batch's per-file results: each output with its input, time and provider, or the error. */
  jobEvent(event: JobEvent): void {
    if (event.type === 'item-done') {
      const { input, output, width, height, ms, provider, fallbacks, renamed, notes, worker } = event;
      this.write('output', { input, output, width, height, ms: Math.round(ms), provider, fallbacks, renamed, notes, ...(worker === undefined ? {} : { worker }), at: new Date().toISOString() });
    } else if (event.type === 'item-error') {
      const worker = event.worker === undefined ? {} : { worker: event.worker };
      this.write('error', { input: event.input, code: event.error.code, message: event.error.message, ...worker, at: new Date().toISOString() });
    }
  }
}
