import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewResult } from '../../contract/preview.js';
import type { Result } from '../../contract/result.js';
import { toResult } from '../../engine/errors.js';
import { PreviewRenderer, type PreviewRequest } from '../../engine/jobs/preview.js';
import { ModelLibrary } from '../../engine/library/index.js';
import { SessionManager } from '../../engine/runtime/index.js';
import { PreviewScheduler } from '../preview-scheduler.js';

const DAY_SCENE = fileURLToPath(new URL('../../../assets/samples/day-scene.jpg', import.meta.url));

let root: string;
let scene: string;
const sessions = new SessionManager({ threads: 2 });
let renderer: PreviewRenderer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gs-scheduler-'));
  scene = join(root, 'scene.png');
  await sharp(DAY_SCENE).resize(256).png().toFile(scene);
  renderer = new PreviewRenderer(new ModelLibrary({ home: join(root, 'home') }), sessions);
});
afterAll(async () => {
  await sessions.dispose();
  await rm(root, { recursive: true, force: true });
});

/** A real render of the bundled scene-attributes model at one time-of-day value. */
const render = (timeOfDay: number, path = scene) => () =>
  toResult(() => renderer.render({ model: 'scene-attributes', source: { path }, attributes: { time_of_day: timeOfDay }, device: 'cpu' } satisfies PreviewRequest));

const imageOf = (r: Result<PreviewResult>): string => (r.ok && !r.data.superseded ? r.data.image : '');

describe('newest-wins preview scheduling', () => {
  it('computes the first and the newest of a burst; the values between come back superseded at once', async () => {
    const scheduler = new PreviewScheduler();
    const answered: number[] = [];
    const values = Array.from({ length: 30 }, (_, i) => i / 29);
    const results = values.map((v, i) =>
      scheduler.request('drag', render(v)).then((r) => {
        answered.push(i);
        return r;
      }),
    );
    const all = await Promise.all(results);
    const computed = all.flatMap((r, i) => (r.ok && !r.data.superseded ? [i] : []));
    expect(computed).toEqual([0, 29]);
    expect(all.filter((r) => r.ok && r.data.superseded).length).toBe(28);
    // The superseded ones were answered before the first render finished, never queued behind it.
    expect(answered.slice(0, 28)).toEqual(values.slice(1, 29).map((_, i) => i + 1));
    const last = all[29];
    expect(last?.ok && !last.data.superseded && last.data.computed).toBe(2);
    expect(scheduler.computed('drag')).toBe(2);
    // The last picture is the one for the final value, the same as a fresh render of it.
    const fresh = await render(1)();
    expect(fresh.ok && fresh.data.image).toBe(imageOf(last as Result<PreviewResult>));
  });

  it('keeps streams apart, reports failures, and goes on after one', async () => {
    const scheduler = new PreviewScheduler();
    const [a, b] = await Promise.all([scheduler.request('attributes', render(0)), scheduler.request('sketch', render(1))]);
    expect(imageOf(a)).not.toBe('');
    expect(imageOf(b)).not.toBe('');
    expect(imageOf(a)).not.toBe(imageOf(b));
    const missing = await scheduler.request('attributes', render(0.5, join(root, 'gone.png')));
    expect(missing).toMatchObject({ ok: false, error: { code: 'IO_ERROR', message: expect.stringMatching(/gone\.png: no such file/) } });
    const after = await scheduler.request('attributes', render(0.5));
    expect(after.ok && !after.data.superseded && after.data.computed).toBe(2);
    expect(scheduler.computed('sketch')).toBe(1);
  });
});
