import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { machineLine } from '../../../bench/benchmarks-file.js';
import type { Upsampling } from '../../../electron/contract/training.js';
import { trainSettings } from '../../../electron/engine/training/train-settings.js';
import { colourStats, mean, type RgbImage } from '../shared/metrics.js';
import {
  generate,
  installBundled,
  lcg,
  minutes,
  parameterCount,
  readRgb,
  repoPath,
  trainToEnd,
  translateWithModel,
  translateWithRun,
  writeDocsGrid,
  writeRgbPng,
  type RecipeOptions,
} from '../shared/recipe-kit.js';
import { randomSceneLayout, renderScene } from '../shared/scene-renderer.js';

/**
 * day2night: a CycleGAN trained on unpaired halves of the rendered scenes (one set of layouts
 * by day, a different set by night), exported in both directions (night2day is the reverse).
 * Evaluated on held-out layouts: the luminance and colour of translated day renders against
 * the true night renders of the same layouts.
 */
export const DAY2NIGHT = {
  trainLayouts: 240,
  heldOut: 16,
  size: 96,
  loadSize: 107,
  iterations: 2000,
  /**
   * The bundled models' transposed convs. 'resize' (nearest x2 + 3 x 3 conv) was tried on
   * 2026-12-03 (1000 iterations, 96 px crops of 128 px renders): no checkerboard, but real
   * photos still scored grid median 17.8 from the lit-window texture it paints (docs/BENCHMARKS.md).
   */
  upsample: 'transposed' as Upsampling,
} as const;

const layoutSeed = (seed: number, i: number): number => seed * 100_003 + i;
const HELD_OUT_BASE = 50_000;

