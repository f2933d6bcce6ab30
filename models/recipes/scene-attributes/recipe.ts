import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttributeSpec } from '../../../electron/contract/models.js';
import { trainSettings } from '../../../electron/engine/training/train-settings.js';
import { l1, mean, ssim, type RgbImage } from '../shared/metrics.js';
import {
  generate,
  installBundled,
  lcg,
  minutes,
  parameterCount,
  trainToEnd,
  translateWithRun,
  writeDocsGrid,
  writeRgbPng,
  type RecipeOptions,
} from '../shared/recipe-kit.js';
import { randomSceneLayout, renderScene, type SceneConditions } from '../shared/scene-renderer.js';

/**
 * scene-attributes: a conditional generator (StarGAN family) with three sliders, time of day,
 * snow and fog, each 0..1. Pairs are exact: the same layout rendered plain (midday, clear) as
 * the input and under random conditions as the target, the conditions in attributes.csv.
 * Evaluated on held-out layouts against the true render at the asked conditions, and against
 * the trivial baseline (the plain input).
 */
export const SCENE_ATTRIBUTES = { layouts: 200, targetsPerLayout: 2, heldOut: 16, size: 96, loadSize: 102, iterations: 3200 } as const;

export const ATTRIBUTES: AttributeSpec[] = [
  { name: 'time_of_day', label: 'Time of day (midday to night)', min: 0, max: 1, default: 0 },
  { name: 'snow', label: 'Snow', min: 0, max: 1, default: 0 },
  { name: 'fog', label: 'Fog', min: 0, max: 1, default: 0 },
];

const layoutSeed = (seed: number, i: number): number => seed * 104_729 + i + 7;
const HELD_OUT_BASE = 70_000;
const PLAIN: SceneConditions = { timeOfDay: 0, snow: 0, fog: 0 };
const vector = (c: SceneConditions): Float32Array => Float32Array.of(c.timeOfDay, c.snow, c.fog);

