import type { PixelRange } from '../contract/models.js';
import { importModelFile, type ImportOptions, type ModelLibrary } from '../engine/library/index.js';
import { JsonLines } from './json-lines.js';
import { displayText } from '../engine/display-text.js';

/** The import's own options under their names, and the two the command spells its way (--license, --range). */
export type ImportCliOptions = Pick<ImportOptions, 'name' | 'id' | 'arch' | 'attributes' | 'kind'> & { license?: string; range?: PixelRange; json?: boolean };

/** `gan-studio import FILE`: converts and installs; the new id is the last line of stdout (or a JSON summary). */
export async function importCommand(file: string, options: ImportCliOptions, library: ModelLibrary): Promise<number> {
  const json = new JsonLines(options.json === true);
  const started = performance.now();
  process.stderr.write(`Importing ${displayText(file)} ...\n`);
  const { license, range, json: _json, ...same } = options;
  const { entry, notes } = await importModelFile(library, file, {
    ...same,
    ...(license === undefined ? {} : { licence: license }),
    ...(range === undefined ? {} : { pixelRange: range }),
  });
  for (const note of notes) process.stderr.write(`  ${displayText(note)}\n`);
  process.stderr.write(`Installed "${displayText(entry.manifest.name)}" (${entry.manifest.kind}) in ${displayText(entry.dir)}\n`);
  const m = entry.manifest;
  const ms = Math.round(performance.now() - started);
  if (json.enabled) {
    json.write('model', { input: file, id: m.id, name: m.name, kind: m.kind, architecture: m.architecture ?? null, dir: entry.dir, sha256: m.sha256, notes, ms });
    json.write('summary', { imported: 1, ms });
  } else process.stdout.write(`${m.id}\n`);
  return 0;
}
