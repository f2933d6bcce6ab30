/// <reference lib="dom" />
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreviewRenderer } from '../electron/engine/jobs/preview.js';
import { ModelLibrary } from '../electron/engine/library/index.js';
import { SessionManager } from '../electron/engine/runtime/index.js';
import { writeBatch } from './fixtures/batch-images.js';
import { launchChromium } from './fixtures/chromium.js';
import { percentile, recordLiveBench } from './fixtures/live-bench.js';
import { writeHeldOutScene } from './fixtures/scene-image.js';
import { startServe, type ServeHandle } from './fixtures/studio-serve.js';
import { TINY_STARGAN, installTinyModel } from './fixtures/tiny-model.js';
import { StudioApp } from './pages/studio-app.js';
import { scratchFolder } from './fixtures/scratch-folder.js';

const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const ATTRIBUTES = ['time_of_day', 'snow', 'fog'] as const;

const { root, home } = scratchFolder('gs-attributes-');
let scene: string;
let browser: Browser;
let serve: ServeHandle;
let page: Page;
let app: StudioApp;
const pageErrors: string[] = [];
const outDir = (): string => join(root, 'Pictures', 'GAN Studio');
// The engine in this process, for fresh renders to compare the page's previews with.
const sessions = new SessionManager();
let renderer: PreviewRenderer;

