/**
 * `npm run bench:farm`: a batch through `translate` alone against the same batch on a farm of
 * one and of two workers (child processes, one thread each, a real redis-server), at 512 px
 * with the standard resnet_9blocks; and the farm's own cost per item (queue round trip and
 * shared-folder IO), from a tiny model where that cost is not hidden by the translation.
 * Writes its section of docs/BENCHMARKS.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBatch } from '../e2e/fixtures/batch-images.js';
import { RedisServer } from '../e2e/fixtures/redis-server.js';
import { TINY_RESNET, installTinyModel } from '../e2e/fixtures/tiny-model.js';
import { SharedFolderStorage, farmRedis, runFarmBatch } from '../electron/engine/farm/index.js';
import { runTranslateJob } from '../electron/engine/jobs/index.js';
import { ModelLibrary, packageRoot } from '../electron/engine/library/index.js';
import type { Architecture } from '../electron/engine/nets/index.js';
import { SessionManager } from '../electron/engine/runtime/index.js';
import { machineLine, median, writeBenchmarkSection } from './benchmarks-file.js';

const STANDARD: Architecture = { family: 'resnet', ngf: 64, nBlocks: 9, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3 };
const SIDE = 512;
const BIG_FILES = Number(process.env['FARM_BENCH_FILES'] ?? 4);
const BIG_ROUNDS = 2;
const SMALL_FILES = 40;
const ROUNDS = 3;

interface Setup {
  work: string;
  shared: string;
  redis: RedisServer;
  library: ModelLibrary;
  sessions: SessionManager;
}

/** What each worker printed, shown when an item fails. */
const workerLogs = new Map<string, string>();
/** Workers still running, stopped whatever happens. */
const workers = new Set<ChildProcess>();

