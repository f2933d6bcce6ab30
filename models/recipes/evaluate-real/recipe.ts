import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { median } from '../../../bench/benchmarks-file.js';
import { rasteriseSvg } from '../shared/rasterise.js';
import { colourStats, lumaCorrelation, mean, type RgbImage } from '../shared/metrics.js';
import { repoPath, translateWithModel, writeDocsGrid, writeRgbPng, type RecipeOptions } from '../shared/recipe-kit.js';
import { gridScores } from './grid-score.js';
import { fromWhite, outlineRegions } from './outline-regions.js';
import { DAY_PHOTOS, fetchPhotoPackages, NIGHT_PHOTOS, readPhoto, type RealPhoto } from '../shared/real-photos.js';

/**
 * `npm run recipe -- evaluate-real`: every starter on real material the project did not make.
 * Photographs from Debian packages (fetched into the work folder, never committed) at 512 px
 * for the scene models; outlines drawn by hand as SVG (evaluate-real/outlines) at 256 px for
 * edges2handbags. Writes docs/models/<name>-real.png (inputs beside outputs), the scores into
 * each card (between its `real-set` markers) and the whole table into docs/BENCHMARKS.md.
 */
const SCENE_SIZE = 512;
const SKETCH_SIZE = 256;
/** The sketch pad's size for edges2handbags: its manifest's preferred size. */
const PAD_SIZE = 128;
/** Levels from white a background pixel may be and still count as white. */
const WHITE_LEVELS = 10;
/** Photos in the docs pictures (all are scored); few, since each is a 512 px PNG. */
const SHOWN = ['storm', 'aitzgorri', 'chelsea'];
const OUTLINES = repoPath('models', 'recipes', 'evaluate-real', 'outlines');

interface Scored {
  rows: Record<string, string>;
  shown: RgbImage[][];
}

const fixed = (v: number, digits = 2): string => v.toFixed(digits);
const gridRow = (scores: readonly number[]): string => `median ${fixed(median(scores))}, max ${fixed(Math.max(...scores))} (${scores.length} images)`;

