import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeBatch } from './fixtures/batch-images.js';
import { RedisServer } from './fixtures/redis-server.js';
import { runCli, runCommand } from './fixtures/run-cli.js';
import type { Architecture } from '../electron/engine/nets/index.js';
import { TINY_RESNET, installTinyModel } from './fixtures/tiny-model.js';

const BIN = new URL('../bin/gan-studio.js', import.meta.url).pathname;
/** Short locks, so an item of a killed worker is taken over within seconds. */
const LOCK_MS = '1500';

let root: string;
let shared: string;
let redis: RedisServer;
const running = new Set<CliProcess>();

/** A `gan-studio` child process whose output is watched while it runs. */
class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((done) => this.child.on('exit', (code) => done(code)));
    running.add(this);
    void this.exited.then(() => running.delete(this));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Resolves when `test` holds for the output so far (checked as it grows). */
  async until(test: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    const start = Date.now();
    while (!test()) {
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}; stderr:\n${this.stderr}`);
      if (this.child.exitCode !== null) throw new Error(`exited (${this.child.exitCode}) before ${what}; stderr:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  outputs(): { input: string; output: string; worker: string }[] {
    return this.stdout.split('\n').filter((l) => l.includes('"type":"output"')).map((l) => JSON.parse(l) as { input: string; output: string; worker: string });
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

function startWorker(name: string, home: string, extra: string[] = []): CliProcess {
  return new CliProcess(['worker', '--redis', redis.url, '--shared', shared, '--device', 'cpu', '--threads', '1', '--name', name, '--lock-ms', LOCK_MS, ...extra], { GAN_STUDIO_HOME: home });
}

async function started(worker: CliProcess): Promise<CliProcess> {
  await worker.until(() => worker.stderr.includes('takes items from'), 'the worker to start');
  return worker;
}

function farmTranslate(inputs: string[], out: string, extra: string[] = []): CliProcess {
  return new CliProcess(['farm', 'translate', '--redis', redis.url, '--shared', shared, '-m', 'tiny', '--json', ...inputs, '--out', out, ...extra], { GAN_STUDIO_HOME: join(root, 'client') });
}

const sha = async (p: string): Promise<string> => createHash('sha256').update(await readFile(p)).digest('hex');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gs-farm-'));
  shared = join(root, 'shared');
  redis = await RedisServer.start({ password: 'farm secret/1' });
  // Every machine has its own library; the same model bytes give the same sha256.
  for (const home of ['client', 'w1', 'w2']) await installTinyModel(join(root, home), 'tiny');
  // A slower model, for an item that outlasts the lock.
  await installTinyModel(join(root, 'heavy'), 'heavy', { ...TINY_RESNET, ngf: 16, nBlocks: 3 } as Architecture);
  // Another version of "tiny": same id, other weights.
  await installTinyModel(join(root, 'old'), 'tiny', { ...TINY_RESNET, ngf: 6 } as Architecture);
});
afterEach(async () => {
  for (const p of running) p.kill('SIGKILL');
  await Promise.all([...running].map((p) => p.exited));
});
afterAll(async () => {
  await redis?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('gan-studio farm over TLS', () => {
  it('reaches a rediss:// server with a password, checking its certificate against GAN_FARM_REDIS_CA', async () => {
    const certs = await mkdtemp(join(root, 'tls-'));
    const [key, cert] = [join(certs, 'key.pem'), join(certs, 'cert.pem')];
    const made = await runCommand('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    expect(made.code, made.stderr).toBe(0);
    const tls = await RedisServer.start({ password: 'tls secret', tls: { key, cert, ca: cert } });
    try {
      expect(tls.url).toMatch(/^rediss:/);
      const status = await runCli(['farm', 'status', '--redis', tls.url], { env: { GAN_FARM_REDIS_CA: cert } });
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/farm at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+: 0 worker\(s\)\nitems: 0 waiting/);
      // Without the authority the self-signed certificate is refused.
      const unchecked = await runCli(['farm', 'status', '--redis', tls.url]);
      expect(unchecked.code).toBe(1);
      expect(unchecked.stderr).toMatch(/cannot reach the farm's Redis at rediss:.*(self.signed|certificate)/i);
    } finally {
      await tls.dispose();
    }
  });
});

describe('gan-studio farm', () => {
  it('40 images with 2 bad through 2 workers, one killed with -9 mid-batch: every good file once, bad ones named, exit 1', async () => {
    const inputs = join(shared, 'trip');
    const files = (await writeBatch(inputs, 38, { width: 64, height: 48 }, true)).filter((f) => f.name !== 'corrupt.jpg');
    await writeFile(join(inputs, 'notes.png'), 'a text file, not an image');
    const before = await Promise.all(files.map((f) => sha(f.path)));
    const [w1, w2] = await Promise.all([started(startWorker('w1', join(root, 'w1'))), started(startWorker('w2', join(root, 'w2')))]);
    const out = join(shared, 'night');
    // Upscaled, so that each item takes long enough to be caught mid-way.
    const batch = farmTranslate([inputs], out, ['--size', '320']);
    await batch.until(() => batch.outputs().filter((o) => o.worker === 'w1').length >= 3 && batch.outputs().length >= 8, 'both workers to have done items');
    w1.kill('SIGKILL');
    const code = await batch.exited;
    expect(code, batch.stderr).toBe(1);
    const outputs = batch.outputs();
    expect(outputs).toHaveLength(38);
    // Each good file exactly once: no "-1" copies from a retried or taken-over item.
    const written = (await readdir(out)).sort();
    expect(written).toEqual(files.map((f) => f.name).sort());
    expect(new Set(outputs.map((o) => o.output)).size).toBe(38);
    const byWorker = new Map<string, number>();
    for (const o of outputs) byWorker.set(o.worker, (byWorker.get(o.worker) ?? 0) + 1);
    expect(byWorker.get('w1')).toBeGreaterThanOrEqual(3);
    expect(byWorker.get('w2')).toBeGreaterThan(byWorker.get('w1') ?? 0);
    expect(batch.stderr).toMatch(/Done: 38 of 40 files translated with tiny on cpu by 2 workers \(w1, w2\).*2 failed/);
    expect(batch.stderr).toMatch(/corrupt\.jpg: .*(truncated|corrupt|premature)/i);
    expect(batch.stderr).toMatch(/notes\.png: .*not an image/i);
    const meta = await sharp(join(out, files[0]?.name ?? '')).metadata();
    expect([meta.format, meta.height]).toEqual(['jpeg', 320]);
    expect(await Promise.all(files.map((f) => sha(f.path)))).toEqual(before);
    // The claims folder goes once the batch is over.
    expect((await readdir(out)).some((n) => n.startsWith('.'))).toBe(false);
    w2.kill('SIGTERM');
    expect(await w2.exited).toBe(0);
    expect(w2.stderr).toMatch(/worker w2 stopped/);
  });

  it('a Redis restart mid-batch pauses the batch, which then completes', async () => {
    const inputs = join(shared, 'restart');
    const files = await writeBatch(inputs, 16, { width: 64, height: 48 }, false);
    await Promise.all([started(startWorker('r1', join(root, 'w1'))), started(startWorker('r2', join(root, 'w2')))]);
    const out = join(shared, 'restart-out');
    const batch = farmTranslate([inputs], out, ['--size', '320']);
    await batch.until(() => batch.outputs().length >= 3, 'the first outputs');
    await redis.restart(500);
    const code = await batch.exited;
    expect(code, batch.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual(files.map((f) => f.name).sort());
    expect(batch.stderr).toMatch(/Done: 16 of 16 files translated/);
  });

  it('a worker with another version of the model refuses its jobs, saying why', async () => {
    const inputs = join(shared, 'versions');
    await writeBatch(inputs, 2, { width: 32, height: 32 }, false);
    await started(startWorker('old', join(root, 'old')));
    const batch = farmTranslate([inputs], join(shared, 'versions-out'));
    expect(await batch.exited, batch.stderr).toBe(1);
    expect(batch.stderr).toMatch(/0 of 2 files translated.*2 failed/);
    expect(batch.stderr).toMatch(/photo-001\.jpg: worker old has another version of model "tiny" \(sha256 [0-9a-f]{12}\.\.\., the batch asks for [0-9a-f]{12}\.\.\.\)/);
    expect(await readdir(join(shared, 'versions-out'))).toEqual([]);
    // Beside a worker with the right version, the refused items are retried there and all succeed.
    await started(startWorker('w1', join(root, 'w1')));
    const retried = farmTranslate([inputs], join(shared, 'versions-out'));
    expect(await retried.exited, retried.stderr).toBe(0);
    expect(retried.outputs().map((o) => o.worker)).toEqual(['w1', 'w1']);
    expect((await readdir(join(shared, 'versions-out'))).sort()).toEqual(['photo-001.jpg', 'photo-002.jpg']);
  });

  it('an item that takes longer than the lock keeps it: the worker renews it while its thread translates', async () => {
    const inputs = join(shared, 'long');
    await writeBatch(inputs, 1, { width: 64, height: 64 }, false);
    const worker = await started(startWorker('slow', join(root, 'heavy')));
    const batch = new CliProcess(['farm', 'translate', '--redis', redis.url, '--shared', shared, '-m', 'heavy', '--json', inputs, '--out', join(shared, 'long-out'), '--size', '1024'], { GAN_STUDIO_HOME: join(root, 'heavy') });
    expect(await batch.exited, batch.stderr).toBe(0);
    const [output] = batch.outputs() as unknown as { ms: number }[];
    // Longer than the 1.5 s lock: without a free main thread the item would be taken as stalled.
    expect(output?.ms).toBeGreaterThan(Number(LOCK_MS) * 1.5);
    expect(worker.stderr.match(/^ok /gm)).toHaveLength(1);
    expect(worker.stderr).not.toMatch(/stalled|FAIL|another attempt/);
    expect(await readdir(join(shared, 'long-out'))).toEqual(['photo-001.jpg']);
  });

  it('farm status lists a waiting batch and farm cancel stops it: the client exits 130', async () => {
    const inputs = join(shared, 'waiting');
    await writeBatch(inputs, 3, { width: 32, height: 32 }, false);
    // No worker is connected, so the items wait.
    const batch = farmTranslate([inputs], join(shared, 'waiting-out'));
    await batch.until(() => /batch [0-9a-f-]{36}: 3 file\(s\)/.test(batch.stderr), 'the batch to be queued');
    const id = /batch ([0-9a-f-]{36})/.exec(batch.stderr)?.[1] ?? '';
    const status = await runCli(['farm', 'status', '--redis', redis.url]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/0 worker\(s\)/);
    expect(status.stdout).toMatch(new RegExp(`${id}\\s+tiny\\s+3\\s+0\\s+0\\s+0\\s+3`));
    const cancel = await runCli(['farm', 'cancel', id, '--redis', redis.url]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stderr).toMatch(/3 waiting item\(s\) removed/);
    expect(await batch.exited).toBe(130);
    expect(batch.stderr).toMatch(/Cancelled: 0 of 0 files/);
    expect(await readdir(join(shared, 'waiting-out'))).toEqual([]);
  });

  it('refuses a wrong password and inputs outside the shared folder with clear messages', async () => {
    const wrong = redis.url.replace(/:[^:@]*@/, ':wrong@');
    const worker = await runCli(['worker', '--redis', wrong, '--shared', shared], { env: { GAN_STUDIO_HOME: join(root, 'w1') } });
    expect(worker.code).toBe(1);
    expect(worker.stderr).toMatch(/cannot reach the farm's Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: .*WRONGPASS.*check the password/);
    expect(worker.stderr).not.toMatch(/farm secret|wrong@/);
    const outside = join(root, 'outside.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).png().toFile(outside);
    const client = await runCli(['farm', 'translate', '--redis', redis.url, '--shared', shared, '-m', 'tiny', outside, '--out', join(shared, 'x')], { env: { GAN_STUDIO_HOME: join(root, 'client') } });
    expect(client.code).toBe(2);
    expect(client.stderr).toMatch(/outside\.png is outside the shared folder/);
  });
});
