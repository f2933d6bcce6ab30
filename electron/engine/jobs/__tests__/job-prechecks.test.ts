import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../contract/jobs.js';
import { runSweepJob } from '../sweep-job.js';
import { runTranslateJob } from '../translate-job.js';
import { tinyJobs } from './tiny-jobs.js';

const { root, library, sessions } = tinyJobs('gs-prechecks-');

async function image(path: string, width: number, height: number, colour = '#6080a0'): Promise<string> {
  await sharp({ create: { width, height, channels: 3, background: colour } }).png().toFile(path);
  return path;
}

function translate(inputs: string[], outDir: string, events: JobEvent[] = []): ReturnType<typeof runTranslateJob> {
  return runTranslateJob({ inputs, model: 'tiny', outDir, format: 'png', device: 'cpu' }, { library, sessions }, (e) => events.push(e));
}

describe('before translating', () => {
  it('translates images down to 1 x 1 (padded for the network, cropped back), not a raw onnxruntime Pad error', async () => {
    const dir = join(root, 'tiny-images');
    await mkdir(dir);
    const sizes: [number, number][] = [
      [1, 1],
      [1, 7],
      [3, 2],
      [5, 5],
    ];
    for (const [w, h] of sizes) await image(join(dir, `s${w}x${h}.png`), w, h);
    const events: JobEvent[] = [];
    const summary = await translate([dir], join(root, 'tiny-out'), events);
    const errors = events.flatMap((e) => (e.type === 'item-error' ? [e.error.message] : []));
    expect(errors).toEqual([]);
    expect(summary.succeeded).toBe(4);
    for (const [w, h] of sizes) {
      const meta = await sharp(join(root, 'tiny-out', `s${w}x${h}.png`)).metadata();
      expect([meta.width, meta.height]).toEqual([w, h]);
    }
  });

  it('translating a folder into a folder inside it, again and again, translates only the originals (2, 2, 2, 2)', async () => {
    const dir = join(root, 'self');
    await mkdir(dir);
    await image(join(dir, 'a.png'), 16, 16);
    await image(join(dir, 'b.png'), 16, 16, '#a08060');
    const counts: number[] = [];
    let reasons: string[] = [];
    for (let run = 0; run < 4; run++) {
      const events: JobEvent[] = [];
      const summary = await translate([dir], join(dir, 'translated'), events);
      counts.push(summary.succeeded + summary.failed);
      reasons = events.flatMap((e) => (e.type === 'item-done' && e.renamed ? [e.renameReason ?? ''] : []));
    }
    expect(counts).toEqual([2, 2, 2, 2]);
    expect(reasons).toEqual(['a.png already existed and was kept (overwriting replaces it)', 'b.png already existed and was kept (overwriting replaces it)']);
    expect((await readdir(dir)).sort()).toEqual(['a.png', 'b.png', 'translated']);
  });

  it('refuses an output folder that is the input folder, before writing anything', async () => {
    const dir = join(root, 'same');
    await mkdir(dir);
    await image(join(dir, 'a.png'), 16, 16);
    const events: JobEvent[] = [];
    await expect(translate([dir], dir, events)).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
      message: expect.stringMatching(/the output folder .*same is also an input folder: its translations would be translated again/),
    });
    await expect(
      runSweepJob({ inputs: [`${dir}/`], model: 'tiny-cond', outDir: join(dir, '.', ''), format: 'png', device: 'cpu', sweep: { name: 'fog', from: 0, to: 1, steps: 2 } }, { library, sessions }, () => undefined),
    ).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    expect(events).toEqual([]);
    expect(await readdir(dir)).toEqual(['a.png']);
  });

  it('says why an output was renamed: an input is never replaced, even with overwrite', async () => {
    const dir = join(root, 'named');
    await mkdir(dir);
    const input = await image(join(dir, 'a.png'), 16, 16);
    const events: JobEvent[] = [];
    await runTranslateJob({ inputs: [input], model: 'tiny', outDir: dir, format: 'png', device: 'cpu', overwrite: true }, { library, sessions }, (e) => events.push(e));
    const done = events.find((e) => e.type === 'item-done');
    expect(done).toMatchObject({ renamed: true, renameReason: 'a.png is one of the inputs, which are never replaced (not even when overwriting)' });
  });
});
