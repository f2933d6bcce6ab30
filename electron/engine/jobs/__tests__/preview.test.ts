import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../contract/jobs.js';
import { TINY_STARGAN, installTinyModel } from '../../../../e2e/fixtures/tiny-model.js';
import { ModelLibrary } from '../../library/index.js';
import { SessionManager } from '../../runtime/index.js';
import { PreviewRenderer, type RenderedPreview } from '../preview.js';
import { runTranslateJob } from '../translate-job.js';

const DAY_SCENE = fileURLToPath(new URL('../../../../assets/samples/day-scene.jpg', import.meta.url));

let root: string;
let library: ModelLibrary;
let previews: PreviewRenderer;
let scene: string;
const sessions = new SessionManager({ threads: 2 });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gs-preview-'));
  const home = join(root, 'home');
  // A face-style model: every image is cropped to its centred square and resized to 32 px.
  await installTinyModel(home, 'tiny-face', TINY_STARGAN, { preprocess: { crop: 'centre-square', size: 32 } });
  library = new ModelLibrary({ home });
  previews = new PreviewRenderer(library, sessions);
  scene = join(root, 'scene-256.png');
  await sharp(DAY_SCENE).resize(256, 171).png().toFile(scene);
});
afterAll(async () => {
  await sessions.dispose();
  await rm(root, { recursive: true, force: true });
});

/** The pixels of a preview's data: URL, with its size and format. */
async function pixels(preview: RenderedPreview): Promise<{ data: Buffer; width: number; height: number; format: string }> {
  const [, format, base64] = /^data:image\/(png|jpeg);base64,(.+)$/.exec(preview.image) ?? [];
  const { data, info } = await sharp(Buffer.from(base64 ?? '', 'base64')).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, format: format ?? '' };
}

function meanDifference(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / a.length;
}

/** 64 x 48, blue and orange stripes 8 px wide, running across or down. */
function stripes(down: boolean): ReturnType<typeof sharp> {
  const rgb = Buffer.alloc(64 * 48 * 3);
  for (let y = 0; y < 48; y++) {
    for (let x = 0; x < 64; x++) {
      const orange = Math.floor((down ? x : y) / 8) % 2 === 1;
      rgb.set(orange ? [192, 112, 48] : [48, 112, 192], (y * 64 + x) * 3);
    }
  }
  return sharp(rgb, { raw: { width: 64, height: 48, channels: 3 } });
}

