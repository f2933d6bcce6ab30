import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SketchExample } from '../../contract/sketch.js';
import { orSystemError } from '../errors.js';
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
  const read = readFile(join(dir, 'examples.json'), 'utf8').then((text) => JSON.parse(text) as ExampleEntry[]);
  const entries = await orSystemError(read, (cause) => `cannot read the example sketches in ${dir}: ${cause}`);
  return Promise.all(
    entries.map(async ({ name, title }) => {
      const bytes = await readFile(join(dir, `${name}.png`));
      const { width, height } = await checkPng(bytes, `${name}.png`);
      return { name, title, png: pngDataUrl(bytes), width, height };
    }),
  );
}
