import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectEdges } from '../electron/engine/imaging/index.js';
import { randomHandbagLayout, renderHandbag } from '../models/recipes/shared/handbag-renderer.js';
import { l1 } from '../models/recipes/shared/metrics.js';
import { randomSceneLayout, renderScene } from '../models/recipes/shared/scene-renderer.js';
import { REPO_ROOT, runCli } from './fixtures/run-cli.js';

/**
 * The bundled starter models on a fresh install (no network, empty studio home): each one
 * translates a held-out render and a real photo from assets/ through `gan-studio translate`,
 * and does what it is for.
 */
const SIZE = 128;
const PHOTO = join(REPO_ROOT, 'assets', 'photos', 'aitzgorri.jpg');
let work: string;
let env: NodeJS.ProcessEnv;

async function png(path: string, rgb: Uint8Array): Promise<string> {
  await writeFile(path, await sharp(Buffer.from(rgb), { raw: { width: SIZE, height: SIZE, channels: 3 } }).png().toBuffer());
  return path;
}

async function rgbOf(path: string): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data), width: info.width, height: info.height };
}

const meanLuma = (rgb: Uint8Array): number => {
  let s = 0;
  for (let i = 0; i < rgb.length; i += 3) s += 0.299 * (rgb[i] ?? 0) + 0.587 * (rgb[i + 1] ?? 0) + 0.114 * (rgb[i + 2] ?? 0);
  return s / (rgb.length / 3);
};

// Seeds far from every recipe's training and held-out ranges.
const sceneLayout = randomSceneLayout(987_654_321);
const bagLayout = randomHandbagLayout(987_654_321);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gs-starters-'));
  env = { GAN_STUDIO_HOME: join(work, 'home') };
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('starter models', () => {
  it('day2night turns a held-out day render into night and runs on a real photo; night2day goes back', async () => {
    const day = await png(join(work, 'day.png'), await renderScene(sceneLayout, { timeOfDay: 0.05, snow: 0, fog: 0 }, SIZE));
    const night = await png(join(work, 'night.png'), await renderScene(sceneLayout, { timeOfDay: 0.95, snow: 0, fog: 0 }, SIZE));
    const result = await runCli(['translate', '-m', 'day2night', day, PHOTO, '-o', join(work, 'd2n'), '-d', 'cpu'], { env });
    expect(result.code, result.stderr).toBe(0);
    const out = await rgbOf(join(work, 'd2n', 'day.png'));
    expect(meanLuma(out.rgb)).toBeLessThan(0.6 * meanLuma((await rgbOf(day)).rgb));
    const photo = await rgbOf(join(work, 'd2n', 'aitzgorri.jpg'));
    expect([photo.width, photo.height]).toEqual([768, (await sharp(PHOTO).metadata()).height]);
    const back = await runCli(['translate', '-m', 'night2day', night, '-o', join(work, 'n2d'), '-d', 'cpu'], { env });
    expect(back.code, back.stderr).toBe(0);
    expect(meanLuma((await rgbOf(join(work, 'n2d', 'night.png'))).rgb)).toBeGreaterThan(1.5 * meanLuma((await rgbOf(night)).rgb));
  }, 120_000);

  it('edges2handbags draws a handbag from the edges of a held-out render, closer than the sketch itself', async () => {
    const truth = await renderHandbag(bagLayout, SIZE);
    const grey = detectEdges(truth, SIZE, SIZE);
    const edges = new Uint8Array(SIZE * SIZE * 3);
    grey.forEach((v, i) => edges.fill(v, i * 3, i * 3 + 3));
    const input = await png(join(work, 'bag-edges.png'), edges);
    const result = await runCli(['translate', '-m', 'edges2handbags', input, PHOTO, '-o', join(work, 'e2h'), '-d', 'cpu'], { env });
    expect(result.code, result.stderr).toBe(0);
    const out = await rgbOf(join(work, 'e2h', 'bag-edges.png'));
    const sized = { width: SIZE, height: SIZE };
    expect(l1({ rgb: out.rgb, ...sized }, { rgb: truth, ...sized })).toBeLessThan(0.7 * l1({ rgb: edges, ...sized }, { rgb: truth, ...sized }));
  }, 120_000);

  it('scene-attributes: a time-of-day sweep darkens the scene step by step, and it runs on a real photo', async () => {
    const plain = await png(join(work, 'plain.png'), await renderScene(sceneLayout, { timeOfDay: 0, snow: 0, fog: 0 }, SIZE));
    const result = await runCli(['translate', '-m', 'scene-attributes', '--sweep', 'time_of_day=0:1:5', plain, '-o', join(work, 'sweep'), '-d', 'cpu'], { env });
    expect(result.code, result.stderr).toBe(0);
    const names = (await readdir(join(work, 'sweep'))).sort();
    expect(names).toEqual(['plain-time_of_day-1.png', 'plain-time_of_day-2.png', 'plain-time_of_day-3.png', 'plain-time_of_day-4.png', 'plain-time_of_day-5.png', 'plain-time_of_day-sweep.png']);
    const lumas: number[] = [];
    for (const name of names.slice(0, 5)) lumas.push(meanLuma((await rgbOf(join(work, 'sweep', name))).rgb));
    for (let k = 1; k < lumas.length; k++) expect(lumas[k], `step ${k + 1} of ${lumas.map((l) => l.toFixed(1)).join(', ')}`).toBeLessThan(lumas[k - 1] ?? 0);
    const photo = await runCli(['translate', '-m', 'scene-attributes', '--set', 'snow=1', PHOTO, '-o', join(work, 'sa'), '-d', 'cpu'], { env });
    expect(photo.code, photo.stderr).toBe(0);
  }, 120_000);

  it('translate uses day2night when no model is named', async () => {
    const day = await png(join(work, 'default-day.png'), await renderScene(sceneLayout, { timeOfDay: 0.05, snow: 0, fog: 0 }, SIZE));
    const result = await runCli(['translate', day, '-o', join(work, 'default'), '-d', 'cpu'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('day2night');
  }, 60_000);
});
