import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../errors.js';
import { detectEdges } from '../../imaging/index.js';
import { saveSketch, sketchEdges, sketchExamples, sketchStem } from '../index.js';

/** The sketch pad's engine side, on real image files and a real output folder. */
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gs-sketch-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A product-shot-like picture: a brown bag body with a handle on white, 320 x 240 (wider than tall). */
const BAG_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240">
  <rect width="320" height="240" fill="#ffffff"/>
  <path d="M120 90 Q160 20 200 90" stroke="#5a3020" stroke-width="10" fill="none"/>
  <rect x="90" y="90" width="140" height="110" rx="14" fill="#9b5a35"/>
  <rect x="150" y="120" width="20" height="14" fill="#d8b050"/>
</svg>`;

/** Black pen lines on white, 512 px: already a drawing. */
const DRAWING_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512">
  <rect width="512" height="512" fill="#ffffff"/>
  <rect x="100" y="200" width="312" height="220" rx="30" stroke="#000" stroke-width="8" fill="none"/>
  <path d="M180 200 Q256 60 332 200" stroke="#000" stroke-width="8" fill="none"/>
</svg>`;

async function pngPixels(dataUrl: string): Promise<{ grey: Uint8Array; width: number; height: number }> {
  expect(dataUrl.startsWith('data:image/png;base64,')).toBe(true);
  const { data, info } = await sharp(Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'))
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { grey: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height), width: info.width, height: info.height };
}

const darkShare = (grey: Uint8Array): number => grey.filter((v) => v < 128).length / grey.length;

