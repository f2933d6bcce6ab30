import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelSummary } from '../../../contract/ipc.js';
import type { TrainingEventPayload } from '../../../contract/finetune.js';
import type { TrainSettings } from '../../../contract/training.js';
import { ModelLibrary } from '../../library/model-library.js';
import { blobImage, tinyCycleganSettings, tint, writeFolder } from '../../training/__tests__/synthetic-folders.js';
import type { EngineEvent } from '../protocol.js';
import { TrainingHost } from '../training-host.js';
import { scratchFolder } from '../../../../e2e/fixtures/scratch-folder.js';
import { webgpuSkipReason } from '../../../../e2e/fixtures/webgpu.js';
import { FAIL_DEVICE_ENV } from '../../runtime/index.js';

/** The engine's side of the fine-tune page, on real folders and a real (tiny) run. */
const { root: work, home } = scratchFolder('gs-training-host-');
let host: TrainingHost;
const events: EngineEvent[] = [];

beforeAll(async () => {
  await writeFolder(join(work, 'warm'), 4, 32, (s) => tint(blobImage(s, 32), true));
  await writeFolder(join(work, 'cool'), 4, 32, (s) => tint(blobImage(s, 32), false), 40);
  host = new TrainingHost(new ModelLibrary({ home }), (e) => events.push(e), async (entry) => ({ id: entry.manifest.id, name: entry.manifest.name }) as ModelSummary);
});

const settings = (): TrainSettings =>
  tinyCycleganSettings(work, { dataA: join(work, 'warm'), dataB: join(work, 'cool'), iterations: 1000, loadSize: 32, flip: false, sampleEvery: 2, checkpointEvery: 1000, name: 'warm to cool' });

async function waitFor(test: () => boolean, timeout = 60_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!test()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('TrainingHost', () => {
  it('checks a folder given as its files, and copies it when asked (browser uploads are temporary)', async () => {
    const files = ['img-001.png', 'img-002.png', 'img-003.png', 'img-004.png'].map((n) => join(work, 'warm', n));
    const inPlace = await host.check(files);
    expect([inPlace.folder, inPlace.count, inPlace.name]).toEqual([join(work, 'warm'), 4, 'warm']);
    expect(inPlace.warnings[0]).toMatch(/only 4 images: expect overfitting/);
    const copied = await host.check([join(work, 'cool')], join(home, 'datasets', 'x'));
    expect(copied.folder).toBe(join(home, 'datasets', 'x', 'cool'));
    expect(copied.count).toBe(4);
    await access(join(copied.folder, 'img-001.png'));
  });

  it('trains in the background, pauses with a checkpoint, stops (not offered again), resumes and exports', async () => {
    // Folder B as browser mode hands it over: the studio's copy of an upload, removed with the run.
    const copy = await host.check([join(work, 'cool')], join(home, 'datasets', 'upload-1'));
    const started = await host.start({ ...settings(), dataB: copy.folder }, home);
    expect(started.status).toBe('running');
    await expect(host.start(settings(), home)).rejects.toThrow(/already training/);
    await waitFor(() => events.filter((e) => e.type === 'train-event' && e.event.type === 'train-progress').length >= 3);
    const paused = await host.pause(join(home, 'runs', started.id));
    expect(paused.status).toBe('paused');
    expect(paused.iteration).toBeGreaterThanOrEqual(3);
    expect(paused.samples.length).toBeGreaterThanOrEqual(1);
    expect(paused.provider).toBe('cpu');

    const dir = join(home, 'runs', started.id);
    const stopped = await host.stop(dir);
    expect(stopped.status).toBe('stopped');
    expect((await host.runs(home)).map((r) => [r.id, r.status])).toEqual([[started.id, 'stopped']]);

    const resumed = await host.resume(dir);
    expect(resumed.status).toBe('running');
    const exported = await host.export(dir);
    expect(exported.map((m) => m.name)).toEqual(['warm to cool', 'warm to cool (reverse)']);
    expect((await host.pauseAll()).paused).toEqual([started.id]);
    const history = await host.history(dir);
    expect(history.run.status).toBe('paused');
    expect(history.losses.map((l) => l.i)).toEqual(Array.from({ length: history.run.iteration }, (_, k) => k + 1));
    expect(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')).exports).toEqual(exported.map((m) => m.id));
    await expect(host.delete(dir)).resolves.toBeUndefined();
    expect(await host.runs(home)).toEqual([]);
    await expect(access(join(home, 'datasets', 'upload-1'))).rejects.toThrow();
    await access(join(home, 'datasets', 'x', 'cool'));
  });
});

const noWebgpu = webgpuSkipReason();
describe.skipIf(noWebgpu !== null)(`TrainingHost, a run whose WebGPU device fails${noWebgpu === null ? '' : ` (skipped: ${noWebgpu})`}`, () => {
  it('tells the studio of the move to the CPU and reports the run on the CPU while it goes on', async () => {
    // The engine's fault point (runtime/injected-fault.ts); the move itself: training/__tests__/device-fallback.
    process.env[FAIL_DEVICE_ENV] = 'step:2';
    try {
      const started = await host.start({ ...settings(), name: 'on webgpu', device: 'webgpu' }, home);
      const mine = (): TrainingEventPayload['event'][] => events.flatMap((e) => (e.type === 'train-event' && e.runId === started.id ? [e.event] : []));
      await waitFor(() => mine().some((e) => e.type === 'train-fallback'), 240_000);
      const dir = join(home, 'runs', started.id);
      const running = (await host.history(dir)).run;
      expect(running).toMatchObject({ status: 'running', provider: 'cpu', fallbacks: [{ provider: 'webgpu', to: 'cpu', failedAt: 2, iteration: 1, from: 'device' }] });
      await waitFor(() => mine().filter((e) => e.type === 'train-progress').length >= 3);
      expect((await host.pause(dir)).status).toBe('paused');
      expect(mine().filter((e) => e.type === 'train-started').map((e) => e.type === 'train-started' && e.provider)).toEqual(['webgpu']);
    } finally {
      delete process.env[FAIL_DEVICE_ENV];
    }
  }, 300_000);
});