export async function day2night(o: RecipeOptions): Promise<Record<string, string>> {
  const started = performance.now();
  const { size, loadSize } = DAY2NIGHT;
  const dirA = join(o.work, 'day');
  const dirB = join(o.work, 'night');
  await mkdir(dirA, { recursive: true });
  await mkdir(dirB, { recursive: true });
  // Unpaired: the day half and the night half are different layouts.
  const half = DAY2NIGHT.trainLayouts / 2;
  const uniform = lcg(o.seed);
  await generate('day renders', half, async (i) => {
    const img = await renderScene(randomSceneLayout(layoutSeed(o.seed, i)), { timeOfDay: 0.15 * uniform(), snow: 0, fog: 0 }, loadSize);
    await writeRgbPng(join(dirA, `${String(i).padStart(4, '0')}.png`), { rgb: img, width: loadSize, height: loadSize });
  });
  await generate('night renders', half, async (i) => {
    const img = await renderScene(randomSceneLayout(layoutSeed(o.seed, half + i)), { timeOfDay: 0.88 + 0.12 * uniform(), snow: 0, fog: 0 }, loadSize);
    await writeRgbPng(join(dirB, `${String(i).padStart(4, '0')}.png`), { rgb: img, width: loadSize, height: loadSize });
  });
  const dataSeconds = (performance.now() - started) / 1000;

  const settings = trainSettings({
    mode: 'cyclegan',
    dataA: dirA,
    dataB: dirB,
    arch: 'resnet_6blocks',
    upsample: DAY2NIGHT.upsample,
    ngf: 16,
    ndf: 24,
    iterations: o.iterations ?? DAY2NIGHT.iterations,
    size,
    loadSize,
    seed: o.seed,
    sampleEvery: 200,
    checkpointEvery: 200,
    name: 'day2night',
    device: o.device,
  });
  const { run, seconds, provider } = await trainToEnd(settings, o.work, o.threads, o.resume);

  const translate = (netId: string) => (images: RgbImage[]): Promise<RgbImage[]> => translateWithRun(run, netId, images);
  const { evaluation, days, translated, nights, back } = await evaluateDay2Night(o.seed, dirB, translate('G_A'), translate('G_B'));
  const totalSeconds = (performance.now() - started) / 1000;
  process.stderr.write(`day2night: ${JSON.stringify(evaluation, null, 1)}\n`);
  if (!o.install) return evaluation;

  const grid = await writeDocsGrid('day2night', days.slice(0, 4).map((d, i) => [d, translated[i] ?? d, nights[i] ?? d, back[i] ?? d]));
  const table = Object.entries(evaluation).map(([k, v]) => `| ${k} | ${v} |`).join('\n');
  const card = (direction: string, other: string): string => `# ${direction === 'day2night' ? 'Day to night' : 'Night to day'}

**What it is.** A CycleGAN generator (resnet_6blocks, ngf ${settings.ngf}, ${parameterCount(run, direction === 'day2night' ? 'G_A' : 'G_B').toLocaleString('en-US')} parameters${DAY2NIGHT.upsample === 'resize' ? ',\nresize-then-convolve upsampling: nearest x2 and a 3 x 3 conv instead of transposed convs' : ''})
trained by GAN Studio's own trainer, ${direction === 'day2night' ? 'turning day scenes into night' : 'turning night scenes into day'}. Its
reverse is \`${other}\`.

**Trained on.** Procedurally rendered illustration-style scenes (\`models/recipes/shared/scene-renderer.ts\`):
${half} layouts by day and ${half} other layouts by night, unpaired, ${loadSize} px resized, random ${size} px crops and flips.
${settings.iterations} iterations, batch 1, Adam lr 2e-4 (linear decay over the second half), LSGAN + cycle x 10 +
identity x 5, PatchGAN ndf ${settings.ndf}; seed ${o.seed}; ${minutes(seconds)} of training on the ${provider} provider
(${machineLine()}, shared with other jobs: load average ${loadavg()[0]?.toFixed(0)} at the end)
(${minutes(dataSeconds)} to render the data, ${minutes(totalSeconds)} in all). Rerun: \`npm run recipe -- day2night\`.

**Held-out evaluation** (${DAY2NIGHT.heldOut} layouts never seen in training, ${size} px):

| measure | value |
| --- | --- |
${table}

**Limits.** Trained on rendered scenes: expect illustration-like results on photos; fine-tune it
on your own photos for better ones (\`gan-studio train --mode cyclegan --from day2night --from-b night2day\`).

![samples](../../docs/models/day2night.png)

Licence: MIT. Source: GAN Studio's own recipe and rendered data.
`;
  await installBundled(run, 'G_A', {
    id: 'day2night',
    name: 'Day to night',
    kind: 'cyclegan',
    description: 'Turns day scenes into night: dark skies, lit windows, lamps. Trained on rendered scenes.',
    reverse: 'night2day',
    preferredSize: 256,
    card: card('day2night', 'night2day'),
  });
  await installBundled(run, 'G_B', {
    id: 'night2day',
    name: 'Night to day',
    kind: 'cyclegan',
    description: 'Turns night scenes into day. The reverse of day2night, trained with it.',
    reverse: 'day2night',
    preferredSize: 256,
    card: card('night2day', 'day2night'),
  });
  return { ...evaluation, grid, 'training time': minutes(seconds), iterations: String(settings.iterations), provider };
}

/**
 * Held-out evaluation: held-out layouts by day (timeOfDay 0.05) through day2night, compared
 * with the rendered night set the model learnt from (its luminance range; every image of it)
 * and with the same held-out layouts rendered at night (the night set's times, 0.88..1).
 */
