import type { ModelKind, PixelRange } from '../contract/models.js';
import { importModelFile, type ModelLibrary } from '../engine/library/index.js';

export interface ImportCliOptions {
  name?: string;
  id?: string;
  arch?: string;
  attributes?: string[];
  license?: string;
  kind?: ModelKind;
  range?: PixelRange;
}

/** `gan-studio import FILE`: converts and installs; the new id is the last line of stdout. */
export async function importCommand(file: string, options: ImportCliOptions, library: ModelLibrary): Promise<number> {
  process.stderr.write(`Importing ${file} ...\n`);
  const { entry, notes } = await importModelFile(library, file, {
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.id === undefined ? {} : { id: options.id }),
    ...(options.arch === undefined ? {} : { arch: options.arch }),
    ...(options.attributes === undefined ? {} : { attributes: options.attributes }),
    ...(options.license === undefined ? {} : { licence: options.license }),
    ...(options.kind === undefined ? {} : { kind: options.kind }),
    ...(options.range === undefined ? {} : { pixelRange: options.range }),
  });
  for (const note of notes) process.stderr.write(`  ${note}\n`);
  process.stderr.write(`Installed "${entry.manifest.name}" (${entry.manifest.kind}) in ${entry.dir}\n`);
  process.stdout.write(`${entry.manifest.id}\n`);
  return 0;
}
