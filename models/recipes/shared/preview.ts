/**
 * Writes a contact sheet of both renderers, for eyeballing changes:
 *   npx tsx models/recipes/shared/preview.ts out.png [tileSize=128] [firstSeed=1]
 * Rows: 4 layouts across five times of day, then snow and fog steps, then 16 handbags.
 */
import sharp from 'sharp';
import { renderHandbag, randomHandbagLayout } from './handbag-renderer.js';
import { renderScene, randomSceneLayout, type SceneConditions } from './scene-renderer.js';

const out = process.argv[2];
if (!out) throw new Error('usage: preview.ts <out.png> [tileSize] [firstSeed]');
const tile = Number(process.argv[3] ?? 128);
const firstSeed = Number(process.argv[4] ?? 1);
const steps = [0, 0.25, 0.5, 0.75, 1];
const columns = 8;
const gap = 4;

const tiles: Uint8Array[][] = [];
const started = performance.now();
let rendered = 0;
for (let i = 0; i < 4; i++) {
  const layout = randomSceneLayout(firstSeed + i);
  const row: Uint8Array[] = [];
  for (const t of steps) row.push(await renderScene(layout, { timeOfDay: t, snow: 0, fog: 0 }, tile));
  // The last three columns of a row show weather: snow by day, fog by day, snow and fog at night.
  const extras: SceneConditions[] = [
    { timeOfDay: 0.1, snow: 1, fog: 0 },
    { timeOfDay: 0.1, snow: 0, fog: 1 },
    { timeOfDay: 0.9, snow: 0.6, fog: 0.4 },
  ];
  for (const c of extras) row.push(await renderScene(layout, c, tile));
  rendered += row.length;
  tiles.push(row);
}
const weatherLayout = randomSceneLayout(firstSeed + 4);
for (const key of ['snow', 'fog'] as const) {
  const row: Uint8Array[] = [];
  for (const v of steps) row.push(await renderScene(weatherLayout, { timeOfDay: 0.15, snow: 0, fog: 0, [key]: v }, tile));
  for (const v of [0, 0.5, 1]) row.push(await renderScene(weatherLayout, { timeOfDay: 1, snow: 0, fog: 0, [key]: v }, tile));
  rendered += row.length;
  tiles.push(row);
}
const sceneMs = (performance.now() - started) / rendered;
const bagStart = performance.now();
for (let r = 0; r < 2; r++) {
  const row: Uint8Array[] = [];
  for (let c = 0; c < columns; c++) row.push(await renderHandbag(randomHandbagLayout(firstSeed + r * columns + c), tile));
  tiles.push(row);
}
const bagMs = (performance.now() - bagStart) / (2 * columns);

const width = columns * tile + (columns + 1) * gap;
const height = tiles.length * tile + (tiles.length + 1) * gap;
const composites = tiles.flatMap((row, r) =>
  row.map((data, c) => ({ input: Buffer.from(data), raw: { width: tile, height: tile, channels: 3 as const }, left: gap + c * (tile + gap), top: gap + r * (tile + gap) })),
);
await sharp({ create: { width, height, channels: 3, background: '#202020' } }).composite(composites).png().toFile(out);
console.log(`wrote ${out}: scenes ${sceneMs.toFixed(1)} ms each, handbags ${bagMs.toFixed(1)} ms each at ${tile} px`);