function startWorker(setup: Setup, name: string): Promise<ChildProcess> {
  const bin = join(packageRoot(), 'bin', 'gan-studio.js');
  const child = spawn(process.execPath, [bin, 'worker', '--redis', setup.redis.url, '--shared', setup.shared, '--device', 'cpu', '--threads', '1', '--name', name], {
    env: { ...process.env, GAN_STUDIO_HOME: join(setup.work, name) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  workers.add(child);
  child.once('exit', () => workers.delete(child));
  let err = '';
  return new Promise((ready, fail) => {
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      workerLogs.set(name, err);
      if (err.includes('takes items from')) ready(child);
    });
    child.on('exit', (code) => fail(new Error(`worker ${name} exited with ${code}: ${err}`)));
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  await new Promise<void>((done) => {
    child.removeAllListeners('exit');
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

async function alone(setup: Setup, model: string, inputs: string, out: string): Promise<number> {
  const start = performance.now();
  const summary = await runTranslateJob({ inputs: [inputs], model, outDir: join(setup.shared, out), format: 'auto', device: 'cpu', overwrite: true, maxMemoryMB: 65536 }, setup, () => undefined);
  if (summary.failed > 0) throw new Error('a benchmark translation failed');
  return performance.now() - start;
}

/** Wall time of a farm batch, and the mean time a worker spent on each item (decode to placed output). */
async function onFarm(setup: Setup, model: string, inputs: string, out: string): Promise<{ wall: number; workerMs: number }> {
  const start = performance.now();
  const failures: string[] = [];
  const itemMs: number[] = [];
  const summary = await runFarmBatch(
    { inputs: [inputs], model, outDir: join(setup.shared, out), format: 'auto', maxMemoryMB: 65536 },
    { ...setup, redis: farmRedis(setup.redis.url), storage: await SharedFolderStorage.open(setup.shared), pollMs: 1000 },
    (event) => {
      if (event.type === 'item-error') failures.push(`${event.input}: ${event.error.code} ${event.error.message} (${event.worker ?? '?'})`);
      if (event.type === 'item-done') itemMs.push(event.ms);
    },
  );
  if (summary.failed > 0) {
    throw new Error(`farm benchmark items failed:\n${failures.join('\n')}\n${[...workerLogs].map(([n, l]) => `--- ${n}\n${l}`).join('\n')}`);
  }
  return { wall: performance.now() - start, workerMs: itemMs.reduce((a, b) => a + b, 0) / Math.max(1, itemMs.length) };
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'gs-farm-bench-'));
  const shared = join(work, 'shared');
  const redis = await RedisServer.start({ password: 'bench' });
  const sessions = new SessionManager({ threads: 1, idleMs: 600_000 });
  const setup: Setup = { work, shared, redis, library: new ModelLibrary({ home: join(work, 'client') }), sessions };
  const load: number[] = [loadavg()[0] ?? 0];
  const rows: string[] = [];
  let overheadLine = '';
  try {
    for (const home of ['client', 'w1', 'w2']) {
      await installTinyModel(join(work, home), 'bench-resnet9', STANDARD);
      await installTinyModel(join(work, home), 'bench-tiny', TINY_RESNET);
    }
    const big = join(shared, 'big');
    const small = join(shared, 'small');
    await writeBatch(big, BIG_FILES, { width: SIDE, height: SIDE }, false);
    await writeBatch(small, SMALL_FILES, { width: SIDE, height: SIDE }, false);
    const warm = join(shared, 'warm');
    await writeBatch(warm, 2, { width: SIDE, height: SIDE }, false);
    const warmOne = join(shared, 'warm-one');
    await writeBatch(warmOne, 1, { width: SIDE, height: SIDE }, false);

    // Rounds alternate the three runs, so that load from anything else on the machine hits each alike.
    await alone(setup, 'bench-resnet9', warmOne, 'warm-out');
    const w1 = await startWorker(setup, 'w1');
    await onFarm(setup, 'bench-resnet9', warmOne, 'warm-farm1');
    const runs = { alone: [] as number[], one: [] as number[], two: [] as number[], oneItem: [] as number[], twoItem: [] as number[] };
    for (let r = 0; r < BIG_ROUNDS; r++) {
      runs.alone.push(await alone(setup, 'bench-resnet9', big, `alone-${r}`));
      const one = await onFarm(setup, 'bench-resnet9', big, `farm1-${r}`);
      runs.one.push(one.wall);
      runs.oneItem.push(one.workerMs);
      const w2 = await startWorker(setup, 'w2');
      await onFarm(setup, 'bench-resnet9', warm, `warm-farm2-${r}`);
      const two = await onFarm(setup, 'bench-resnet9', big, `farm2-${r}`);
      runs.two.push(two.wall);
      runs.twoItem.push(two.workerMs);
      await stopWorker(w2);
      console.log(`round ${r}: alone ${(runs.alone.at(-1) ?? 0) / 1000} s, 1 worker ${one.wall / 1000} s, 2 workers ${two.wall / 1000} s`);
      load.push(loadavg()[0] ?? 0);
    }
    const aloneMs = median(runs.alone);
    const perImage = aloneMs / BIG_FILES;
    const row = (name: string, walls: number[], items?: number[]): string => {
      const wall = median(walls);
      const item = items === undefined ? '' : ` (worker: ${median(items).toFixed(0)} ms)`;
      return `| ${name} | ${(wall / 1000).toFixed(1)} s | ${(wall / BIG_FILES).toFixed(0)} ms${item} | ${(BIG_FILES / (wall / 1000)).toFixed(3)} | ${(aloneMs / wall).toFixed(2)}x | ${walls.map((w) => (w / 1000).toFixed(1)).join(', ')} s |`;
    };
    rows.push(row('`translate` alone', runs.alone), row('farm, 1 worker', runs.one, runs.oneItem), row('farm, 2 workers', runs.two, runs.twoItem));
    for (const line of rows) console.log(line);
    load.push(loadavg()[0] ?? 0);

    // The farm's own cost per item, measured directly on a one-worker batch of a tiny model:
    // the queue's part is the batch's wall time less the worker's own time on its items (they run
    // one after another); the shared folder's part is the input read and the write-once placement.
    await onFarm(setup, 'bench-tiny', warmOne, 'warm-tiny-farm');
    const storage = await SharedFolderStorage.open(shared);
    const queueMs: number[] = [];
    const ioMs: number[] = [];
    const inputs = (await readdir(small)).sort();
    for (let r = 0; r < ROUNDS; r++) {
      const f = await onFarm(setup, 'bench-tiny', small, `tiny-farm-${r}`);
      queueMs.push((f.wall - f.workerMs * SMALL_FILES) / SMALL_FILES);
      const output = await readFile(join(shared, `tiny-farm-${r}`, inputs[0] as string));
      const batch = randomUUID();
      await mkdir(join(shared, `io-${r}`));
      const start = performance.now();
      for (const [i, name] of inputs.entries()) {
        await storage.read(`small/${name}`);
        await storage.writeOnce({ dir: `io-${r}`, stem: name.replace(/\.jpg$/, ''), extension: 'jpg', batch, item: i }, output);
      }
      ioMs.push((performance.now() - start) / SMALL_FILES);
      await storage.forgetClaims(`io-${r}`, batch);
      console.log(`tiny round ${r}: queue ${queueMs.at(-1)?.toFixed(1)} ms/item, shared folder ${ioMs.at(-1)?.toFixed(1)} ms/item, worker ${f.workerMs.toFixed(1)} ms/item`);
    }
    await stopWorker(w1);
    const overhead = median(queueMs) + median(ioMs);
    overheadLine = `| queue round trip ${median(queueMs).toFixed(1)} ms + shared folder ${median(ioMs).toFixed(1)} ms (median of ${ROUNDS} rounds of ${SMALL_FILES} files) | ${overhead.toFixed(1)} ms | ${((overhead / perImage) * 100).toFixed(2)}% of a ${SIDE} px translation (${perImage.toFixed(0)} ms alone) |`;
    console.log(overheadLine);
    load.push(loadavg()[0] ?? 0);
  } finally {
    for (const child of workers) child.kill('SIGKILL');
    await sessions.dispose();
    await redis.dispose();
    await rm(work, { recursive: true, force: true });
  }
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const path = await writeBenchmarkSection(
    'farm',
    [
      '## Farm: one and two workers against `translate` alone (CPU provider, one thread each)',
      '',
      `Machine: ${machineLine()}. Date: ${date} UTC. Load average (1 min) before, during and after: ${load.map((l) => l.toFixed(1)).join(', ')}. Command: \`npm run bench:farm\`.`,
      '',
      `${BIG_FILES} JPEG files of ${SIDE} x ${SIDE} px through the standard resnet_9blocks (ngf 64, random weights).`,
      '`translate` alone is one `runTranslateJob` in the benchmark process with one onnxruntime thread; the farm',
      'runs `gan-studio worker --threads 1` child processes on a local redis-server (append-only file,',
      'fsync always) and a shared folder on the local disk; the client is `runFarmBatch` in the benchmark',
      'process. Every run is warm (each worker translated a warm-up batch first). On a shared 2-core',
      'machine under other load, two workers cannot double the throughput: they share the same two cores',
      'with everything else.',
      '',
      'Per file is the batch time over its files; "worker" is the mean time a worker spent on an item, from',
      'taking it to its placed output.',
      '',
      `Medians of ${BIG_ROUNDS} rounds; each round runs the three one after another.`,
      '',
      '| run | batch | per file | files/s | speed-up | each round |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
      "The farm's own cost per item, measured directly: the queue round trip (add, take, lock and its",
      "renewal, progress, complete, the event to the client) is a one-worker batch's wall time less the",
      "worker's own time on its items, over the items (they run one after another; the client's start-up",
      `is included), on a ${SMALL_FILES}-file batch of a tiny model so that many round trips are timed;`,
      'the shared-folder IO is the input read plus the write-once placement (temporary file, claim link,',
      'output link) of the same files on the same disk. Target: under 5% of a 512 px translation.',
      '',
      '| measure | per item | share |',
      '|---|---|---|',
      overheadLine,
    ].join('\n'),
  );
  console.log(`written to ${path}`);
}

await main();
