import { formatTable } from './table.js';
import type { ModelLibrary } from '../engine/library/index.js';
import { displayText } from '../engine/display-text.js';

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

/** Lists bundled and installed models; broken folders are reported, never fatal. */
export async function modelsCommand(library: ModelLibrary, options: { json?: boolean }): Promise<number> {
  const { models, problems } = await library.list();
  if (options.json === true) {
    const out = {
      home: library.home,
      models: models.map((m) => ({ ...m.manifest, origin: m.origin, dir: m.dir, sizeBytes: m.sizeBytes })),
      problems,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  if (models.length === 0) {
    process.stdout.write(`No models found (bundled: ${displayText(library.bundledDir)}, installed: ${displayText(library.installedDir)}).\n`);
  } else {
    const rows = models.map((m) => [
      m.manifest.id,
      m.manifest.name,
      m.manifest.kind,
      m.origin,
      megabytes(m.sizeBytes),
      m.manifest.attributes.length > 0 ? m.manifest.attributes.map((a) => `${a.name} ${a.min}..${a.max}`).join(', ') : '',
    ]);
    const header = ['ID', 'NAME', 'KIND', 'WHERE', 'SIZE', 'ATTRIBUTES'];
    process.stdout.write(`${formatTable(header, rows)}\n`);
  }
  for (const p of problems) process.stderr.write(`warning: skipped ${displayText(p.path)}: ${displayText(p.reason)}\n`);
  return 0;
}
