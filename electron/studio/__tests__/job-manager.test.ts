import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StudioJobEvent } from '../../contract/ipc.js';
import { writeBatch } from '../../../e2e/fixtures/batch-images.js';
import { installTinyModel } from '../../../e2e/fixtures/tiny-model.js';
import { EngineSupervisor, type SupervisorStatus } from '../engine-supervisor.js';
import { forkEngine } from '../fork-launcher.js';
import { JobManager, type BatchSpec } from '../job-manager.js';

let root: string;
let home: string;
let supervisor: EngineSupervisor | undefined;
const savedHome = process.env.GAN_STUDIO_HOME;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gs-jobs-'));
  home = join(root, 'home');
  await installTinyModel(home, 'tiny');
  // The forked engine finds its library through the environment, as under gan-studio serve.
  process.env.GAN_STUDIO_HOME = home;
});
afterEach(() => supervisor?.stop());
afterAll(async () => {
  process.env.GAN_STUDIO_HOME = savedHome;
  await rm(root, { recursive: true, force: true });
});

/** A real engine process, a JobManager over it, and every event it sends. */
function studio(): { jobs: JobManager; events: StudioJobEvent[]; statuses: SupervisorStatus[]; engine: EngineSupervisor } {
  const events: StudioJobEvent[] = [];
  const statuses: SupervisorStatus[] = [];
  const engine = new EngineSupervisor(forkEngine, {
    onEvent: (e) => {
      if (e.type === 'item-progress') jobs.itemProgress(e.jobId, e.index, e.itemProgress, e.status);
    },
    onStatus: (s) => statuses.push(s),
  });
  supervisor = engine;
  const jobs = new JobManager({ translate: (args) => engine.request('translate:item', args) }, (e) => events.push(e));
  return { jobs, events, statuses, engine };
}

const spec = (outDir: string): BatchSpec => ({ model: 'tiny', outDir, format: 'auto', quality: 90, device: 'cpu', nameSuffix: '' });

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('JobManager over a real engine process', () => {
  it('resumes after the engine is killed: every file translated once, none lost', async () => {
    const { jobs, events, statuses, engine } = studio();
    await engine.start();
    const files = await writeBatch(join(root, 'kill-in'), 12, { width: 256, height: 192 }, false);
    const expanded = (await engine.request('files:expand', { inputs: [join(root, 'kill-in')] }));
    if (!expanded.ok) throw new Error(expanded.error.message);
    const out = join(root, 'kill-out');
    const { jobId } = jobs.start(spec(out), expanded.data);
    await until(() => events.filter((e) => e.type === 'item-done').length >= 2, 'two items');
    const firstPid = engine.status.pid as number;
    process.kill(firstPid, 'SIGKILL');
    await until(() => events.some((e) => e.type === 'finished'), 'the batch to finish');

    const done = events.filter((e) => e.type === 'item-done').map((e) => (e.type === 'item-done' ? e.index : -1));
    expect(done.sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect(events.find((e) => e.type === 'finished')).toMatchObject({ jobId, succeeded: 12, failed: 0 });
    expect(events.some((e) => e.type === 'engine-lost')).toBe(true);
    expect((await readdir(out)).sort()).toEqual(files.map((f) => f.name).sort());
    expect(statuses.map((s) => s.state)).toEqual(expect.arrayContaining(['ready', 'restarting']));
    expect(engine.status).toMatchObject({ state: 'ready', restarts: 1, lastExit: 'killed by SIGKILL' });
    expect(engine.status.pid).not.toBe(firstPid);
  }, 120_000);

  it('cancels one waiting file or all of them, and retries the failed and cancelled ones', async () => {
    const { jobs, events, engine } = studio();
    await engine.start();
    await writeBatch(join(root, 'cancel-in'), 8, { width: 128, height: 96 }, true);
    const expanded = await engine.request('files:expand', { inputs: [join(root, 'cancel-in')] });
    if (!expanded.ok) throw new Error(expanded.error.message);
    const out = join(root, 'cancel-out');
    const { jobId, items } = jobs.start(spec(out), expanded.data);
    const last = items[items.length - 1]?.index as number;
    expect(jobs.cancel(jobId, last)).toBe(1);
    await until(() => events.some((e) => e.type === 'item-done'), 'a first item');
    const cancelled = jobs.cancel(jobId);
    await until(() => events.some((e) => e.type === 'finished'), 'the batch to stop');
    const finished = events.find((e) => e.type === 'finished');
    expect(finished?.type === 'finished' && finished.succeeded + finished.failed + cancelled + 1).toBe(9);

    events.length = 0;
    expect(jobs.retry(jobId)).toBe(9 - (finished?.type === 'finished' ? finished.succeeded : 0));
    await until(() => events.some((e) => e.type === 'finished'), 'the retry to finish');
    expect(events.find((e) => e.type === 'finished')).toMatchObject({ succeeded: 8, failed: 1 });
    const error = events.find((e) => e.type === 'item-error');
    expect(error?.type === 'item-error' && error.error).toMatchObject({ code: 'BAD_IMAGE' });
    expect((await readdir(out)).length).toBe(8);
  }, 120_000);
});
