/**
 * The sketch pad's example sketches (assets/sketches): one handbag of each body shape, rendered
 * by the handbag renderer and traced by the engine's edge detector at the edges2handbags
 * model's size, exactly as that model's training inputs were made. Seeds start far from the
 * recipe's training and held-out seeds, so the examples are bags the model never saw.
 * Deterministic: the same sharp/librsvg build gives the same bytes.
 *
 *   npx tsx models/recipes/sketches/make-sketches.ts [out-dir]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { detectEdges } from '../../../electron/engine/imaging/index.js';
import { randomHandbagLayout, renderHandbag, type HandbagShape } from '../shared/handbag-renderer.js';

export const SKETCH_SIZE = 128;
const FIRST_SEED = 90_000;

const TITLES: Record<HandbagShape, string> = {
  tote: 'Tote',
  satchel: 'Satchel',
  bowling: 'Bowling bag',
  trapezoid: 'Trapezoid bag',
  bucket: 'Bucket bag',
  clutch: 'Clutch',
};

/** The first seed from FIRST_SEED on whose bag has each shape (and a handle, so it reads as a handbag, clutches aside). */
export function exampleSeeds(): { shape: HandbagShape; seed: number }[] {
  const found: { shape: HandbagShape; seed: number }[] = [];
  for (const shape of Object.keys(TITLES) as HandbagShape[]) {
    for (let seed = FIRST_SEED; ; seed++) {
      const layout = randomHandbagLayout(seed);
      if (layout.body.shape === shape && (shape === 'clutch' || layout.handles.count > 0)) {
        found.push({ shape, seed });
        break;
      }
    }
  }
  return found;
}

export async function makeSketches(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const listed: { name: string; title: string; seed: number }[] = [];
  for (const { shape, seed } of exampleSeeds()) {
    const rgb = await renderHandbag(randomHandbagLayout(seed), SKETCH_SIZE);
    const grey = detectEdges(rgb, SKETCH_SIZE, SKETCH_SIZE);
    const png = await sharp(grey, { raw: { width: SKETCH_SIZE, height: SKETCH_SIZE, channels: 1 } }).png({ compressionLevel: 9 }).toBuffer();
    await writeFile(join(dir, `${shape}.png`), png);
    listed.push({ name: shape, title: TITLES[shape], seed });
  }
  await writeFile(join(dir, 'examples.json'), `${JSON.stringify(listed, null, 2)}\n`);
  return listed.map((l) => l.name);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2] ?? fileURLToPath(new URL('../../../assets/sketches/', import.meta.url));
  const names = await makeSketches(out);
  process.stdout.write(`wrote ${names.length} sketches to ${out}: ${names.join(', ')}\n`);
}