describe('sketch:edges', () => {
  it('traces a photo file with the engine edge detector, fitted into the square on white', async () => {
    const path = join(work, 'bag.jpg');
    await sharp(Buffer.from(BAG_SVG)).jpeg({ quality: 95 }).toFile(path);
    const edges = await sketchEdges({ path }, 128);
    expect([edges.kind, edges.width, edges.height]).toEqual(['edges', 128, 128]);
    const { grey, width, height } = await pngPixels(edges.png);
    expect([width, height]).toEqual([128, 128]);
    // The very detector the model was trained with, on the same fitted picture: identical lines.
    const fitted = await sharp(path).resize(128, 128, { fit: 'contain', background: '#ffffff', kernel: 'lanczos3' }).removeAlpha().raw().toBuffer();
    expect(Buffer.from(grey).equals(Buffer.from(detectEdges(new Uint8Array(fitted), 128, 128)))).toBe(true);
    // Thin lines on white: the outline, not a filled bag; the letterbox bands (rows 0..31) stay white.
    expect(darkShare(grey)).toBeGreaterThan(0.01);
    expect(darkShare(grey)).toBeLessThan(0.15);
    expect(grey.subarray(0, 28 * 128).every((v) => v === 255)).toBe(true);
  });

  it('keeps a line drawing as drawn (one line per pen stroke, not two), scaled to the size', async () => {
    const path = join(work, 'drawing.png');
    await sharp(Buffer.from(DRAWING_SVG)).png().toFile(path);
    const edges = await sketchEdges({ path }, 128);
    expect(edges.kind).toBe('drawing');
    const { grey } = await pngPixels(edges.png);
    // Column 64 crosses the handle, the top and the bottom of the body: three dark runs. A
    // traced drawing would show each line's two sides, six runs.
    let runs = 0;
    for (let y = 0, inRun = false; y < 128; y++) {
      const dark = grey[y * 128 + 64]! < 128;
      if (dark && !inRun) runs++;
      inRun = dark;
    }
    expect(runs).toBe(3);
  });

  it('reads PNG bytes sent by the page; transparent areas count as white paper', async () => {
    const transparent = await sharp(Buffer.from(BAG_SVG.replace('<rect width="320" height="240" fill="#ffffff"/>', ''))).png().toBuffer();
    const edges = await sketchEdges({ bytes: transparent, label: 'bag.png' }, 64);
    const { grey, width } = await pngPixels(edges.png);
    expect(width).toBe(64);
    expect(edges.kind).toBe('edges');
    // The picture fills rows 8..55: no edge along its frame at row 8 (black there would
    // outline it), nothing before the handle starts at about row 18.
    expect(grey.subarray(0, 14 * 64).every((v) => v === 255)).toBe(true);
    expect(darkShare(grey)).toBeGreaterThan(0.01);
  });

  it('names the problem: not an image, a missing file, a bad size', async () => {
    const junk = await sketchEdges({ bytes: Buffer.from('hello, not a picture'), label: 'notes.png' }).catch((e: unknown) => e);
    expect(junk).toBeInstanceOf(StudioError);
    expect((junk as StudioError).code).toBe('BAD_IMAGE');
    expect((junk as StudioError).message).toMatch(/notes\.png/);
    await expect(sketchEdges({ path: join(work, 'missing.png') })).rejects.toMatchObject({ code: 'IO_ERROR' });
    await expect(sketchEdges({ path: join(work, 'drawing.png') }, 5)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });
});

describe('sketch:save', () => {
  const sketch = (): Promise<Buffer> => sharp({ create: { width: 128, height: 128, channels: 3, background: '#ffffff' } }).png().toBuffer();
  const output = (): Promise<Buffer> => sharp({ create: { width: 128, height: 128, channels: 3, background: '#8b4a2b' } }).png().toBuffer();

  it('writes the sketch and its translation as PNGs, byte for byte, and never overwrites', async () => {
    const outDir = join(work, 'out', 'GAN Studio');
    const [s, o] = [await sketch(), await output()];
    const args = { sketch: s.toString('base64'), output: `data:image/png;base64,${o.toString('base64')}`, model: 'edges2handbags', outDir };
    const first = await saveSketch({ ...args, name: 'my bag' });
    expect(first).toEqual({ sketch: join(outDir, 'my-bag-sketch.png'), output: join(outDir, 'my-bag-edges2handbags.png') });
    expect((await readFile(first.sketch)).equals(s)).toBe(true);
    expect((await readFile(first.output)).equals(o)).toBe(true);
    // Saved again: both files move on to the same free number.
    const second = await saveSketch({ ...args, name: 'my bag' });
    expect(second).toEqual({ sketch: join(outDir, 'my-bag-1-sketch.png'), output: join(outDir, 'my-bag-1-edges2handbags.png') });
    // A file of someone else's that takes one of the pair's names: the pair takes the next number.
    await writeFile(join(outDir, 'drawing-edges2handbags.png'), 'theirs');
    const third = await saveSketch(args);
    expect(third.sketch).toBe(join(outDir, 'drawing-1-sketch.png'));
    expect(await readFile(join(outDir, 'drawing-edges2handbags.png'), 'utf8')).toBe('theirs');
    expect((await readdir(outDir)).sort()).toEqual(
      ['drawing-1-edges2handbags.png', 'drawing-1-sketch.png', 'drawing-edges2handbags.png', 'my-bag-1-edges2handbags.png', 'my-bag-1-sketch.png', 'my-bag-edges2handbags.png', 'my-bag-sketch.png'].sort(),
    );
  });

  it('refuses what is not a whole PNG, writing nothing', async () => {
    const outDir = join(work, 'refused');
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).jpeg().toBuffer();
    const png = await sketch();
    await expect(saveSketch({ sketch: png.toString('base64'), output: jpeg.toString('base64'), model: 'm', outDir })).rejects.toMatchObject({ code: 'BAD_IMAGE' });
    await expect(saveSketch({ sketch: png.subarray(0, png.length - 20).toString('base64'), output: png.toString('base64'), model: 'm', outDir })).rejects.toMatchObject({
      code: 'BAD_IMAGE',
    });
    await expect(saveSketch({ sketch: '%%%', output: png.toString('base64'), model: 'm', outDir })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(readdir(outDir)).rejects.toThrow();
  });

  it('keeps names inside the output folder', async () => {
    expect(sketchStem('../../etc/passwd')).toBe('etc-passwd');
    expect(sketchStem('  ')).toBe('drawing');
    expect(sketchStem('tote.png')).toBe('tote');
    const outDir = join(work, 'inside');
    await mkdir(outDir);
    const png = (await sketch()).toString('base64');
    const saved = await saveSketch({ sketch: png, output: png, model: '../x', name: '../up', outDir });
    expect(saved.output).toBe(join(outDir, 'up-.._x.png'));
  });
});

describe('sketch:examples', () => {
  it('lists the bundled handbag sketches: black lines on white at the model size', async () => {
    const examples = await sketchExamples();
    expect(examples.map((e) => e.name)).toEqual(['tote', 'satchel', 'bowling', 'trapezoid', 'bucket', 'clutch']);
    for (const example of examples) {
      const { grey, width, height } = await pngPixels(example.png);
      expect([width, height, example.width, example.height]).toEqual([128, 128, 128, 128]);
      expect(example.title.length).toBeGreaterThan(2);
      expect(darkShare(grey)).toBeGreaterThan(0.02);
      expect(darkShare(grey)).toBeLessThan(0.12);
    }
  });
});