describe('live previews in the engine', () => {
  it('renders the scene-attributes model at full size and reduced size; slider values change the picture', async () => {
    const day = await previews.render({ model: 'scene-attributes', source: { path: scene }, attributes: { time_of_day: 0 }, device: 'cpu' });
    const night = await previews.render({ model: 'scene-attributes', source: { path: scene }, attributes: { time_of_day: 1 }, device: 'cpu' });
    const [dayPx, nightPx] = [await pixels(day), await pixels(night)];
    expect([dayPx.format, dayPx.width, dayPx.height]).toEqual(['png', 256, 171]);
    expect(day.provider).toBe('cpu');
    expect(meanDifference(dayPx.data, nightPx.data)).toBeGreaterThan(10);
    // Night is darker than day.
    const mean = (b: Buffer): number => b.reduce((s, v) => s + v, 0) / b.length;
    expect(mean(nightPx.data)).toBeLessThan(mean(dayPx.data) - 10);

    const small = await pixels(await previews.render({ model: 'scene-attributes', source: { path: scene }, attributes: { time_of_day: 1 }, maxSide: 128, device: 'cpu' }));
    expect([small.width, small.height]).toEqual([128, 86]);
  });

  it('runs a finished gesture\'s preview on the settled sessions, with the same picture', async () => {
    const window = new SessionManager({ threads: 1 });
    const everyCore = new SessionManager();
    const renderer = new PreviewRenderer(library, window, everyCore);
    const request = { model: 'scene-attributes', source: { path: scene }, attributes: { fog: 0.4 }, device: 'cpu' };
    const during = await renderer.render(request);
    expect([window.loadedCount, everyCore.loadedCount]).toEqual([1, 0]);
    const settled = await renderer.render({ ...request, settled: true });
    expect([window.loadedCount, everyCore.loadedCount]).toEqual([1, 1]);
    // Threads change the order of float sums only: the same 8-bit picture, up to a level here and there.
    expect(meanDifference((await pixels(settled)).data, (await pixels(during)).data)).toBeLessThan(0.05);
    await Promise.all([window.dispose(), everyCore.dispose()]);
  });

  it('takes a drawing as PNG bytes and gives the same picture as the file', async () => {
    const png = (await sharp(scene).png().toBuffer()).toString('base64');
    const fromFile = await previews.render({ model: 'scene-attributes', source: { path: scene }, attributes: { snow: 0.7 }, device: 'cpu' });
    const fromBytes = await previews.render({ model: 'scene-attributes', source: { png }, attributes: { snow: 0.7 }, device: 'cpu' });
    expect((await pixels(fromBytes)).data.equals((await pixels(fromFile)).data)).toBe(true);
  });

  it('sees a file changed on disk, and names unreadable images and wrong attributes', async () => {
    const path = join(root, 'changing.png');
    // Stripes, not flat colours: the instance norms of a model of the StarGAN family give a flat
    // picture of any colour nearly the same output.
    await stripes(false).png().toFile(path);
    const across = await pixels(await previews.render({ model: 'scene-attributes', source: { path }, device: 'cpu' }));
    await stripes(true).png().toFile(`${path}.new`);
    await writeFile(path, await sharp(`${path}.new`).toBuffer());
    await utimes(path, new Date(), new Date(Date.now() + 5000));
    const down = await pixels(await previews.render({ model: 'scene-attributes', source: { path }, device: 'cpu' }));
    expect(meanDifference(across.data, down.data)).toBeGreaterThan(20);

    await writeFile(join(root, 'notes.png'), 'not a picture at all');
    await expect(previews.render({ model: 'scene-attributes', source: { path: join(root, 'notes.png') }, device: 'cpu' })).rejects.toMatchObject({
      code: 'BAD_IMAGE',
      message: expect.stringMatching(/notes\.png.*not an image/),
    });
    await expect(previews.render({ model: 'day2night', source: { path }, attributes: { snow: 1 }, device: 'cpu' })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
      message: expect.stringMatching(/takes no attributes/),
    });
    await expect(previews.render({ model: 'scene-attributes', source: { path }, attributes: { snow: 3 }, device: 'cpu' })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
      message: expect.stringMatching(/snow=3 is outside its range 0\.\.1/),
    });
  });

  it('crops face models to the centred square in previews and batches alike, and says so', async () => {
    const portrait = join(root, 'portrait.png');
    // Left half red, right half green, with 16 px blue bands above and below the centred square.
    const raw = Buffer.alloc(48 * 80 * 3);
    for (let y = 0; y < 80; y++) {
      for (let x = 0; x < 48; x++) raw.set(y < 16 || y >= 64 ? [0, 0, 255] : x < 24 ? [255, 0, 0] : [0, 255, 0], (y * 48 + x) * 3);
    }
    await sharp(raw, { raw: { width: 48, height: 80, channels: 3 } }).png().toFile(portrait);
    const preview = await previews.render({ model: 'tiny-face', source: { path: portrait }, device: 'cpu' });
    expect([preview.width, preview.height]).toEqual([32, 32]);
    expect(preview.notes.join(' ')).toMatch(/cropped to the centred 48 x 48 square and resized to 32 x 32 px/);
    const smaller = await previews.render({ model: 'tiny-face', source: { path: portrait }, maxSide: 16, device: 'cpu' });
    expect([smaller.width, smaller.height]).toEqual([16, 16]);

    const events: JobEvent[] = [];
    const outDir = join(root, 'face-out');
    await runTranslateJob({ inputs: [portrait], model: 'tiny-face', outDir, format: 'png', device: 'cpu' }, { library, sessions }, (e) => events.push(e));
    const done = events.find((e) => e.type === 'item-done');
    expect(done?.type === 'item-done' && done.notes.join(' ')).toMatch(/cropped to the centred 48 x 48 square/);
    const [written] = await readdir(outDir);
    const meta = await sharp(join(outDir, written ?? '')).metadata();
    expect([meta.width, meta.height]).toEqual([32, 32]);
    // The batch output is the same picture as the full-size preview.
    expect((await sharp(join(outDir, written ?? '')).raw().toBuffer()).equals((await pixels(preview)).data)).toBe(true);
  });
});
