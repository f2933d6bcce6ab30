import { join } from 'node:path';
import type { SketchSaved } from '../../contract/sketch.js';
import { StudioError } from '../errors.js';
import { OutputWriter } from '../jobs/index.js';
import { checkPng, decodeBase64 } from './sketch-bytes.js';
import { pathExists } from '../files/path-exists.js';

export interface SaveSketchArgs {
  sketch: string;
  output: string;
  model: string;
  name?: string;
  outDir: string;
}

export const DEFAULT_SKETCH_NAME = 'drawing';

/** A file-name stem from what the user typed: no folders, no odd characters, not empty. */
export function sketchStem(name: string | undefined): string {
  const stem = (name ?? '')
    .normalize('NFC')
    .replace(/\.png$/i, '')
    // Path separators and anything but letters, digits and plain punctuation (control characters too) become dashes.
    .replace(/[\\/:*?"<>|]+/g, '-')
    .replace(/[^\p{L}\p{N} ._()+,=@'&!#$%-]+/gu, '-')
    .replace(/\s+/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 80);
  return stem === '' ? DEFAULT_SKETCH_NAME : stem;
}

/**
 * Saves a drawing and its translation side by side as `<stem>-sketch.png` and
 * `<stem>-<model>.png` in the output folder. Nothing is overwritten: the first stem (`name`,
 * `name-1`, `name-2`, ...) under which both names are free is taken, so a pair keeps one
 * number; should another program take a name in between, OutputWriter still picks a free one.
 * Both images are checked to be whole PNGs before anything is written.
 */
export async function saveSketch(args: SaveSketchArgs): Promise<SketchSaved> {
  const sketch = decodeBase64(args.sketch, 'the sketch');
  const output = decodeBase64(args.output, 'the translation');
  await checkPng(sketch, 'the sketch');
  await checkPng(output, 'the translation');
  const model = args.model.replace(/[^\w.-]/g, '_');
  if (model === '') throw new StudioError('BAD_ARGUMENT', 'the model id is empty');
  const base = sketchStem(args.name);
  const writer = new OutputWriter(args.outDir, [], false);
  await writer.prepare();
  let stem = base;
  for (let n = 1; (await pathExists(join(args.outDir, `${stem}-sketch.png`), 'link')) || (await pathExists(join(args.outDir, `${stem}-${model}.png`), 'link')); n++) stem = `${base}-${n}`;
  const savedSketch = await writer.writeNamed(`${stem}-sketch`, 'png', sketch);
  const savedOutput = await writer.writeNamed(`${stem}-${model}`, 'png', output);
  return { sketch: savedSketch.path, output: savedOutput.path };
}