export async function evaluateDay2Night(
  seed: number,
  nightSetDir: string,
  toNight: (images: RgbImage[]) => Promise<RgbImage[]>,
  toDay: (images: RgbImage[]) => Promise<RgbImage[]>,
): Promise<{ evaluation: Record<string, string>; days: RgbImage[]; translated: RgbImage[]; nights: RgbImage[]; back: RgbImage[] }> {
  const { size } = DAY2NIGHT;
  const uniform = lcg(seed * 97 + 13);
  const days: RgbImage[] = [];
  const nights: RgbImage[] = [];
  for (let i = 0; i < DAY2NIGHT.heldOut; i++) {
    const layout = randomSceneLayout(layoutSeed(seed, HELD_OUT_BASE + i));
    days.push({ rgb: await renderScene(layout, { timeOfDay: 0.05, snow: 0, fog: 0 }, size), width: size, height: size });
    nights.push({ rgb: await renderScene(layout, { timeOfDay: 0.88 + 0.12 * uniform(), snow: 0, fog: 0 }, size), width: size, height: size });
  }
  const nightSet = await Promise.all((await readdir(nightSetDir)).filter((f) => f.endsWith('.png')).sort().map((f) => readRgb(join(nightSetDir, f), size)));
  const translated = await toNight(days);
  const back = await toDay(nights);
  const luma = (imgs: RgbImage[]): number[] => imgs.map((i) => colourStats(i).luma);
  const setLuma = luma(nightSet);
  const outLuma = luma(translated);
  const range = { min: Math.min(...setLuma), max: Math.max(...setLuma) };
  const inRange = outLuma.filter((l) => l >= range.min && l <= range.max).length;
  const blueRatio = (imgs: RgbImage[]): number => mean(imgs.map((i) => colourStats(i)).map((s) => s.b / Math.max(1, s.r)));
  const evaluation = {
    'day inputs, mean luma': mean(luma(days)).toFixed(1),
    'translated (day2night), mean luma': mean(outLuma).toFixed(1),
    'translated, luma range': `${Math.min(...outLuma).toFixed(1)} .. ${Math.max(...outLuma).toFixed(1)}`,
    [`rendered night set (${nightSet.length} images), mean luma`]: mean(setLuma).toFixed(1),
    'rendered night set, luma range': `${range.min.toFixed(1)} .. ${range.max.toFixed(1)}`,
    'translated inside the night set\'s range': `${inRange} of ${outLuma.length}`,
    'same layouts rendered at night, mean luma': mean(luma(nights)).toFixed(1),
    'blue/red ratio: day / translated / night': `${blueRatio(days).toFixed(2)} / ${blueRatio(translated).toFixed(2)} / ${blueRatio(nights).toFixed(2)}`,
    'night2day on those night renders, mean luma': mean(luma(back)).toFixed(1),
  };
  return { evaluation, days, translated, nights, back };
}

/**
 * `npm run recipe -- day2night --evaluate-only --work DIR`: runs the held-out evaluation on the
 * installed models/day2night and models/night2day (the night set is read from DIR/night) and
 * rewrites the evaluation tables of their cards and the sample grid, without training.
 */
export async function reevaluateDay2Night(o: RecipeOptions): Promise<Record<string, string>> {
  const translate = (id: string) => async (images: RgbImage[]): Promise<RgbImage[]> => translateWithModel(repoPath('models', id), images);
  const { evaluation, days, translated, nights, back } = await evaluateDay2Night(o.seed, join(o.work, 'night'), translate('day2night'), translate('night2day'));
  process.stderr.write(`day2night: ${JSON.stringify(evaluation, null, 1)}\n`);
  const grid = await writeDocsGrid('day2night', days.slice(0, 4).map((d, i) => [d, translated[i] ?? d, nights[i] ?? d, back[i] ?? d]));
  const table = Object.entries(evaluation).map(([k, v]) => `| ${k} | ${v} |`).join('\n');
  for (const id of ['day2night', 'night2day']) {
    const path = repoPath('models', id, 'card.md');
    const card = await readFile(path, 'utf8');
    await writeFile(path, card.replace(/\| measure \| value \|\n\| --- \| --- \|\n(?:\|.*\|\n)+/, `| measure | value |\n| --- | --- |\n${table}\n`));
  }
  return { ...evaluation, grid };
}
