/// <reference lib="dom" />
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './fixtures/chromium.js';
import { percentile, recordLiveBench } from './fixtures/live-bench.js';
import { startServe, type ServeHandle } from './fixtures/studio-serve.js';
import type { CanvasPoint } from './pages/sketch-page.js';
import { StudioApp } from './pages/studio-app.js';

/**
 * The sketch pad in browser mode against the real `gan-studio serve`, the real engine and the
 * bundled edges2handbags model (CPU): drawing with the mouse and a finger, the translation
 * following each stroke, undo and redo, the eraser, examples, a picture traced into edges,
 * saving, coalescing of quick strokes and the stroke-to-output latency (rows for
 * `npm run bench:live`, see e2e/fixtures/live-bench.ts).
 */
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const LATENCY_STROKES = 15;

let root: string;
let browser: Browser;
let serve: ServeHandle;
let page: Page;
let app: StudioApp;
const outDir = (): string => join(root, 'Pictures', 'GAN Studio');
const pageErrors: string[] = [];

/** Points along an ellipse arc (angles in radians), as canvas fractions. */
function arc(cx: number, cy: number, rx: number, ry: number, from: number, to: number, n = 14): CanvasPoint[] {
  return Array.from({ length: n + 1 }, (_, i) => {
    const t = from + ((to - from) * i) / n;
    return [cx + rx * Math.cos(t), cy + ry * Math.sin(t)] as CanvasPoint;
  });
}

/** A handbag in five strokes, drawn the way a person would: body, handle (two lines), flap, clasp. */
const HANDBAG: CanvasPoint[][] = [
  [
    [0.25, 0.42], [0.5, 0.405], [0.75, 0.42], [0.79, 0.6], [0.815, 0.76], [0.8, 0.82], [0.74, 0.845],
    [0.5, 0.85], [0.26, 0.845], [0.2, 0.82], [0.185, 0.76], [0.21, 0.6], [0.25, 0.42],
  ],
  arc(0.5, 0.415, 0.16, 0.22, Math.PI, 2 * Math.PI),
  arc(0.5, 0.415, 0.12, 0.17, Math.PI, 2 * Math.PI),
  [[0.235, 0.48], [0.36, 0.55], [0.5, 0.6], [0.64, 0.55], [0.765, 0.48]],
  [[0.465, 0.575], [0.535, 0.575], [0.535, 0.645], [0.465, 0.645], [0.465, 0.575]],
];

async function greyPixels(png: Buffer): Promise<Uint8Array> {
  return new Uint8Array(await sharp(png).greyscale().raw().toBuffer());
}

/** Mean absolute difference of two images of the same size, in 8-bit levels (all channels). */
async function meanDifference(a: Buffer, b: Buffer): Promise<number> {
  const [x, y] = await Promise.all([sharp(a).removeAlpha().raw().toBuffer(), sharp(b).removeAlpha().raw().toBuffer()]);
  expect(x.length).toBe(y.length);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]! - y[i]!);
  return sum / x.length;
}

const darkShare = (grey: Uint8Array): number => grey.filter((v) => v < 128).length / grey.length;

/** Clears the pad (when there is anything to clear) and waits for the blank canvas's translation. */
async function clearPad(): Promise<void> {
  const clear = page.getByRole('button', { name: 'Clear' });
  if (await clear.isEnabled()) await app.sketch.andWait(() => clear.click());
  await app.sketch.waitIdle();
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gs-sketch-e2e-'));
  const home = join(root, 'home');
  await mkdir(home, { recursive: true });
  await writeFile(join(home, 'settings.json'), JSON.stringify({ theme: 'light', device: 'cpu' }));
  await mkdir(SCREENSHOTS, { recursive: true });
  serve = await startServe({ GAN_STUDIO_HOME: home, HOME: root });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  app = new StudioApp(page);
  await app.open(serve.url);
  await app.goTo('Sketch');
  await app.sketch.waitForOutput();
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await rm(root, { recursive: true, force: true });
});

