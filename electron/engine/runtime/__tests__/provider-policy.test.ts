import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTinyModel } from '../../../../e2e/fixtures/tiny-model.js';
import { Tape } from '../../graph/tape.js';
import { openGraphRunner } from '../graph-runner.js';
import { retryLongRun, type RetryState } from '../provider-policy.js';
import { SessionManager } from '../session-manager.js';

let home: string;
let modelPath: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'gs-policy-'));
  modelPath = (await installTinyModel(home, 'tiny')).onnxPath;
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('provider policy', () => {
  it('reports a model that fails to run on the CPU as an internal error with the cause', async () => {
    const sessions = new SessionManager();
    // Two channels where the model takes three: the session opens, the run fails.
    const wrong = { input: { data: new Float32Array(2 * 16 * 16), dims: [1, 2, 16, 16] } };
    await expect(sessions.run(modelPath, 'cpu', wrong)).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/failed to run on the CPU: .+/) });
    await sessions.dispose();
  });

  it('names every provider tried when none can open a graph', async () => {
    const broken = new Uint8Array([1, 2, 3, 4]);
    await expect(openGraphRunner(broken, 'cpu')).rejects.toMatchObject({ code: 'EP_UNAVAILABLE', message: expect.stringMatching(/cpu: could not start: /) });
  });

  it('opens engine-built graphs by the same order as model files, and says why a GPU was passed over', async () => {
    const t = new Tape('probe');
    const y = t.rename(t.emit('Relu', [t.input('x', [2])], [2]), 'y');
    const runner = await openGraphRunner(t.toOnnx([y]), 'webgpu');
    const out = await runner.run({ x: { data: Float32Array.from([-1, 2]), dims: [2] } });
    expect([...(out.get('y') ?? [])]).toEqual([0, 2]);
    if (runner.provider === 'cpu') expect(runner.fallbacks[0]).toMatchObject({ provider: 'webgpu', reason: expect.stringMatching(/skipped|could not start/) });
    await runner.release();
  });

  it('retries a long run with smaller pieces, then on the CPU, then gives up, noting each step', async () => {
    const state: RetryState = { device: 'webgpu', notes: [] };
    let size = 4;
    const devices: string[] = [];
    const run = retryLongRun(
      state,
      async (device) => {
        devices.push(`${device}:${size}`);
        throw new Error('bad_alloc\nstack');
      },
      {
        shrink: (reason) => {
          if (size === 1) return null;
          size /= 2;
          return `smaller (${reason})`;
        },
        where: ' at layer 2',
        onCpu: () => {
          size = 2;
        },
      },
    );
    await expect(run).rejects.toThrow('bad_alloc');
    expect(devices).toEqual(['webgpu:4', 'webgpu:2', 'webgpu:1', 'cpu:2', 'cpu:1']);
    expect(state.notes).toEqual(['smaller (bad_alloc)', 'smaller (bad_alloc)', 'retried on the CPU after a failure on webgpu at layer 2 (bad_alloc)', 'smaller (bad_alloc)']);
  });
});
