import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { machineLine } from '../../../bench/benchmarks-file.js';
import type { TrainSettings, Upsampling } from '../../../electron/contract/training.js';
import { trainSettings } from '../../../electron/engine/training/train-settings.js';
import type { TrainingRun } from '../../../electron/engine/training/training-run.js';
import { colourStats, mean, type RgbImage } from '../shared/metrics.js';
import {
  afterResume,
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
import { nightGrade, randomNightLook } from '../shared/photo-grades.js';
import { fetchPhotoPackages, photoCrops, TRAINING_DAY_PHOTOS } from '../shared/real-photos.js';
import { randomSceneLayout, renderSceneImage } from '../shared/scene-renderer.js';

/**
 * day2night and night2day: two generators of the CycleGAN family (so they fine-tune together as
 * a CycleGAN), each trained on its own on pairs: crops of real daytime photographs (several
 * scales, fetched from Debian packages) and rendered day scenes, each with its day-for-night
 * grade (photo-grades.ts); night2day also on rendered nights with the same layouts by day. No
 * photo of the real evaluation set (evaluate-real) is among them. Trained unpaired, as a
 * CycleGAN, the generator hid the day photo in a high-frequency pattern (docs/BENCHMARKS.md).
 * Evaluated on held-out rendered layouts: the luminance and colour of translated day renders
 * against the rendered night scenes of the same layouts.
 */
export const DAY2NIGHT = {
  heldOut: 16,
  size: 96,
  loadSize: 107,
  /** Per direction: day2night's fine texture settles late (grid median 4.80 at 2000, 2.93 at 4000, 1.68 at 8000). */
  iterations: { day2night: 8000, night2day: 4000 } satisfies Record<Direction, number>,
  /**
   * `--continue`: more iterations from the bundled model at half the learning rate (the run from
   * scratch decayed it to zero). day2night's worst grid score went from 5.91 to 4.06 with 4000
   * more; night2day's got worse (median 3.23 to 9.02 with 6000 more: a fresh discriminator
   * pushed texture in), so it has none and is trained from scratch for longer instead.
   */
  continuation: { iterations: { day2night: 4000 } as Partial<Record<Direction, number>>, lr: 1e-4 },
  /** Rendered day scenes with their grade (twice this many pairs). */
  renders: 60,
  /** Rendered night scenes the held-out evaluation compares with (not trained on). */
  nightSet: 120,
  /** Shorter side of the photos each crop is cut from: coarse shapes to the fine texture of a 512 px photo. */
  cropScales: [128, 224, 384, 576],
  cropsPerScale: 4,
  /**
   * Resize-then-convolve (nearest x2 + 3 x 3 conv): the transposed convs of the first starters
   * left a checkerboard on every photo (grid median 12.9 on the real set, docs/BENCHMARKS.md).
   */
  upsample: 'resize' as Upsampling,
} as const;

const layoutSeed = (seed: number, i: number): number => seed * 100_003 + i;
const PHOTO_TRAINED = {
  source: "models/recipes/day2night (trained by GAN Studio's own trainer on photographs from Debian's wallpaper packages and on rendered scenes)",
  licence: 'MIT (weights trained by the GAN Studio project; the training photographs are under their packages\' free licences and are not distributed)',
};
const HELD_OUT_BASE = 50_000;
const NIGHT_SET_BASE = 20_000;
const RENDERED_NIGHT_BASE = 30_000;
const pad = (i: number): string => String(i).padStart(4, '0');

/** Pairs for the paired training: every training photo's crops and rendered days, each with its day-for-night grade. */
async function writePairedData(o: RecipeOptions, dirs: { day: string; night: string }): Promise<{ photos: number; crops: number; renders: number }> {
  const { loadSize, renders } = DAY2NIGHT;
  for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
  const photos = join(o.work, 'photos');
  await fetchPhotoPackages(photos, TRAINING_DAY_PHOTOS);
  const uniform = lcg(o.seed * 7 + 3);
  const crops = await photoCrops(photos, TRAINING_DAY_PHOTOS, DAY2NIGHT.cropScales, DAY2NIGHT.cropsPerScale, loadSize, uniform);
  for (const [i, { crop }] of crops.entries()) {
    await writeRgbPng(join(dirs.day, `photo-${pad(i)}.png`), crop);
    await writeRgbPng(join(dirs.night, `photo-${pad(i)}.png`), nightGrade(crop, 1, randomNightLook(uniform)));
  }
  // Rendered days under the same grade: a rendered night's lit windows taught the generator to
  // scatter warm specks over every texture of a photo (grass, water, fur).
  await generate('render pairs', 2 * renders, async (i) => {
    const day = await renderSceneImage(randomSceneLayout(layoutSeed(o.seed, i)), { timeOfDay: 0.15 * uniform(), snow: 0, fog: 0 }, loadSize);
    await writeRgbPng(join(dirs.day, `render-${pad(i)}.png`), day);
    await writeRgbPng(join(dirs.night, `render-${pad(i)}.png`), nightGrade(day, 1, randomNightLook(uniform)));
  });
  return { photos: TRAINING_DAY_PHOTOS.length, crops: crops.length, renders: 2 * renders };
}

/**
 * night2day's pairs: day2night's pairs the other way round, rendered nights (lit windows, night
 * skies) with the same layouts by day, so that a real night, not only a graded day, turns back
 * into day, and the day photos as their own targets. Day2night never sees these: the windows
 * are what it should not learn.
 */
async function writeNightToDayData(o: RecipeOptions, paired: { day: string; night: string }, dirs: { day: string; night: string }): Promise<number> {
  const { loadSize, renders } = DAY2NIGHT;
  for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
  for (const name of (await readdir(paired.day)).filter((f) => f.endsWith('.png'))) {
    await copyFile(join(paired.day, name), join(dirs.day, name));
    await copyFile(join(paired.night, name), join(dirs.night, name));
    // A day photo given to night2day stays as it is: trained on nights alone, it pushed an
    // already bright photo on to garish colour and a grid (median 5.36 on the day photos, 2026-12-04).
    if (name.startsWith('photo-')) {
      await copyFile(join(paired.day, name), join(dirs.day, `already-day-${name}`));
      await copyFile(join(paired.day, name), join(dirs.night, `already-day-${name}`));
    }
  }
  const uniform = lcg(o.seed * 11 + 5);
  await generate('rendered night pairs', renders, async (i) => {
    const layout = randomSceneLayout(layoutSeed(o.seed, RENDERED_NIGHT_BASE + i));
    const at = (timeOfDay: number): Promise<RgbImage> => renderSceneImage(layout, { timeOfDay, snow: 0, fog: 0 }, loadSize);
    await writeRgbPng(join(dirs.day, `night-render-${pad(i)}.png`), await at(0.15 * uniform()));
    await writeRgbPng(join(dirs.night, `night-render-${pad(i)}.png`), await at(0.88 + 0.12 * uniform()));
  });
  return renders;
}

/** Rendered night scenes the held-out evaluation compares with (not trained on). */
async function writeNightSet(o: RecipeOptions, dir: string): Promise<void> {
  const { loadSize } = DAY2NIGHT;
  await mkdir(dir, { recursive: true });
  const uniform = lcg(o.seed);
  await generate('night set', DAY2NIGHT.nightSet, async (i) => {
    const layout = randomSceneLayout(layoutSeed(o.seed, NIGHT_SET_BASE + i));
    await writeRgbPng(join(dir, `${pad(i)}.png`), await renderSceneImage(layout, { timeOfDay: 0.88 + 0.12 * uniform(), snow: 0, fog: 0 }, loadSize));
  });
}

/** One direction of the paired training: pix2pix losses on the resnet generator of the CycleGAN family. */
async function trainPairedDirection(o: RecipeOptions, name: Direction, dirs: { from: string; to: string }): Promise<Trained> {
  const settings = trainSettings({
    mode: 'pix2pix',
    dataA: dirs.from,
    dataB: dirs.to,
    arch: 'resnet_6blocks',
    norm: 'instance',
    upsample: DAY2NIGHT.upsample,
    ngf: 16,
    ndf: 24,
    iterations: o.iterations ?? (o.continue === true ? DAY2NIGHT.continuation.iterations[name] : undefined) ?? DAY2NIGHT.iterations[name],
    ...(o.continue === true ? { from: name, lr: DAY2NIGHT.continuation.lr } : {}),
    size: DAY2NIGHT.size,
    loadSize: DAY2NIGHT.loadSize,
    seed: o.seed,
    sampleEvery: 200,
    checkpointEvery: 200,
    name,
    device: o.device,
  });
  return { ...(await trainToEnd(settings, join(o.work, name), o.threads, o.resume)), settings };
}

export async function day2night(o: RecipeOptions): Promise<Record<string, string>> {
  const started = performance.now();
  const { size, loadSize } = DAY2NIGHT;
  const dayDir = join(o.work, 'day');
  const nightDir = join(o.work, 'night');
  const nightSetDir = join(o.work, 'night-set');
  const counts = await writePairedData(o, { day: dayDir, night: nightDir });
  const backDirs = { day: join(o.work, 'night2day-day'), night: join(o.work, 'night2day-night') };
  const renderedNights = await writeNightToDayData(o, { day: dayDir, night: nightDir }, backDirs);
  await writeNightSet(o, nightSetDir);
  const dataSeconds = (performance.now() - started) / 1000;

  const data: Record<Direction, { from: string; to: string }> = { day2night: { from: dayDir, to: nightDir }, night2day: { from: backDirs.night, to: backDirs.day } };
  const trained = new Map<Direction, Trained>();
  for (const name of directionsToTrain(o)) trained.set(name, await trainPairedDirection(o, name, data[name]));
  const runs = [...trained.values()];
  const { settings, provider } = runs[0] ?? fail('nothing to train');
  const seconds = runs.reduce((sum, t) => sum + t.seconds, 0);

  // A direction not trained by this run is the bundled model.
  const translate = (name: Direction) => (images: RgbImage[]): Promise<RgbImage[]> => {
    const t = trained.get(name);
    return t === undefined ? translateWithModel(repoPath('models', name), images) : translateWithRun(t.run, 'G', images);
  };
  const { evaluation, days, translated, nights, back } = await evaluateDay2Night(o.seed, nightSetDir, translate('day2night'), translate('night2day'));
  const totalSeconds = (performance.now() - started) / 1000;
  process.stderr.write(`day2night: ${JSON.stringify(evaluation, null, 1)}\n`);
  if (!o.install) return evaluation;

  const grid = await writeDocsGrid('day2night', days.slice(0, 4).map((d, i) => [d, translated[i] ?? d, nights[i] ?? d, back[i] ?? d]));
  const table = Object.entries(evaluation).map(([k, v]) => `| ${k} | ${v} |`).join('\n');
  const card = (direction: Direction, { run, settings: own }: Trained): string => `# ${direction === 'day2night' ? 'Day to night' : 'Night to day'}

**What it is.** A generator of the CycleGAN family (resnet_6blocks, ngf ${settings.ngf}, instance norm, resize-then-convolve
upsampling: nearest x2 and a 3 x 3 conv instead of transposed convs; ${parameterCount(run, 'G').toLocaleString('en-US')} parameters) trained by GAN
Studio's own trainer, ${direction === 'day2night' ? 'turning day photos and scenes into night' : 'turning night photos and scenes into day'}. Its reverse is
\`${direction === 'day2night' ? 'night2day' : 'day2night'}\`; the two fine-tune together as a CycleGAN (\`gan-studio train --mode cyclegan --from day2night --from-b night2day\`).

**Trained on.** Pairs, each direction on its own (pix2pix losses: GAN + 100 x L1, PatchGAN ndf ${settings.ndf}):
${counts.crops} crops of ${counts.photos} real daytime photos from Debian's wallpaper packages (\`TRAINING_DAY_PHOTOS\` in
\`models/recipes/shared/real-photos.ts\`; ${DAY2NIGHT.cropsPerScale} random ${loadSize} px crops of each at shorter sides of ${DAY2NIGHT.cropScales.join(', ')} px),
each with its day-for-night grade (\`photo-grades.ts\`: 2 to 3 stops under, highlights held down, colour drained and
moved to blue, each crop its own exposure and tint), and ${counts.renders} rendered day scenes with the same grade (pairs of
rendered days and nights taught it to scatter the nights' lit windows over photos as warm specks); night2day learns the
same pairs the other way round, ${renderedNights} rendered nights with the same layouts by day, and the ${counts.crops} photo crops as their own
targets (a photo that is already day stays as it is). None of the photos of the real evaluation set is among them. Random ${size} px crops and flips;
${trainedFor(direction, own)}; seed ${o.seed};
${minutes(seconds)} of training${trained.size > 1 ? ' for both directions' : ''} on the ${provider} provider (${machineLine()}, shared with other jobs:
load average ${loadavg()[0]?.toFixed(0)} at the end; ${minutes(dataSeconds)} to fetch, cut and render the data, ${minutes(totalSeconds)} in all${afterResume(o)}).
Rerun: \`npm run recipe -- day2night --only ${direction}\`${own.from === undefined ? '' : ', then again with `--continue`'}.

Why pairs: trained as a CycleGAN on the same photos (unpaired, 2026-12-04), the generator hid the day photo in a
fine high-frequency pattern to pass the cycle loss through a dark image (grid-artifact median 26 to 52 on the real set
at 2,000 to 2,200 iterations); with the graded photo as its target it has nothing to hide.

**Held-out evaluation** (${DAY2NIGHT.heldOut} layouts never seen in training, ${size} px):

| measure | value |
| --- | --- |
${table}

**Limits.** It learnt a night look (the grade), not night light: lamps and windows do not light up. Fine-tune it
on your own day and night photos for that.

![held-out scenes: day, day2night, the true night, night2day](../../docs/models/day2night.png)

Licence: MIT. Source: GAN Studio's own recipe; its photographs come from Debian's wallpaper packages under their own free licences (the recipe downloads them, none is in the repository).
`;
  const toNight = trained.get('day2night');
  if (toNight !== undefined) await installBundled(toNight.run, 'G', {
    id: 'day2night',
    name: 'Day to night',
    kind: 'cyclegan',
    description: 'Turns day photos into night: darker, moonlit blue, the highlights held down. Trained on photos and rendered scenes.',
    reverse: 'night2day',
    preferredSize: 256,
    card: card('day2night', toNight),
    trainedOn: PHOTO_TRAINED,
  });
  const toDay = trained.get('night2day');
  if (toDay !== undefined) await installBundled(toDay.run, 'G', {
    id: 'night2day',
    name: 'Night to day',
    kind: 'cyclegan',
    description: 'Turns night photos and scenes into day. The reverse of day2night.',
    reverse: 'day2night',
    preferredSize: 256,
    card: card('night2day', toDay),
    trainedOn: PHOTO_TRAINED,
  });
  const iterations = [...trained].map(([name, t]) => `${name} ${t.settings.iterations}${t.settings.from === undefined ? '' : ' (continued)'}`).join(', ');
  return { ...evaluation, grid, 'training time': minutes(seconds), iterations, provider };
}

type Direction = 'day2night' | 'night2day';
type Trained = { run: TrainingRun; seconds: number; provider: string; settings: TrainSettings };
const DIRECTIONS: readonly Direction[] = ['day2night', 'night2day'];
const fail = (why: string): never => {
  throw new Error(`day2night recipe: ${why}`);
};

/** `--only` picks one direction; `--continue` continues those with a continuation (the others stay as bundled). */
function directionsToTrain(o: RecipeOptions): Direction[] {
  if (o.only !== undefined && !DIRECTIONS.includes(o.only as Direction)) fail(`--only takes ${DIRECTIONS.join(' or ')}, got ${o.only}`);
  const chosen = DIRECTIONS.filter((name) => o.only === undefined || o.only === name);
  const continued = chosen.filter((name) => o.continue !== true || DAY2NIGHT.continuation.iterations[name] !== undefined);
  if (continued.length === 0) fail(`${chosen.join(', ')} has no continuation: it is trained from scratch`);
  return continued;
}

/** The card's account of a direction's iterations: from scratch, or from scratch and then continued. */
function trainedFor(name: Direction, own: TrainSettings): string {
  const schedule = 'batch 1, Adam (linear decay of the rate over the second half of each run)';
  if (own.from === undefined) return `${own.iterations} iterations at lr ${own.lr}, ${schedule}`;
  return `${DAY2NIGHT.iterations[name]} iterations from scratch at lr 2e-4, then ${own.iterations} more from that model at lr ${own.lr} with a fresh discriminator (\`--continue\`), ${schedule}; the training time below is the continuation's`;
}

/**
 * Held-out evaluation: held-out layouts by day (timeOfDay 0.05) through day2night, compared
 * with a set of rendered night scenes (its luminance range; every image of it)
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
    days.push(await renderSceneImage(layout, { timeOfDay: 0.05, snow: 0, fog: 0 }, size));
    nights.push(await renderSceneImage(layout, { timeOfDay: 0.88 + 0.12 * uniform(), snow: 0, fog: 0 }, size));
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
  const { evaluation, days, translated, nights, back } = await evaluateDay2Night(o.seed, join(o.work, 'night-set'), translate('day2night'), translate('night2day'));
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
