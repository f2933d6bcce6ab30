import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SketchExample } from '../../contract/sketch.js';
import { StudioError, describeSystemError } from '../errors.js';
import { packageRoot } from '../library/index.js';
import { checkPng, pngDataUrl } from './sketch-bytes.js';

/** What `assets/sketches/examples.json` lists (written by assets/sketches/make-sketches.ts). */
interface ExampleEntry {
  name: string;
  title: string;
}

export function examplesDir(): string {
  return join(packageRoot(), 'assets', 'sketches');
}

/** The bundled example sketches, in their listed order, as data URLs (a few kB each). */
export async function sketchExamples(dir = examplesDir()): Promise<SketchExample[]> {
  let entries: ExampleEntry[];
  try {
    entries = JSON.parse(await readFile(join(dir, 'examples.json'), 'utf8')) as ExampleEntry[];
  } catch (err) {
    throw new StudioError('IO_ERROR', `cannot read the example sketches in ${dir}: ${describeSystemError(err)}`, { cause: err });
  }
  return Promise.all(
    entries.map(async ({ name, title }) => {
      const bytes = await readFile(join(dir, `${name}.png`));
      const { width, height } = await checkPng(bytes, `${name}.png`);
      return { name, title, png: pngDataUrl(bytes), width, height };
    }),
  );
}
