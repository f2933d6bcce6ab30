import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, openLogFile, silentLogger, useProcessLogger } from '../../engine/logging/index.js';
import { EngineSupervisor, type SupervisorStatus } from '../engine-supervisor.js';
import { EngineOutput, describeEngineExit } from '../engine-output.js';
import { forkEngine } from '../fork-launcher.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gs-logs-'));
});

afterAll(async () => {
  useProcessLogger(silentLogger);
  await rm(dir, { recursive: true, force: true });
});

async function logLines(folder: string): Promise<Record<string, unknown>[]> {
  const files = (await readdir(folder)).filter((f) => f.endsWith('.log'));
  const text = (await Promise.all(files.map((f) => readFile(join(folder, f), 'utf8')))).join('');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the engine in the studio log', () => {
  it('copies the engine process lines into the log file and names a native crash when the engine dies', async () => {
    const logs = join(dir, 'crash');
    const log = createLogger('serve', await openLogFile(logs));
    useProcessLogger(log);
    const statuses: SupervisorStatus[] = [];
    const engine = new EngineSupervisor(forkEngine, { onEvent: () => undefined, onStatus: (s) => statuses.push(s) });
    try {
      await engine.start();
      const pid = engine.status.pid;
      expect(pid).not.toBeNull();
      process.kill(pid as number, 'SIGSEGV');
      await expect.poll(() => statuses.some((s) => s.state === 'restarting'), { timeout: 20_000 }).toBe(true);
      const restarting = statuses.find((s) => s.state === 'restarting');
      expect(restarting?.lastExit).toBe('killed by SIGSEGV (a crash in native code)');
      await expect.poll(() => engine.status.state, { timeout: 20_000 }).toBe('ready');
    } finally {
      engine.stop();
    }
    await expect
      .poll(async () => (await logLines(logs)).filter((l) => l.proc === 'engine' && l.msg === 'engine started').length, { timeout: 10_000 })
      .toBe(2);
    const lines = await logLines(logs);
    // The engine's own lines keep its pid; the first one is the process that was killed.
    const started = lines.filter((l) => l.proc === 'engine' && l.msg === 'engine started');
    expect(started[0]?.pid).not.toBe(started[1]?.pid);
  });

  it("keeps an engine's last words and reports them as the cause of its exit", async () => {
    const output = new EngineOutput(silentLogger);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    output.attach(stdout, 'stdout');
    output.attach(stderr, 'stderr');
    stdout.write(`${JSON.stringify({ level: 30, msg: 'engine started' })}\n`);
    // What Node writes when the engine's JavaScript heap is exhausted.
    stderr.write('<--- Last few GCs --->\n');
    stderr.write('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n');
    stderr.end();
    stdout.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(describeEngineExit(null, 'SIGABRT', output.cause())).toBe(
      'killed by SIGABRT (it aborted): FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    );
    // A line the engine logged as fatal (an exception nothing caught) wins over plain text.
    const fatal = new EngineOutput(silentLogger);
    const out = new PassThrough();
    fatal.attach(out, 'stdout');
    out.end(`${JSON.stringify({ level: 60, msg: 'the engine failed: Cannot read properties of undefined', err: { message: 'Cannot read properties of undefined' } })}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(describeEngineExit(70, null, fatal.cause())).toBe('exited with code 70: the engine failed: Cannot read properties of undefined');
  });
});
