import type { ModelKind, PixelRange } from '../contract/models.js';
import { importModelFile, type ModelLibrary } from '../engine/library/index.js';
import { JsonLines } from './json-lines.js';
import { displayText } from '../engine/display-text.js';

export interface ImportCliOptions {
  name?: string;
  id?: string;
  arch?: string;
  attributes?: string[];
  license?: string;
  kind?: ModelKind;
  range?: PixelRange;
  json?: boolean;
}

/** `gan-studio import FILE`: converts and installs; the new id is the last line of stdout (or a JSON summary). */
export async function importCommand(file: string, options: ImportCliOptions, library: ModelLibrary): Promise<number> {
  const json = new JsonLines(options.json === true);
  const started = performance.now();
  process.stderr.write(`Importing ${displayText(file)} ...\n`);
  const { entry, notes } = await importModelFile(library, file, {
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.id === undefined ? {} : { id: options.id }),
    ...(options.arch === undefined ? {} : { arch: options.arch }),
    ...(options.attributes === undefined ? {} : { attributes: options.attributes }),
    ...(options.license === undefined ? {} : { licence: options.license }),
    ...(options.kind === undefined ? {} : { kind: options.kind }),
    ...(options.range === undefined ? {} : { pixelRange: options.range }),
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
