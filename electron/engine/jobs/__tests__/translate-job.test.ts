import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../contract/jobs.js';
import { writeProblemImageFolder } from '../../imaging/__tests__/fixture-images.js';
import { runTranslateJob } from '../translate-job.js';
import { tinyJobs } from './tiny-jobs.js';

const { root, library, sessions } = tinyJobs('gs-jobs-');

async function digest(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

describe('translate job', () => {
  it('translates the good files, names the bad ones with their cause and keeps going', async () => {
    const inputDir = join(root, 'problems');
    await mkdir(inputDir);
    const files = await writeProblemImageFolder(inputDir);
    const before = Object.fromEntries(await Promise.all(Object.entries(files).map(async ([n, p]) => [n, await digest(p)])));
    const events: JobEvent[] = [];
    const outDir = join(root, 'out-problems');
    const summary = await runTranslateJob(
      { inputs: [inputDir], model: 'tiny', outDir, format: 'auto', device: 'cpu' },
      { library, sessions },
      (e) => events.push(e),
    );
    expect(summary.succeeded).toBe(5);
    expect(summary.failed).toBe(3);
    expect(events[0]?.type).toBe('queued');
    expect(events.at(-1)?.type).toBe('finished');
    const errors = events.flatMap((e) => (e.type === 'item-error' ? [[e.input.split('/').pop(), e.error.message]] : []));
    expect(Object.fromEntries(errors)).toMatchObject({
      'corrupt.jpg': expect.stringMatching(/corrupt\.jpg.*(truncated|corrupt|premature)/i),
      'empty.png': expect.stringMatching(/empty\.png.*empty/i),
      'notes.png': expect.stringMatching(/notes\.png.*not an image/i),
    });
    expect((await readdir(outDir)).sort()).toEqual(['cmyk.jpg', 'deep.png', 'good.jpg', 'rgba.png', 'rotated.jpg']);
    const rotated = await sharp(join(outDir, 'rotated.jpg')).metadata();
    expect([rotated.width, rotated.height]).toEqual([48, 64]);
    // Progress only moves forward and ends at 1.
    const progress = events.flatMap((e) => ('progress' in e ? [e.progress] : []));
    expect(progress.every((p, i) => i === 0 || p >= (progress[i - 1] ?? 0))).toBe(true);
    expect(progress.at(-1)).toBe(1);
    for (const [name, path] of Object.entries(files)) expect(await digest(path), name).toBe(before[name]);
  });

  it('never overwrites: existing outputs and same-named inputs get a free name', async () => {
    const a = join(root, 'same', 'a');
    const b = join(root, 'same', 'b');
    await mkdir(a, { recursive: true });
    await mkdir(b, { recursive: true });
    const img = await sharp({ create: { width: 20, height: 12, channels: 3, background: '#408060' } }).png().toBuffer();
    await writeFile(join(a, 'x.png'), img);
    await writeFile(join(b, 'x.png'), img);
    const outDir = join(root, 'same-out');
    await mkdir(outDir);
    await writeFile(join(outDir, 'x.png'), 'keep me');
    const done: string[] = [];
    await runTranslateJob({ inputs: [a, b], model: 'tiny', outDir, format: 'auto', device: 'cpu' }, { library, sessions }, (e) => {
      if (e.type === 'item-done') done.push(e.output.split('/').pop() ?? '');
    });
    expect(done).toEqual(['x-1.png', 'x-2.png']);
    expect(await readFile(join(outDir, 'x.png'), 'utf8')).toBe('keep me');
    // Translating files into their own folder never touches them, even when overwriting (a
    // folder into itself is refused: job-prechecks.test.ts).
    await runTranslateJob({ inputs: [join(a, 'x.png')], model: 'tiny', outDir: a, format: 'png', device: 'cpu', overwrite: true }, { library, sessions }, () => undefined);
    expect(await readFile(join(a, 'x.png'))).toEqual(img);
    expect((await readdir(a)).sort()).toEqual(['x-1.png', 'x.png']);
  });

  it('stops between files when cancelled and reports what is left', async () => {
    const dir = join(root, 'many');
    await mkdir(dir);
    for (let i = 0; i < 4; i++) {
      await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: i * 60, g: 90, b: 30 } } })
        .png()
        .toFile(join(dir, `img${i}.png`));
    }
    const controller = new AbortController();
    const events: JobEvent[] = [];
    const summary = await runTranslateJob(
      { inputs: [dir], model: 'tiny', outDir: join(root, 'many-out'), format: 'auto', device: 'cpu' },
      { library, sessions },
      (e) => {
        events.push(e);
        if (e.type === 'item-done') controller.abort();
      },
      controller.signal,
    );
    expect(summary.cancelled).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'cancelled', succeeded: 1, remaining: 3 });
    expect(await readdir(join(root, 'many-out'))).toEqual(['img0.png']);
  });

  it('feeds conditional models their attribute values and refuses unknown ones', async () => {
    const input = join(root, 'cond.png');
    await sharp({ create: { width: 24, height: 24, channels: 3, background: '#a06040' } }).png().toFile(input);
    const run = async (attributes: Record<string, number>, outDir: string): Promise<Buffer> => {
      await runTranslateJob({ inputs: [input], model: 'tiny-cond', outDir, format: 'png', device: 'cpu', attributes }, { library, sessions }, () => undefined);
      return sharp(join(outDir, 'cond.png')).raw().toBuffer();
    };
    const low = await run({ warmth: 0 }, join(root, 'c0'));
    const high = await run({ warmth: 1 }, join(root, 'c1'));
    expect(low.equals(high)).toBe(false);
    await expect(run({ colour: 1 }, join(root, 'c2'))).rejects.toThrow(/no attribute colour.*warmth, fog/);
    await expect(run({ fog: 3 }, join(root, 'c3'))).rejects.toThrow(/fog=3 is outside its range 0\.\.1/);
  });

  it('fails before any work for an unknown model or device', async () => {
    const ctx = { library, sessions };
    await expect(runTranslateJob({ inputs: [], model: 'missing', outDir: root, format: 'auto', device: 'cpu' }, ctx, () => undefined)).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(runTranslateJob({ inputs: [], model: 'tiny', outDir: root, format: 'auto', device: 'tpu' }, ctx, () => undefined)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });
});