/** Decoded pixels of a data: URL. */
async function pixels(dataUrl: string | null): Promise<{ data: Buffer; width: number; height: number }> {
  const base64 = /^data:image\/(?:png|jpeg);base64,(.+)$/.exec(dataUrl ?? '')?.[1];
  if (base64 === undefined) throw new Error('the preview is not a data: URL');
  const { data, info } = await sharp(Buffer.from(base64, 'base64')).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function meanDifference(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / a.length;
}

beforeAll(async () => {
  // A face-style model (random weights) whose manifest asks for the StarGAN centre crop.
  await installTinyModel(home, 'tiny-faces', TINY_STARGAN, { name: 'Tiny faces (crops)', preprocess: { crop: 'centre-square', size: 64 } });
  // CPU provider, as the benchmark asks; light theme for the screenshots.
  await writeFile(join(home, 'settings.json'), JSON.stringify({ theme: 'light', device: 'cpu', model: 'day2night' }));
  scene = join(root, 'countryside.png');
  await writeHeldOutScene(scene, 256);
  await mkdir(SCREENSHOTS, { recursive: true });
  renderer = new PreviewRenderer(new ModelLibrary({ home }), sessions);
  serve = await startServe({ GAN_STUDIO_HOME: home, HOME: root });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 940 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  app = new StudioApp(page);
  await app.open(serve.url);
  await app.goTo('Attributes');
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await sessions.dispose();
});

describe('the Attributes page', () => {
  it('previews a chosen picture with the scene-attributes model and follows a slider', async () => {
    const a = app.attributes;
    await a.chooseImage(scene);
    const first = await a.waitForFullPreview({ time_of_day: 0, snow: 0, fog: 0 });
    const firstPx = await pixels(first.image);
    expect([firstPx.width, firstPx.height]).toEqual([256, 256]);

    await a.sliderInput('time_of_day').focus();
    await page.keyboard.press('End');
    const night = await a.waitForFullPreview({ time_of_day: 1, snow: 0, fog: 0 });
    expect(meanDifference(firstPx.data, (await pixels(night.image)).data)).toBeGreaterThan(10);
    expect(await page.getByTestId('attribute-value-time_of_day').innerText()).toBe('1.00');
    expect(await page.getByTestId('preview-stats').innerText()).toMatch(/Full size 256 × 256 px · \d+ ms · CPU/);

    // A held key previews drafts (128 px) while it repeats, and full size when it comes up.
    for (let i = 0; i < 8; i++) await page.keyboard.down('ArrowLeft');
    await page.waitForFunction(() => document.querySelector('[data-testid="attribute-preview"]')?.getAttribute('data-preview-full') === 'false');
    expect((await pixels((await a.state()).image)).width).toBe(128);
    await page.keyboard.up('ArrowLeft');
    const held = await a.waitForFullPreview({ time_of_day: 0.92, snow: 0, fog: 0 });
    expect((await pixels(held.image)).width).toBe(256);
  });

  it('computes far fewer previews than slider moves during a fast drag, ending on the final value', async () => {
    const a = app.attributes;
    const before = await a.state();
    await a.flick('snow', 0.01, 0.93, 80);
    const final = await a.sliderValues(ATTRIBUTES);
    expect(final.snow).toBeGreaterThan(0.85);
    const shown = await a.waitForFullPreview(final);
    const after = await a.state();
    const inputEvents = after.inputEvents - before.inputEvents;
    const computed = after.computed - before.computed;
    expect(inputEvents).toBeGreaterThanOrEqual(60);
    expect(computed).toBeGreaterThanOrEqual(2);
    expect(computed).toBeLessThan(inputEvents / 4);
    console.log(`fast drag: ${computed} previews for ${inputEvents} input events`);
    // The shown picture is what the engine gives for the final values, not a stale one.
    const fresh = await renderer.render({ model: 'scene-attributes', source: { path: scene }, attributes: final, device: 'cpu' });
    const shownPx = await pixels(shown.image);
    expect(meanDifference(shownPx.data, (await pixels(fresh.image)).data)).toBeLessThan(0.5);
    const stale = await renderer.render({ model: 'scene-attributes', source: { path: scene }, attributes: { ...final, snow: 0.3 }, device: 'cpu' });
    expect(meanDifference(shownPx.data, (await pixels(stale.image)).data)).toBeGreaterThan(3);
    await recordLiveBench({ key: 'attributes-drag', what: 'Attributes: fast drag', subject: 'scene-attributes, 256 x 256', samples: [], coalescing: { computed, inputEvents } });
  });

  it('shows the slider-to-preview latency at 256 px (median under 400 ms on the CPU provider)', async () => {
    const a = app.attributes;
    // On its own (vitest -t latency) the page has no picture yet.
    if ((await a.preview().count()) === 0) {
      await a.chooseImage(scene);
      await a.waitForFullPreview(await a.sliderValues(ATTRIBUTES));
    }
    await a.startLatencyProbe();
    const samples: number[] = [];
    for (let i = 0; i < 15; i++) {
      // Short drags to a new value each time, alternating ends of the fog slider.
      const [from, to] = i % 2 === 0 ? [0.15, 0.75 + (i % 5) * 0.04] : [0.75, 0.15 + (i % 5) * 0.04];
      await a.drag('fog', from, to, 6);
      await a.waitForFullPreview(await a.sliderValues(ATTRIBUTES));
      samples.push(await a.lastLatency());
      await page.waitForTimeout(150);
    }
    const median = percentile(samples, 50);
    const p90 = percentile(samples, 90);
    await recordLiveBench({ key: 'attributes-latency', what: 'Attributes: last slider event to full-size preview', subject: 'scene-attributes, 256 x 256', samples });
    console.log(`attributes preview latency: median ${median.toFixed(0)} ms, p90 ${p90.toFixed(0)} ms (${samples.map((s) => s.toFixed(0)).join(', ')})`);
    // The acceptance target is checked by npm run bench:live on a quiet machine; here only a sanity bound.
    expect(median).toBeLessThan(1500);
  }, 120_000);

  it('saves a named preset that survives a reload, applies it and deletes it', async () => {
    const a = app.attributes;
    // A hazy dusk: time of day half-way, a little fog, no snow.
    await a.sliderInput('snow').focus();
    await page.keyboard.press('Home');
    await a.sliderInput('fog').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    await a.sliderInput('time_of_day').focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < 5; i++) await page.keyboard.press('PageUp');
    const saved = await a.sliderValues(ATTRIBUTES);
    expect(saved).toEqual({ time_of_day: 0.5, snow: 0, fog: 0.2 });
    await a.savePreset('Hazy dusk');
    await a.waitForFullPreview(saved);
    await page.getByTestId('preset-name').blur();
    await app.screenshot(join(SCREENSHOTS, 'attributes-light.png'));
    const onDisk = JSON.parse(await readFile(join(home, 'settings.json'), 'utf8')) as { attributePresets: Record<string, { name: string; values: Record<string, number> }[]> };
    expect(onDisk.attributePresets['scene-attributes']).toEqual([{ name: 'Hazy dusk', values: saved }]);

    await page.reload();
    await page.getByTestId('app').waitFor();
    await app.goTo('Attributes');
    await expect.poll(() => a.presets().count()).toBe(1);
    await a.chooseImage(scene);
    await a.waitForFullPreview({ time_of_day: 0, snow: 0, fog: 0 });
    await a.applyPreset('Hazy dusk');
    await a.waitForFullPreview(saved);
    expect(await a.sliderValues(ATTRIBUTES)).toEqual(saved);
    expect(await a.presets().first().getAttribute('class')).toMatch(/colorPrimary/);

    await a.savePreset('Scratch');
    await expect.poll(() => a.presets().count()).toBe(2);
    await a.deletePreset('Scratch');
    await expect.poll(() => a.presets().count()).toBe(1);
    await a.reset();
    await a.waitForFullPreview({ time_of_day: 0, snow: 0, fog: 0 });
    await a.applyPreset('Hazy dusk');
    await a.waitForFullPreview(saved);
  });

  it('takes a dropped picture, and says plainly when one cannot be read', async () => {
    const a = app.attributes;
    const bad = join(root, 'holiday.png');
    await writeFile(bad, 'this is a text file, not a picture');
    await a.dropImage(bad);
    const notice = a.preview().getByRole('alert');
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(/This file could not be read as an image\..*holiday\.png.*not an image: the file contains text/s);
    // The drop was the Attributes page's: nothing went into the (hidden) Translate queue.
    expect(await app.translate.summary().textContent()).toBe('Queue');
    await a.dropImage(scene);
    await a.waitForFullPreview(await a.sliderValues(ATTRIBUTES));
    expect(await a.preview().getByRole('alert').count()).toBe(0);
  });

  it('names a model that crops, and previews its centred square', async () => {
    const a = app.attributes;
    await a.chooseModel('Tiny faces (crops)');
    await page.getByTestId('crop-note').waitFor();
    expect(await page.getByTestId('crop-note').innerText()).toMatch(/crops.*centred square.*64 × 64 px/s);
    const shown = await a.waitForFullPreview({ warmth: 0, fog: 0.5 });
    const px = await pixels(shown.image);
    expect([px.width, px.height]).toEqual([64, 64]);
    await a.chooseModel('Scene attributes');
    await page.getByTestId('crop-note').waitFor({ state: 'detached' });
  });

  it('sends the Translate queue through the model with the chosen values', async () => {
    const a = app.attributes;
    await app.goTo('Translate');
    const files = await writeBatch(join(root, 'queue'), 2, { width: 192, height: 128 }, false);
    await app.translate.dropFiles(files.map((f) => f.path));
    await app.translate.waitForSummary('2 of 2 translated');
    await app.goTo('Attributes');
    await a.pickFromQueue('photo-002.jpg');
    expect(await page.getByTestId('attribute-image-name').innerText()).toBe('photo-002.jpg');
    // Coming back from the crop model, the sliders are at their defaults again.
    expect(await a.sliderValues(ATTRIBUTES)).toEqual({ time_of_day: 0, snow: 0, fog: 0 });
    await a.sliderInput('snow').focus();
    await page.keyboard.press('End');
    const values = { time_of_day: 0, snow: 1, fog: 0 };
    const shown = await a.waitForFullPreview(values);
    expect(await page.getByTestId('apply-summary').innerText()).toMatch(/the 2 images of the Translate queue/);
    await a.applyToBatch();
    await page.getByRole('tab', { name: 'Translate', selected: true }).waitFor();
    await app.translate.waitForSummary('4 of 4 translated');
    const written = (await readdir(outDir())).sort();
    expect(written).toEqual(['photo-001-1.jpg', 'photo-001.jpg', 'photo-002-1.jpg', 'photo-002.jpg']);
    // The batch output of the previewed picture is the preview (up to JPEG's loss).
    const out = await sharp(join(outDir(), 'photo-002-1.jpg')).raw().toBuffer({ resolveWithObject: true });
    const px = await pixels(shown.image);
    expect([out.info.width, out.info.height]).toEqual([px.width, px.height]);
    expect(meanDifference(out.data, px.data)).toBeLessThan(4);

    // The same page in the dark theme.
    await app.goTo('Settings');
    await app.settings.chooseTheme('Dark');
    await expect.poll(() => app.themeMode()).toBe('dark');
    await app.goTo('Attributes');
    await a.chooseImage(scene);
    await a.waitForFullPreview({ time_of_day: 0, snow: 1, fog: 0 });
    await a.applyPreset('Hazy dusk');
    await a.waitForFullPreview({ time_of_day: 0.5, snow: 0, fog: 0.2 });
    await app.screenshot(join(SCREENSHOTS, 'attributes-dark.png'));
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