describe('the sketch pad', () => {
  it('opens on a blank canvas at the model size, edges2handbags picked', async () => {
    expect(await app.sketch.root().getAttribute('data-size')).toBe('128');
    expect(await page.getByTestId('sketch-model-select').innerText()).toMatch(/Edges to handbags/);
    const grey = await greyPixels(await app.sketch.canvasPng());
    expect(grey.length).toBe(128 * 128);
    expect(grey.every((v) => v === 255)).toBe(true);
    // Shown crisply at a whole scale.
    const box = await app.sketch.canvas().boundingBox();
    expect(box?.width).toBe(384);
  });

  it('draws a handbag stroke by stroke, and the translation changes after every stroke', async () => {
    let previous = await app.sketch.outputPng();
    for (const [i, stroke] of HANDBAG.entries()) {
      await app.sketch.drawStrokeAndWait(stroke);
      expect(await app.sketch.strokes()).toBe(i + 1);
      await app.sketch.waitIdle();
      const output = await app.sketch.outputPng();
      expect(await meanDifference(previous, output)).toBeGreaterThan(0.5);
      previous = output;
    }
    const grey = await greyPixels(await app.sketch.canvasPng());
    // Thin black lines on white, like the training sketches: a few percent of the pixels.
    expect(darkShare(grey)).toBeGreaterThan(0.03);
    expect(darkShare(grey)).toBeLessThan(0.15);
    // The model paints a bag: the output is far from the white paper inside the outline.
    const out = await sharp(await app.sketch.outputPng()).extract({ left: 40, top: 70, width: 48, height: 30 }).greyscale().raw().toBuffer();
    expect(out.reduce((s, v) => s + v, 0) / out.length).toBeLessThan(200);
    expect(await page.getByTestId('sketch-latency').innerText()).toMatch(/^\d+ ms$/);
    await app.screenshot(join(SCREENSHOTS, 'sketch-pad-light.png'));
  });

  it('keeps the drawing across pages, and shows it in the dark theme', async () => {
    const drawing = await app.sketch.canvasPng();
    await app.goTo('Settings');
    await app.settings.chooseTheme('Dark');
    await expect.poll(() => app.themeMode()).toBe('dark');
    await app.goTo('Sketch');
    expect((await app.sketch.canvasPng()).equals(drawing)).toBe(true);
    expect(await app.sketch.strokes()).toBe(HANDBAG.length);
    await app.screenshot(join(SCREENSHOTS, 'sketch-pad-dark.png'));
    await app.goTo('Settings');
    await app.settings.chooseTheme('Light');
    await expect.poll(() => app.themeMode()).toBe('light');
    await app.goTo('Sketch');
  });

  it('undoes and redoes strokes, with the keyboard and the buttons: canvas and translation come back', async () => {
    const canvasBefore = await app.sketch.canvasPng();
    const outputBefore = await app.sketch.outputPng();
    await app.sketch.drawStrokeAndWait([[0.3, 0.7], [0.5, 0.74], [0.7, 0.7]]);
    await app.sketch.waitIdle();
    const canvasAfter = await app.sketch.canvasPng();
    const outputAfter = await app.sketch.outputPng();
    expect(await meanDifference(outputBefore, outputAfter)).toBeGreaterThan(0.3);

    await app.sketch.andWait(() => page.keyboard.press('Control+z'));
    await app.sketch.waitIdle();
    expect(await app.sketch.strokes()).toBe(HANDBAG.length);
    expect((await app.sketch.canvasPng()).equals(canvasBefore)).toBe(true);
    expect(await meanDifference(outputBefore, await app.sketch.outputPng())).toBeLessThan(0.05);

    await app.sketch.andWait(() => page.keyboard.press('Control+Shift+z'));
    await app.sketch.waitIdle();
    expect((await app.sketch.canvasPng()).equals(canvasAfter)).toBe(true);
    expect(await meanDifference(outputAfter, await app.sketch.outputPng())).toBeLessThan(0.05);

    await app.sketch.andWait(() => page.getByRole('button', { name: 'Undo' }).click());
    expect((await app.sketch.canvasPng()).equals(canvasBefore)).toBe(true);
    await app.sketch.andWait(() => page.keyboard.press('Control+y'));
    expect((await app.sketch.canvasPng()).equals(canvasAfter)).toBe(true);
    await app.sketch.andWait(() => page.getByRole('button', { name: 'Undo' }).click());
    await app.sketch.waitIdle();
    expect(await page.getByRole('button', { name: 'Redo' }).isEnabled()).toBe(true);
  });

  it('draws with a finger too (touch pointer events), without scrolling the page', async () => {
    const before = await greyPixels(await app.sketch.canvasPng());
    const scroll = await page.evaluate(() => window.scrollY);
    await app.sketch.canvas().evaluate((c) => c.addEventListener('pointerdown', (e) => c.setAttribute('data-last-pointer', (e as PointerEvent).pointerType)));
    await app.sketch.drawStrokeAndWait([[0.3, 0.72], [0.5, 0.76], [0.7, 0.72]], 30_000, 'touch');
    expect(await app.sketch.canvas().getAttribute('data-last-pointer')).toBe('touch');
    const after = await greyPixels(await app.sketch.canvasPng());
    expect(darkShare(after)).toBeGreaterThan(darkShare(before));
    expect(await page.evaluate(() => window.scrollY)).toBe(scroll);
    await app.sketch.andWait(() => page.keyboard.press('Control+z'));
    await app.sketch.waitIdle();
  });

  it('erases with the eraser, and undo brings the line back', async () => {
    const before = await app.sketch.canvasPng();
    await app.sketch.chooseTool('Eraser');
    // Across the clasp and the flap line.
    await app.sketch.drawStrokeAndWait([[0.42, 0.61], [0.5, 0.61], [0.58, 0.61]]);
    const erased = await greyPixels(await app.sketch.canvasPng());
    expect(darkShare(erased)).toBeLessThan(darkShare(await greyPixels(before)));
    await app.sketch.andWait(() => page.keyboard.press('Control+z'));
    expect((await app.sketch.canvasPng()).equals(before)).toBe(true);
    await app.sketch.chooseTool('Medium pen');
    await app.sketch.waitIdle();
  });

  it('saves the sketch and its translation side by side, and downloads both', async () => {
    const text = await app.sketch.save('my bag');
    expect(text).toMatch(/my-bag-sketch\.png.*my-bag-edges2handbags\.png/s);
    expect((await readdir(outDir())).sort()).toEqual(['my-bag-edges2handbags.png', 'my-bag-sketch.png']);
    const sketch = await readFile(join(outDir(), 'my-bag-sketch.png'));
    expect(await meanDifference(sketch, await app.sketch.canvasPng())).toBe(0);
    expect(await meanDifference(await readFile(join(outDir(), 'my-bag-edges2handbags.png')), await app.sketch.outputPng())).toBe(0);
    // Saving again never overwrites: both files take the next free name.
    await page.getByRole('button', { name: 'Save sketch and translation' }).click();
    await page.getByTestId('sketch-saved').filter({ hasText: 'my-bag-1-sketch.png' }).waitFor();
    expect((await readdir(outDir())).length).toBe(4);

    for (const [button, file] of [['Sketch', 'my-bag-sketch.png'], ['Translation', 'my-bag-edges2handbags.png']] as const) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: true }).click()]);
      expect(download.suggestedFilename()).toBe(file);
      const path = await download.path();
      expect((await sharp(path).metadata()).width).toBe(128);
    }
  });

  it('starts from an example, and undo returns to the drawing', async () => {
    const drawing = await app.sketch.canvasPng();
    await app.sketch.andWait(() => app.sketch.pickExample('Tote'));
    const canvas = await greyPixels(await app.sketch.canvasPng());
    const example = await greyPixels(await readFile(fileURLToPath(new URL('../assets/sketches/tote.png', import.meta.url))));
    expect(Math.max(...canvas.map((v, i) => Math.abs(v - example[i]!)))).toBeLessThanOrEqual(1);
    expect(await app.sketch.strokes()).toBe(0);
    await expect.poll(() => page.getByTestId('sketch-name').inputValue()).toBe('tote');
    await app.sketch.andWait(() => page.keyboard.press('Control+z'));
    expect((await app.sketch.canvasPng()).equals(drawing)).toBe(true);
  });

  it('loads a picture (picked or dropped on the pad) and traces it into edges', async () => {
    const photo = join(root, 'red-bag.jpg');
    await sharp(
      Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400"><rect width="400" height="400" fill="#fff"/>
        <path d="M140 150 Q200 40 260 150" stroke="#5a1a14" stroke-width="14" fill="none"/>
        <rect x="90" y="150" width="220" height="190" rx="26" fill="#b3322b"/><path d="M90 200 L200 250 L310 200" stroke="#6d1d18" stroke-width="6" fill="none"/></svg>`),
    )
      .jpeg({ quality: 92 })
      .toFile(photo);
    await app.sketch.andWait(() => app.sketch.loadPicture(photo));
    const edges = await greyPixels(await app.sketch.canvasPng());
    expect(darkShare(edges)).toBeGreaterThan(0.02);
    expect(darkShare(edges)).toBeLessThan(0.15);
    expect(await page.getByTestId('sketch-stroke-count').innerText()).toMatch(/^red-bag · 0 strokes$/);

    // Dropped on the pad: traced here, and not added to the Translate page's queue.
    await app.sketch.andWait(async () => {
      const transfer = await app.translate.prepareDrop([photo]);
      const card = page.getByTestId('sketch-card');
      await card.dispatchEvent('dragenter', { dataTransfer: transfer });
      await card.dispatchEvent('dragover', { dataTransfer: transfer });
      await card.dispatchEvent('drop', { dataTransfer: transfer });
    });
    await app.goTo('Translate');
    expect(await app.translate.summary().innerText()).toBe('Queue');
    await app.goTo('Sketch');
    expect(await app.sketch.strokes()).toBe(0);
  });

  it('ends a burst of quick strokes on the translation of the final canvas (newest wins, stale answers never shown)', async () => {
    await clearPad();
    const before = await app.sketch.previewCounts();
    const strokes = 24;
    // No waiting between strokes: a quick scribble, faster than the previews come back.
    const started = performance.now();
    await app.sketch.scribble(
      Array.from({ length: strokes }, (_, i) => {
        const x = 0.12 + (0.76 * i) / strokes;
        return [[x, 0.3], [x + 0.03, 0.7]] as CanvasPoint[];
      }),
    );
    const scribbleMs = performance.now() - started;
    await page.locator(`[data-testid="sketch-page"][data-strokes="${strokes}"]`).waitFor();
    await app.sketch.waitIdle();
    const after = await app.sketch.previewCounts();
    const sent = after.sent - before.sent;
    const computed = after.computed - before.computed;
    expect(sent).toBeGreaterThanOrEqual(strokes);
    // How many are skipped depends on the machine's speed (on a busy 2-core machine a few of 25);
    // the bench:live table reports it.
    expect(computed).toBeLessThanOrEqual(sent);
    console.log(`sketch burst: ${strokes} strokes in ${scribbleMs.toFixed(0)} ms, ${computed} previews computed for ${sent} asked for`);
    await recordLiveBench({ key: 'sketch-burst', what: `Sketch pad: ${strokes} quick strokes`, subject: 'edges2handbags, 128 x 128', samples: [], coalescing: { computed, inputEvents: sent } });
    // The picture shown is the translation of the final canvas: clear and undo ask again for
    // the same canvas, and the answer is the same picture.
    const last = await app.sketch.outputPng();
    await app.sketch.andWait(() => page.getByRole('button', { name: 'Clear' }).click());
    await app.sketch.andWait(() => page.keyboard.press('Control+z'));
    await app.sketch.waitIdle();
    expect(await meanDifference(last, await app.sketch.outputPng())).toBeLessThan(0.05);
  });

  it(`measures stroke end to updated output over ${LATENCY_STROKES} strokes`, async () => {
    await clearPad();
    const timings = [];
    for (let i = 0; i < LATENCY_STROKES; i++) {
      // Short strokes across the pad, as when adding details; each waits for its own output.
      const y = 0.2 + (0.6 * i) / LATENCY_STROKES;
      timings.push(await app.sketch.drawStrokeAndWait([[0.2, y], [0.4, y + 0.05], [0.6, y - 0.03], [0.8, y + 0.02]]));
      await app.sketch.waitIdle();
    }
    const samples = timings.map((t) => t.latencyMs);
    // Rows for `npm run bench:live` (docs/BENCHMARKS.md, live-preview section), merged by key.
    await recordLiveBench({ key: 'sketch-stroke', what: 'Sketch pad: stroke end (pointerup) to the updated translation on screen', subject: 'edges2handbags, 128 x 128', samples });
    const median = percentile(samples, 50);
    const engine = percentile(timings.map((t) => t.engineMs), 50);
    console.log(`sketch stroke to output: median ${median.toFixed(0)} ms, p90 ${percentile(samples, 90).toFixed(0)} ms, engine median ${engine.toFixed(0)} ms (${samples.join(', ')})`);
    // The acceptance target is a median under 400 ms (measured by npm run bench:live on a quiet
    // machine); this bound only catches a broken pipeline on a busy one.
    expect(median).toBeLessThan(1500);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