async function writeAll(dir: string, names: readonly string[], images: readonly RgbImage[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  return Promise.all(images.map(async (img, i) => {
    const path = join(dir, `${names[i] ?? i}.png`);
    await writeRgbPng(path, img);
    return path;
  }));
}

/** Outputs written as PNG and scored by the grid measure. */
async function gridOf(dir: string, names: readonly string[], images: readonly RgbImage[]): Promise<number[]> {
  return gridScores(await writeAll(dir, names, images));
}

const blueRed = (img: RgbImage): number => {
  const s = colourStats(img);
  return s.b / Math.max(1, s.r);
};

function shownPairs(photos: readonly RealPhoto[], inputs: readonly RgbImage[], outputs: readonly RgbImage[], names: readonly string[] = SHOWN): RgbImage[][] {
  return names.flatMap((name) => {
    const i = photos.findIndex((p) => p.name === name);
    const a = inputs[i];
    const b = outputs[i];
    return a === undefined || b === undefined ? [] : [[a, b]];
  });
}

/** How much darker each output is than its input, as a share of the input's mean luma. */
const lumaDrops = (inputs: readonly RgbImage[], outputs: readonly RgbImage[]): number[] =>
  inputs.map((d, i) => 1 - colourStats(outputs[i] as RgbImage).luma / Math.max(1, colourStats(d).luma));

async function dayToNight(work: string, photos: readonly RealPhoto[], days: readonly RgbImage[]): Promise<Scored> {
  const out = await translateWithModel(repoPath('models', 'day2night'), days);
  const grid = await gridOf(join(work, 'day2night'), photos.map((p) => p.name), out);
  const drops = lumaDrops(days, out);
  const blueIn = days.map(blueRed);
  const blueOut = out.map(blueRed);
  return {
    rows: {
      'grid-artifacts of the outputs': gridRow(grid),
      'mean luma drop': `${fixed(100 * mean(drops), 0)}% (${fixed(100 * Math.min(...drops), 0)}% .. ${fixed(100 * Math.max(...drops), 0)}%; ${drops.filter((d) => d >= 0.4).length} of ${drops.length} at least 40%)`,
      'blue/red ratio: photos / outputs': `${fixed(mean(blueIn))} / ${fixed(mean(blueOut))} (${blueOut.filter((b, i) => b > (blueIn[i] as number)).length} of ${blueOut.length} bluer)`,
      'luma correlation with the photo (structure kept)': `${fixed(mean(days.map((d, i) => lumaCorrelation(d, out[i] as RgbImage))))}`,
    },
    shown: shownPairs(photos, days, out),
  };
}

async function nightToDay(work: string, photos: readonly RealPhoto[], images: readonly RgbImage[]): Promise<Scored> {
  const out = await translateWithModel(repoPath('models', 'night2day'), images);
  const grid = await gridOf(join(work, 'night2day'), photos.map((p) => p.name), out);
  const nights = photos.map((p, i) => ({ p, i })).filter(({ p }) => NIGHT_PHOTOS.includes(p));
  const lumaChange = nights.map(({ p, i }) => `${p.name} ${fixed(colourStats(images[i] as RgbImage).luma, 0)} -> ${fixed(colourStats(out[i] as RgbImage).luma, 0)}`);
  return {
    rows: {
      'grid-artifacts of the outputs (night and day photos)': gridRow(grid),
      'mean luma of the night photos: in -> out': lumaChange.join('; '),
    },
    shown: shownPairs(photos, images, out, ['rocket', 'storm']),
  };
}

const ATTRIBUTE_SETTINGS: readonly [string, number[]][] = [
  ['night', [1, 0, 0]],
  ['snow', [0, 1, 0]],
  ['fog', [0, 0, 1]],
];

/** Sides the night slider's strength is measured at: read at the input only, sliders fade as images grow. */
const SLIDER_SIDES = [128, 256, SCENE_SIZE];


async function sceneAttributes(work: string, sources: string, photos: readonly RealPhoto[], days: readonly RgbImage[]): Promise<Scored> {
  const rows: Record<string, string> = {};
  const outs: RgbImage[][] = [];
  const all: number[] = [];
  const model = repoPath('models', 'scene-attributes');
  const translate = (images: readonly RgbImage[], vector: readonly number[]): Promise<RgbImage[]> => translateWithModel(model, images, images.map(() => Float32Array.from(vector)));
  for (const [name, vector] of ATTRIBUTE_SETTINGS) {
    const out = await translate(days, vector);
    const grid = await gridOf(join(work, 'scene-attributes', name), photos.map((p) => p.name), out);
    rows[`grid-artifacts, ${name} = 1`] = gridRow(grid);
    if (name === 'night') {
      const drops = await Promise.all(SLIDER_SIDES.map(async (side) => {
        const inputs = side === SCENE_SIZE ? days : await Promise.all(photos.map((p) => readPhoto(sources, p, side)));
        return `${fixed(100 * mean(lumaDrops(inputs, side === SCENE_SIZE ? out : await translate(inputs, vector))), 0)}%`;
      }));
      rows[`night = 1: mean luma drop at ${SLIDER_SIDES.join(' / ')} px`] = drops.join(' / ');
    }
    all.push(...grid);
    outs.push(out);
  }
  rows['grid-artifacts, every output'] = gridRow(all);
  // One photo: a row of four 512 px pictures is already 2048 px wide.
  const shown = ['aitzgorri'].flatMap((name) => {
    const i = photos.findIndex((p) => p.name === name);
    return i < 0 ? [] : [[days[i] as RgbImage, ...outs.map((o) => o[i] as RgbImage)]];
  });
  return { rows, shown };
}

async function handbags(work: string): Promise<Scored & { outlines: number }> {
  const files = (await readdir(OUTLINES)).filter((f) => f.endsWith('.svg')).sort();
  const names = files.map((f) => f.replace(/\.svg$/, ''));
  const svgs = await Promise.all(files.map((f) => readFile(join(OUTLINES, f), 'utf8')));
  const rasterise = (side: number): Promise<RgbImage[]> => Promise.all(svgs.map(async (svg) => ({ rgb: await rasteriseSvg(svg, side), width: side, height: side })));
  const outlines = await rasterise(SKETCH_SIZE);
  const out = await translateWithModel(repoPath('models', 'edges2handbags'), outlines);
  const grid = await gridOf(join(work, 'edges2handbags'), names, out);
  const whiteShares: number[] = [];
  const fills: number[] = [];
  const bodyColours: [number, number, number][] = [];
  outlines.forEach((outline, k) => {
    const bag = out[k] as RgbImage;
    const { background, body } = outlineRegions(outline);
    let bg = 0;
    let white = 0;
    let inside = 0;
    let filled = 0;
    const colour: [number, number, number] = [0, 0, 0];
    for (let p = 0; p < background.length; p++) {
      if (background[p] === 1) {
        bg += 1;
        if (fromWhite(bag, p) <= WHITE_LEVELS) white += 1;
      } else if (body[p] === 1) {
        inside += 1;
        if (fromWhite(bag, p) > WHITE_LEVELS) filled += 1;
        for (let c = 0; c < 3; c++) colour[c] = (colour[c] as number) + (bag.rgb[p * 3 + c] ?? 0);
      }
    }
    whiteShares.push(white / Math.max(1, bg));
    fills.push(filled / Math.max(1, inside));
    bodyColours.push(colour.map((v) => v / Math.max(1, inside)) as [number, number, number]);
  });
  const centre = [0, 1, 2].map((c) => mean(bodyColours.map((col) => col[c] as number)));
  const spread = Math.sqrt(mean(bodyColours.map((col) => col.reduce((s, v, c) => s + (v - (centre[c] as number)) ** 2, 0))));
  const pct = (v: number): string => `${fixed(100 * v, 0)}%`;
  // The sketch pad draws at the model's preferred size (128 px).
  const padGrid = await gridOf(join(work, 'edges2handbags-pad'), names, await translateWithModel(repoPath('models', 'edges2handbags'), await rasterise(PAD_SIZE)));
  const rows = {
    'grid-artifacts of the outputs': gridRow(grid),
    [`grid-artifacts at the sketch pad's ${PAD_SIZE} px`]: gridRow(padGrid),
    [`background beyond the outline within ${WHITE_LEVELS} levels of white`]: `${pct(mean(whiteShares))} of its pixels (worst bag ${pct(Math.min(...whiteShares))})`,
    'bag body filled (further than 10 levels from white)': `${pct(mean(fills))} of its pixels (least ${pct(Math.min(...fills))})`,
    "bags' body colours: RMS distance from their mean colour": `${fixed(spread, 1)} levels`,
  };
  const shown: RgbImage[][] = [];
  for (let k = 0; k < outlines.length; k += 3) shown.push(outlines.slice(k, k + 3).flatMap((o, j) => [o, out[k + j] as RgbImage]));
  return { rows, shown, outlines: outlines.length };
}

/** Replaces (or adds, before the samples picture) the card's real-set section. */
async function writeCardSection(id: string, heading: string, rows: Record<string, string>, photoGrid: readonly number[]): Promise<void> {
  const path = repoPath('models', id, 'card.md');
  const card = await readFile(path, 'utf8');
  const table = Object.entries(rows).map(([k, v]) => `| ${k} | ${v} |`).join('\n');
  const section = `<!-- real-set -->\n**${heading}** (\`npm run recipe -- evaluate-real\`, ${new Date().toISOString().slice(0, 10)}; the grid measure scores the photos themselves ${gridRow(photoGrid)}, a visible checkerboard 3 and more):\n\n| measure | value |\n| --- | --- |\n${table}\n\n![real set](../../docs/models/${id}-real.png)\n<!-- /real-set -->`;
  const begin = card.indexOf('<!-- real-set -->');
  const end = card.indexOf('<!-- /real-set -->');
  let next: string;
  if (begin >= 0 && end > begin) next = card.slice(0, begin) + section + card.slice(end + '<!-- /real-set -->'.length);
  else {
    const at = card.indexOf('**Limits.**');
    next = at >= 0 ? `${card.slice(0, at)}${section}\n\n${card.slice(at)}` : `${card.trimEnd()}\n\n${section}\n`;
  }
  await writeFile(path, next);
}

export async function evaluateReal(o: RecipeOptions): Promise<Record<string, string>> {
  const sources = join(o.work, 'debian');
  const photos = [...DAY_PHOTOS, ...NIGHT_PHOTOS];
  await fetchPhotoPackages(sources, photos);
  const days = await Promise.all(DAY_PHOTOS.map((p) => readPhoto(sources, p, SCENE_SIZE)));
  const nights = await Promise.all(NIGHT_PHOTOS.map((p) => readPhoto(sources, p, SCENE_SIZE)));
  const outputs = join(o.work, 'outputs');
  const photoGrid = await gridOf(join(outputs, 'photos'), photos.map((p) => p.name), [...days, ...nights]);

  const d2n = await dayToNight(outputs, DAY_PHOTOS, days);
  const n2d = await nightToDay(outputs, [...NIGHT_PHOTOS, ...DAY_PHOTOS], [...nights, ...days]);
  const attrs = await sceneAttributes(outputs, sources, DAY_PHOTOS, days);
  const bags = await handbags(outputs);

  const photoList = `${photos.length} photographs (${photos.map((p) => p.name).join(', ')}) from the Debian packages ${[...new Set(photos.map((p) => p.pkg))].join(', ')}, ${SCENE_SIZE} px centred squares`;
  const results: [string, string, Scored][] = [
    ['day2night', `Real photographs: ${DAY_PHOTOS.length} daytime photos from Debian packages, ${SCENE_SIZE} px`, d2n],
    ['night2day', `Real photographs: ${NIGHT_PHOTOS.length} night photo and ${DAY_PHOTOS.length} daytime photos from Debian packages, ${SCENE_SIZE} px`, n2d],
    ['scene-attributes', `Real photographs: ${DAY_PHOTOS.length} daytime photos from Debian packages, ${SCENE_SIZE} px, each attribute at 1 alone`, attrs],
    ['edges2handbags', `Hand-drawn outlines: ${bags.outlines} drawn as SVG for this evaluation (models/recipes/evaluate-real/outlines), ${SKETCH_SIZE} px`, bags],
  ];
  const summary: Record<string, string> = { 'real set': `${photoList}; ${bags.outlines} hand-drawn outlines at ${SKETCH_SIZE} px`, 'grid-artifacts of the photos themselves': gridRow(photoGrid) };
  for (const [id, heading, scored] of results) {
    for (const [k, v] of Object.entries(scored.rows)) summary[`${id}: ${k}`] = v;
    if (!o.install) continue;
    await writeDocsGrid(`${id}-real`, scored.shown);
    await writeCardSection(id, heading, scored.rows, photoGrid);
  }
  process.stderr.write(`evaluate-real: ${JSON.stringify(summary, null, 1)}\n`);
  return summary;
}
