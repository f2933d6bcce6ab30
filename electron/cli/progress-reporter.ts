import { relative } from 'node:path';
import cliProgress from 'cli-progress';
import type { JobEvent } from '../contract/jobs.js';
import { displayText } from '../engine/display-text.js';

export interface Failure {
  input: string;
  message: string;
}

/**
 * Shows a batch's progress: a bar with ETA on a terminal, one line per file otherwise (logs,
 * pipes, CI). Failures are printed as they happen and collected for the summary.
 */
export class ProgressReporter {
  readonly failures: Failure[] = [];
  readonly providers = new Map<string, number>();
  /** Providers passed over, by provider and reason (each once), for the summary's provider line. */
  readonly fallbacks = new Map<string, { provider: string; reason: string }>();
  readonly renamed: { input: string; output: string; reason: string }[] = [];
  /** The farm workers that translated files (farm batches). */
  readonly workers = new Set<string>();
  private bar: cliProgress.SingleBar | null = null;
  private multi: cliProgress.MultiBar | null = null;
  private total = 0;
  /** When the last progress line of a long image was written (logs only). */
  private lastLine = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly interactive: boolean = stream.isTTY === true,
    /** In logs, a large photo reports how far it got at most this often. */
    private readonly lineEveryMs = 15_000,
  ) {}

  private show(path: string): string {
    const rel = relative(process.cwd(), path);
    return displayText(rel.startsWith('..') ? path : rel);
  }

  private line(text: string): void {
    if (this.multi !== null) this.multi.log(`${text}\n`);
    else this.stream.write(`${text}\n`);
  }

  handle(event: JobEvent): void {
    switch (event.type) {
      case 'started':
        if (this.interactive && event.total > 0) {
          this.multi = new cliProgress.MultiBar(
            {
              stream: this.stream,
              format: ' {bar} {percentage}% | {total} file(s) | ETA {eta_formatted} | {file}',
              hideCursor: true,
              clearOnComplete: true,
              etaBuffer: 20,
            },
            cliProgress.Presets.shades_classic,
          );
          this.total = event.total;
          this.bar = this.multi.create(event.total, 0, { file: '' });
        }
        return;
      case 'item-progress':
        // Fractional progress, so one large tiled photo moves the bar and its ETA too.
        this.bar?.update(Math.round(event.progress * this.total * 100) / 100, { file: `${this.show(event.input)} (${event.status})` });
        if (this.bar === null && performance.now() - this.lastLine >= this.lineEveryMs) {
          // A large photo can take minutes: a log still shows it moving.
          if (this.lastLine > 0) this.line(`...   ${this.show(event.input)}: ${event.status}, ${Math.round(event.itemProgress * 100)}%`);
          this.lastLine = performance.now();
        }
        return;
      case 'item-done': {
        this.lastLine = 0;
        this.providers.set(event.provider, (this.providers.get(event.provider) ?? 0) + 1);
        for (const f of event.fallbacks) this.fallbacks.set(`${f.provider} ${f.reason}`, f);
        if (event.renamed) this.renamed.push({ input: event.input, output: event.output, reason: event.renameReason ?? 'the plain name was taken' });
        if (event.worker !== undefined) this.workers.add(event.worker);
        if (this.bar !== null) {
          for (const note of event.notes) this.line(`${this.show(event.input)}: ${note}`);
          this.bar.update(event.progress * this.total);
        }
        else {
          this.line(
            `ok    ${this.show(event.input)} -> ${this.show(event.output)} (${event.width}x${event.height}, ${Math.round(event.ms)} ms, ${event.provider}${event.worker === undefined ? '' : ` on ${event.worker}`})`,
          );
          for (const note of event.notes) this.line(`      ${note}`);
        }
        return;
      }
      case 'item-error':
        this.failures.push({ input: event.input, message: event.error.message });
        this.line(`FAIL  ${this.show(event.input)}: ${event.error.message}${event.worker === undefined ? '' : ` (on ${event.worker})`}`);
        this.bar?.update(event.progress * this.total);
        return;
      case 'finished':
      case 'cancelled':
        this.stop();
        return;
      case 'queued':
        return;
    }
  }

  stop(): void {
    this.multi?.stop();
    this.multi = null;
    this.bar = null;
  }
}