export async function sceneAttributes(o: RecipeOptions): Promise<Record<string, string>> {
  const started = performance.now();
  const { size, loadSize } = SCENE_ATTRIBUTES;
  const dirA = join(o.work, 'plain');
  const dirB = join(o.work, 'conditioned');
  await mkdir(dirA, { recursive: true });
  await mkdir(dirB, { recursive: true });
  const uniform = lcg(o.seed * 31 + 5);
  // Half the targets change one attribute only, so each slider is also seen on its own.
  const randomConditions = (): SceneConditions => {
    if (uniform() < 0.5) {
      const which = Math.floor(uniform() * 3);
      const v = uniform();
      return { timeOfDay: which === 0 ? v : 0, snow: which === 1 ? v : 0, fog: which === 2 ? v : 0 };
    }
    return { timeOfDay: uniform(), snow: uniform() < 0.5 ? 0 : uniform(), fog: uniform() < 0.5 ? 0 : uniform() };
  };
  const rows = ['file,time_of_day,snow,fog'];
  await generate('scene pairs', SCENE_ATTRIBUTES.layouts, async (i) => {
    const layout = randomSceneLayout(layoutSeed(o.seed, i));
    const plain = { rgb: await renderScene(layout, PLAIN, loadSize), width: loadSize, height: loadSize };
    for (let k = 0; k < SCENE_ATTRIBUTES.targetsPerLayout; k++) {
      const name = `${String(i).padStart(4, '0')}-${k}.png`;
      const c = randomConditions();
      await writeRgbPng(join(dirA, name), plain);
      await writeRgbPng(join(dirB, name), { rgb: await renderScene(layout, c, loadSize), width: loadSize, height: loadSize });
      rows.push(`${name},${c.timeOfDay.toFixed(4)},${c.snow.toFixed(4)},${c.fog.toFixed(4)}`);
    }
  });
  await writeFile(join(dirB, 'attributes.csv'), `${rows.join('\n')}\n`);
  const dataSeconds = (performance.now() - started) / 1000;

  const settings = trainSettings({
    mode: 'conditional',
    dataA: dirA,
    dataB: dirB,
    ngf: 16,
    ndf: 32,
    iterations: o.iterations ?? SCENE_ATTRIBUTES.iterations,
    size,
    loadSize,
    seed: o.seed,
    sampleEvery: 200,
    checkpointEvery: 200,
    name: 'scene-attributes',
    device: o.device,
  });
  const { run, seconds, provider } = await trainToEnd(settings, o.work, o.threads);

  const plains: RgbImage[] = [];
  const truths: RgbImage[] = [];
  const conditions: Float32Array[] = [];
  for (let i = 0; i < SCENE_ATTRIBUTES.heldOut; i++) {
    const layout = randomSceneLayout(layoutSeed(o.seed, HELD_OUT_BASE + i));
    const c = randomConditions();
    plains.push({ rgb: await renderScene(layout, PLAIN, size), width: size, height: size });
    truths.push({ rgb: await renderScene(layout, c, size), width: size, height: size });
    conditions.push(vector(c));
  }
  const outputs = await translateWithRun(run, 'G', plains, conditions);
  const modelL1 = mean(outputs.map((y, i) => l1(y, truths[i] ?? y)));
  const baseL1 = mean(plains.map((x, i) => l1(x, truths[i] ?? x)));
  const evaluation = {
    'L1 (8-bit levels), model': modelL1.toFixed(2),
    'L1, trivial baseline (the plain input)': baseL1.toFixed(2),
    'L1 ratio model / baseline': (modelL1 / baseL1).toFixed(3),
    'SSIM, model': mean(outputs.map((y, i) => ssim(y, truths[i] ?? y))).toFixed(3),
    'SSIM, trivial baseline': mean(plains.map((x, i) => ssim(x, truths[i] ?? x))).toFixed(3),
  };
  const totalSeconds = (performance.now() - started) / 1000;
  process.stderr.write(`scene-attributes: ${JSON.stringify(evaluation, null, 1)}\n`);
  if (!o.install) return evaluation;

  // Five steps per slider on two held-out layouts: one row per (layout, attribute).
  const steps = [0, 0.25, 0.5, 0.75, 1];
  const gridRows: RgbImage[][] = [];
  for (const layoutIndex of [0, 1]) {
    const plain = plains[layoutIndex];
    if (plain === undefined) continue;
    for (let a = 0; a < 3; a++) {
      const conds = steps.map((v) => Float32Array.from([0, 0, 0].map((_, k) => (k === a ? v : 0))));
      gridRows.push(await translateWithRun(run, 'G', conds.map(() => plain), conds));
    }
  }
  const grid = await writeDocsGrid('scene-attributes', gridRows);
  const table = Object.entries(evaluation).map(([k, v]) => `| ${k} | ${v} |`).join('\n');
  await installBundled(run, 'G', {
    id: 'scene-attributes',
    name: 'Scene attributes',
    kind: 'conditional',
    description: 'Sliders for time of day, snow and fog (each 0..1) on a daytime scene. Trained on rendered scenes.',
    attributes: ATTRIBUTES,
    preferredSize: 128,
    card: `# Scene attributes

**What it is.** A conditional generator (StarGAN family: the three slider values are repeated over the image and
given to the network with it; conv_dim ${settings.ngf}, 6 residual blocks, ${parameterCount(run, 'G').toLocaleString('en-US')} parameters) trained by
GAN Studio's own conditional trainer (pix2pix losses, the discriminator also sees the sliders). Sliders:
time of day (0 midday .. 1 night), snow and fog (0 none .. 1 full), each 0..1.

**Trained on.** ${SCENE_ATTRIBUTES.layouts} procedurally rendered scene layouts (\`models/recipes/shared/scene-renderer.ts\`), each
rendered plain (midday, clear) as the input and under ${SCENE_ATTRIBUTES.targetsPerLayout} random slider settings as targets
(half of them moving a single slider), ${loadSize} px resized, random ${size} px crops and flips. ${settings.iterations} iterations,
batch 1, Adam lr 2e-4 (linear decay over the second half), GAN + 100 x L1, PatchGAN ndf ${settings.ndf}; seed ${o.seed};
${minutes(seconds)} of training on the ${provider} provider (${minutes(dataSeconds)} to render the data, ${minutes(totalSeconds)} in all).
Rerun: \`npm run recipe -- scene-attributes\`.

**Held-out evaluation** (${SCENE_ATTRIBUTES.heldOut} layouts never seen in training, random slider settings, ${size} px,
against the true render at those settings):

| measure | value |
| --- | --- |
${table}

**Limits.** Trained on rendered daytime scenes at ${size} px: expect illustration-like results on photos; fine-tune it on
your own pairs for better ones (\`gan-studio train --mode conditional --from scene-attributes\`).

![five steps of each slider on two held-out scenes](../../docs/models/scene-attributes.png)

Licence: MIT. Source: GAN Studio's own recipe and rendered data.
`,
  });
  return { ...evaluation, grid, 'training time': minutes(seconds), iterations: String(settings.iterations), provider };
}
