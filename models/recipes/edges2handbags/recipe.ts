import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { trainSettings } from '../../../electron/engine/training/train-settings.js';
import { detectEdges } from '../../../electron/engine/imaging/index.js';
import { randomHandbagLayout, renderHandbag } from '../shared/handbag-renderer.js';
import { l1, mean, ssim, type RgbImage } from '../shared/metrics.js';
import {
  generate,
  installBundled,
  minutes,
  parameterCount,
  trainToEnd,
  translateWithRun,
  writeDocsGrid,
  writeRgbPng,
  type RecipeOptions,
} from '../shared/recipe-kit.js';

/**
 * edges2handbags: pix2pix from edge maps to handbag renders. The data is photos only (rendered
 * handbags); the trainer derives each input with the engine's own edge detector, exactly as it
 * does for a user's folder of handbag photos (`--edges`). Evaluated on held-out handbags: L1
 * and SSIM of the output against the true render, and of the edge map itself (the trivial
 * baseline).
 */
export const EDGES2HANDBAGS = { train: 320, heldOut: 16, size: 128, loadSize: 143, iterations: 1800 } as const;

const bagSeed = (seed: number, i: number): number => seed * 7_919 + i;
const HELD_OUT_BASE = 60_000;

/** An edge map as the model's input: grey strokes repeated into three channels. */
export function edgeInput(photo: RgbImage): RgbImage {
  const grey = detectEdges(photo.rgb, photo.width, photo.height);
  const rgb = new Uint8Array(grey.length * 3);
  grey.forEach((v, i) => rgb.fill(v, i * 3, i * 3 + 3));
  return { rgb, width: photo.width, height: photo.height };
}

export async function edges2handbags(o: RecipeOptions): Promise<Record<string, string>> {
  const started = performance.now();
  const { size, loadSize } = EDGES2HANDBAGS;
  const photos = join(o.work, 'photos');
  await mkdir(photos, { recursive: true });
  await generate('handbag renders', EDGES2HANDBAGS.train, async (i) => {
    const rgb = await renderHandbag(randomHandbagLayout(bagSeed(o.seed, i)), loadSize);
    await writeRgbPng(join(photos, `${String(i).padStart(4, '0')}.png`), { rgb, width: loadSize, height: loadSize });
  });
  const dataSeconds = (performance.now() - started) / 1000;
  const settings = trainSettings({
    mode: 'pix2pix',
    dataA: photos,
    edges: true,
    arch: 'unet_128',
    // ngf 16 keeps the model under the 12 MB budget for bundled models (ngf 24 is 22.5 MB).
    ngf: 16,
    ndf: 32,
    iterations: o.iterations ?? EDGES2HANDBAGS.iterations,
    size,
    loadSize,
    seed: o.seed,
    sampleEvery: 200,
    checkpointEvery: 200,
    name: 'edges2handbags',
    device: o.device,
  });
  const { run, seconds, provider } = await trainToEnd(settings, o.work, o.threads);

  const truth: RgbImage[] = [];
  for (let i = 0; i < EDGES2HANDBAGS.heldOut; i++) {
    truth.push({ rgb: await renderHandbag(randomHandbagLayout(bagSeed(o.seed, HELD_OUT_BASE + i)), size), width: size, height: size });
  }
  const inputs = truth.map(edgeInput);
  const outputs = await translateWithRun(run, 'G', inputs);
  const modelL1 = mean(outputs.map((y, i) => l1(y, truth[i] ?? y)));
  const baseL1 = mean(inputs.map((x, i) => l1(x, truth[i] ?? x)));
  const evaluation = {
    'L1 (8-bit levels), model': modelL1.toFixed(2),
    'L1, trivial baseline (the edge map itself)': baseL1.toFixed(2),
    'L1 ratio model / baseline': (modelL1 / baseL1).toFixed(3),
    'SSIM, model': mean(outputs.map((y, i) => ssim(y, truth[i] ?? y))).toFixed(3),
    'SSIM, trivial baseline': mean(inputs.map((x, i) => ssim(x, truth[i] ?? x))).toFixed(3),
  };
  const totalSeconds = (performance.now() - started) / 1000;
  process.stderr.write(`edges2handbags: ${JSON.stringify(evaluation, null, 1)}\n`);
  if (!o.install) return evaluation;

  const grid = await writeDocsGrid(
    'edges2handbags',
    [0, 1, 2, 3].map((i) => [inputs[i], outputs[i], truth[i]].filter((x): x is RgbImage => x !== undefined)),
  );
  const table = Object.entries(evaluation).map(([k, v]) => `| ${k} | ${v} |`).join('\n');
  await installBundled(run, 'G', {
    id: 'edges2handbags',
    name: 'Edges to handbags',
    kind: 'pix2pix',
    description: 'Turns an edge sketch (dark lines on white) into a handbag. Trained on rendered handbags.',
    preferredSize: 128,
    card: `# Edges to handbags

**What it is.** A pix2pix generator (unet_128, ngf ${settings.ngf}, batch norm, ${parameterCount(run, 'G').toLocaleString('en-US')} parameters)
trained by GAN Studio's own trainer: draw a handbag's outline (dark strokes on white) and get a handbag.

**Trained on.** ${EDGES2HANDBAGS.train} procedurally rendered handbags (\`models/recipes/shared/handbag-renderer.ts\`); the inputs are
edge maps the engine's edge detector derives from them (\`gan-studio train --edges\`), ${loadSize} px resized, random
${size} px crops and flips. ${settings.iterations} iterations, batch 1, Adam lr 2e-4 (linear decay over the second half),
conditional PatchGAN ndf ${settings.ndf} + 100 x L1; seed ${o.seed}; ${minutes(seconds)} of training on the ${provider} provider
(${minutes(dataSeconds)} to render the data, ${minutes(totalSeconds)} in all). Rerun: \`npm run recipe -- edges2handbags\`.

**Held-out evaluation** (${EDGES2HANDBAGS.heldOut} handbags never seen in training, ${size} px, against the true render):

| measure | value |
| --- | --- |
${table}

**Limits.** Trained on rendered handbags at ${size} px: expect illustration-like bags, best at about this size; fine-tune it
on your own handbag photos for better ones (\`gan-studio train --mode pix2pix --edges --a photos/ --from edges2handbags\`).

![samples](../../docs/models/edges2handbags.png)

Licence: MIT. Source: GAN Studio's own recipe and rendered data.
`,
  });
  return { ...evaluation, grid, 'training time': minutes(seconds), iterations: String(settings.iterations), provider };
}
