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
function studio(onPlacing?: (index: number, engine: EngineSupervisor) => void): {
  jobs: JobManager;
  events: StudioJobEvent[];
  statuses: SupervisorStatus[];
  engine: EngineSupervisor;
} {
  const events: StudioJobEvent[] = [];
  const statuses: SupervisorStatus[] = [];
  const engine = new EngineSupervisor(forkEngine, {
    onEvent: (e) => {
      if (e.type === 'item-progress') jobs.itemProgress(e.jobId, e.index, e.itemProgress, e.status);
      if (e.type === 'item-placing') {
        jobs.itemPlacing(e.jobId, e.index, e.path);
        onPlacing?.(e.index, engine);
      }
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
    expect(engine.status).toMatchObject({ state: 'ready', restarts: 1, lastExit: 'killed by SIGKILL (ended from outside: the system may have run out of memory)' });
    expect(engine.status.pid).not.toBe(firstPid);
  }, 120_000);

  it('kills at the moment an output is being placed: still exactly one output per input', async () => {
    // The kill lands either before or after the engine moves the file into place; both must
    // end with one output per input, never a second copy named photo-1.jpg.
    const killedAt = new Set<number>();
    const { jobs, events, engine } = studio((index, eng) => {
      if ((index === 1 || index === 4 || index === 7) && !killedAt.has(index)) {
        killedAt.add(index);
        process.kill(eng.status.pid as number, 'SIGKILL');
      }
    });
    await engine.start();
    const files = await writeBatch(join(root, 'placing-in'), 9, { width: 128, height: 96 }, false);
    const expanded = await engine.request('files:expand', { inputs: [join(root, 'placing-in')] });
    if (!expanded.ok) throw new Error(expanded.error.message);
    const out = join(root, 'placing-out');
    jobs.start(spec(out), expanded.data);
    await until(() => events.some((e) => e.type === 'finished'), 'the batch to finish');
    expect(killedAt.size).toBe(3);
    expect(events.filter((e) => e.type === 'engine-lost').length).toBe(3);
    expect(events.find((e) => e.type === 'finished')).toMatchObject({ succeeded: 9, failed: 0 });
    expect((await readdir(out)).filter((n) => !n.startsWith('.')).sort()).toEqual(files.map((f) => f.name).sort());
  }, 120_000);

  it('keeps an output placed just before the engine died instead of translating it again', async () => {
    // A kill in the instant between placing a file and replying is too narrow to hit on purpose,
    // so the reply of a real translation is replaced by the one a dead engine gives.
    const events: StudioJobEvent[] = [];
    const engine = new EngineSupervisor(forkEngine, {
      onEvent: (e) => {
        if (e.type === 'item-placing') jobs.itemPlacing(e.jobId, e.index, e.path);
      },
      onStatus: () => undefined,
    });
    supervisor = engine;
    const jobs = new JobManager(
      {
        translate: async (args) => {
          const result = await engine.request('translate:item', args);
          return args.index === 1 && result.ok ? { ok: false, error: { code: 'ENGINE_LOST', message: 'the engine stopped (killed by SIGKILL)' } } : result;
        },
      },
      (e) => events.push(e),
    );
    const files = await writeBatch(join(root, 'lost-reply-in'), 3, { width: 96, height: 64 }, false);
    const expanded = await engine.request('files:expand', { inputs: [join(root, 'lost-reply-in')] });
    if (!expanded.ok) throw new Error(expanded.error.message);
    const out = join(root, 'lost-reply-out');
    jobs.start(spec(out), expanded.data);
    await until(() => events.some((e) => e.type === 'finished'), 'the batch to finish');
    expect(events.find((e) => e.type === 'finished')).toMatchObject({ succeeded: 3, failed: 0 });
    const kept = events.find((e) => e.type === 'item-done' && e.index === 1);
    expect(kept?.type === 'item-done' && kept.notes[0]).toMatch(/kept, not translated again/);
    expect((await readdir(out)).sort()).toEqual(files.map((f) => f.name).sort());
  }, 60_000);

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
    // What a page opened now is told: the batch with each item as it ended.
    const [listed] = jobs.list();
    expect(listed).toMatchObject({ jobId, model: 'tiny', outDir: out });
    expect(listed?.items.filter((i) => i.state === 'done').length).toBe(8);
    expect(listed?.items.find((i) => i.name.endsWith('corrupt.jpg'))).toMatchObject({ state: 'failed', progress: 1, error: { code: 'BAD_IMAGE' } });
    expect(listed?.items.find((i) => i.state === 'done')).toMatchObject({ provider: 'cpu', renamed: false, progress: 1 });
    const error = events.find((e) => e.type === 'item-error');
    expect(error?.type === 'item-error' && error.error).toMatchObject({ code: 'BAD_IMAGE' });
    expect((await readdir(out)).length).toBe(8);
  }, 120_000);
});
