/**
 * `npm run bench:farm`: a batch through `translate` alone against the same batch on a farm of
 * one and of two workers (child processes, one thread each, a real redis-server), at 512 px
 * with the standard resnet_9blocks; and the farm's own cost per item (queue round trip and
 * shared-folder IO), from a tiny model where that cost is not hidden by the translation.
 * Writes its section of docs/BENCHMARKS.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
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

function startWorker(setup: Setup, name: string): Promise<ChildProcess> {
  const bin = join(packageRoot(), 'bin', 'gan-studio.js');
  const child = spawn(process.execPath, [bin, 'worker', '--redis', setup.redis.url, '--shared', setup.shared, '--device', 'cpu', '--threads', '1', '--name', name], {
    env: { ...process.env, GAN_STUDIO_HOME: join(setup.work, name) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
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

    // translate alone, warm session, one thread.
    await alone(setup, 'bench-resnet9', warmOne, 'warm-out');
    const aloneMs = await alone(setup, 'bench-resnet9', big, 'alone');
    const perImage = aloneMs / BIG_FILES;
    rows.push(`| \`translate\` alone | ${(aloneMs / 1000).toFixed(1)} s | ${perImage.toFixed(0)} ms | ${(BIG_FILES / (aloneMs / 1000)).toFixed(3)} | 1.00x |`);
    console.log(rows.at(-1));

    const w1 = await startWorker(setup, 'w1');
    await onFarm(setup, 'bench-resnet9', warmOne, 'warm-farm1');
    const { wall: one, workerMs: oneItem } = await onFarm(setup, 'bench-resnet9', big, 'farm1');
    rows.push(`| farm, 1 worker | ${(one / 1000).toFixed(1)} s | ${(one / BIG_FILES).toFixed(0)} ms (worker: ${oneItem.toFixed(0)} ms) | ${(BIG_FILES / (one / 1000)).toFixed(3)} | ${(aloneMs / one).toFixed(2)}x |`);
    console.log(rows.at(-1));
    load.push(loadavg()[0] ?? 0);

    const w2 = await startWorker(setup, 'w2');
    await onFarm(setup, 'bench-resnet9', warm, 'warm-farm2');
    const { wall: two, workerMs: twoItem } = await onFarm(setup, 'bench-resnet9', big, 'farm2');
    rows.push(`| farm, 2 workers | ${(two / 1000).toFixed(1)} s | ${(two / BIG_FILES).toFixed(0)} ms (worker: ${twoItem.toFixed(0)} ms) | ${(BIG_FILES / (two / 1000)).toFixed(3)} | ${(aloneMs / two).toFixed(2)}x |`);
    console.log(rows.at(-1));
    await stopWorker(w2);
    load.push(loadavg()[0] ?? 0);

    // The farm's own cost: the same tiny-model batch alone and on one worker, alternating.
    await alone(setup, 'bench-tiny', warmOne, 'warm-tiny');
    await onFarm(setup, 'bench-tiny', warmOne, 'warm-tiny-farm');
    const diffs: number[] = [];
    const aloneTiny: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const a = await alone(setup, 'bench-tiny', small, `tiny-alone-${r}`);
      const f = (await onFarm(setup, 'bench-tiny', small, `tiny-farm-${r}`)).wall;
      aloneTiny.push(a / SMALL_FILES);
      diffs.push((f - a) / SMALL_FILES);
      console.log(`tiny round ${r}: alone ${(a / SMALL_FILES).toFixed(1)} ms/file, farm ${(f / SMALL_FILES).toFixed(1)} ms/file`);
    }
    await stopWorker(w1);
    const overhead = median(diffs);
    overheadLine = `| farm overhead per item (tiny model, ${SMALL_FILES} files x ${ROUNDS} rounds, median) | ${overhead.toFixed(1)} ms | ${((overhead / perImage) * 100).toFixed(2)}% of a ${SIDE} px translation (${perImage.toFixed(0)} ms) | tiny alone: ${median(aloneTiny).toFixed(1)} ms/file |`;
    console.log(overheadLine);
    load.push(loadavg()[0] ?? 0);
  } finally {
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
      '| run | batch | per file | files/s | speed-up |',
      '|---|---|---|---|---|',
      ...rows,
      '',
      "The farm's own cost per item (queue round trip: add, take, lock, complete, event to the client;",
      'shared-folder IO: the input read, the claim link and the output link) is the difference per file',
      `between the same ${SMALL_FILES}-file batch of a tiny model (whose translation is short, so the`,
      'difference is not lost in it) on one worker and alone, alternating. Target: under 5% of a 512 px',
      'translation.',
      '',
      '| measure | per item | share | reference |',
      '|---|---|---|---|',
      overheadLine,
    ].join('\n'),
  );
  console.log(`written to ${path}`);
}

await main();
