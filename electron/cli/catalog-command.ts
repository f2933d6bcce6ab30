import cliProgress from 'cli-progress';
import { StudioError } from '../engine/errors.js';
import { findCatalogEntry, listCatalog } from '../engine/library/catalog/index.js';
import { installCatalogModel, type ModelLibrary } from '../engine/library/index.js';
import { JsonLines } from './json-lines.js';
import { formatTable } from './table.js';

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** `gan-studio catalog`: the official pretrained models, and whether each is installed. */
export async function catalogCommand(library: ModelLibrary, options: { json?: boolean }): Promise<number> {
  const installed = new Set((await library.list()).models.map((m) => m.manifest.id));
  const entries = listCatalog();
  if (options.json === true) {
    process.stdout.write(`${JSON.stringify(entries.map((e) => ({ ...e, installed: installed.has(e.name) })), null, 2)}\n`);
    return 0;
  }
  const rows = entries.map((e) => [e.name, e.kind, e.direction, `~${mb(e.expectedBytes)}`, e.licence, installed.has(e.name) ? 'installed' : '']);
  const header = ['NAME', 'KIND', 'DIRECTION', 'SIZE', 'LICENCE', ''];
  process.stdout.write(`${formatTable(header, rows)}\n`);
  process.stdout.write('\nDownload one with: gan-studio download <name>\n');
  return 0;
}

/** `gan-studio download NAME` (or `catalog install NAME`): download (resumable), convert, install; prints the id last. */
export async function downloadCommand(name: string, library: ModelLibrary, options: { json?: boolean } = {}): Promise<number> {
  const json = new JsonLines(options.json === true);
  const started = performance.now();
  const entry = findCatalogEntry(name);
  if ((await library.list()).models.some((m) => m.manifest.id === entry.name)) {
    throw new StudioError('OUTPUT_EXISTS', `${entry.name} is already installed (delete it first to download it again)`);
  }
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.on('SIGINT', onSigint);
  const interactive = process.stderr.isTTY === true;
  const bar = interactive
    ? new cliProgress.SingleBar(
        { stream: process.stderr, format: ' {bar} {percentage}% | {got} of {total_mb} | {speed} | ETA {eta_formatted}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let lastLogged = -1;
  let barStarted = false;
  try {
    process.stderr.write(`Downloading ${entry.title} from ${entry.url}\n`);
    const installed = await installCatalogModel(library, entry, {
      signal: controller.signal,
      onStage: (stage) => {
        if (stage !== 'download') {
          bar?.stop();
          process.stderr.write(stage === 'extract' ? 'Extracting the generator from the archive ...\n' : 'Converting to ONNX and installing ...\n');
        }
      },
      onProgress: (p) => {
        const total = p.totalBytes ?? entry.expectedBytes;
        const speed = `${(p.bytesPerSecond / 1e6).toFixed(1)} MB/s`;
        if (bar !== null) {
          if (!barStarted) {
            bar.start(total, 0, { got: mb(0), total_mb: mb(total), speed });
            barStarted = true;
          }
          bar.update(p.receivedBytes, { got: mb(p.receivedBytes), total_mb: mb(total), speed });
        } else {
          const tenth = Math.floor((p.receivedBytes / total) * 10);
          if (tenth > lastLogged) {
            lastLogged = tenth;
            process.stderr.write(`  ${mb(p.receivedBytes)} of ${mb(total)} (${speed})\n`);
          }
        }
      },
    });
    bar?.stop();
    process.stderr.write(`Installed ${entry.name}.\n`);
    const ms = Math.round(performance.now() - started);
    if (json.enabled) {
      json.write('model', { input: entry.url, id: installed.manifest.id, name: installed.manifest.name, kind: installed.manifest.kind, dir: installed.dir, sha256: installed.manifest.sha256, ms });
      json.write('summary', { installed: 1, ms });
    } else process.stdout.write(`${installed.manifest.id}\n`);
    return 0;
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
}
