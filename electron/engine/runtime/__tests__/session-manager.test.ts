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
const input = { data: new Float32Array(3 * 16 * 16).map((_, i) => Math.sin(i) * 0.5), dims: [1, 3, 16, 16] };

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'gs-runtime-'));
  modelPath = (await installTinyModel(home, 'tiny')).onnxPath;
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('SessionManager', () => {
  it('runs on the CPU provider and reports it', async () => {
    const sessions = new SessionManager();
    const result = await sessions.run(modelPath, 'cpu', { input });
    expect(result.provider).toBe('cpu');
    expect(result.fallbacks).toEqual([]);
    expect(result.dims).toEqual([1, 3, 16, 16]);
    expect(result.output.every((v) => v >= -1 && v <= 1)).toBe(true);
    await sessions.dispose();
  });

  it('falls back from an unavailable GPU provider and says why', async () => {
    const sessions = new SessionManager();
    const result = await sessions.run(modelPath, 'webgpu', { input });
    const cpu = await sessions.run(modelPath, 'cpu', { input });
    if (result.provider === 'cpu') {
      // No GPU here: the result must say that webgpu was tried and why it was passed over.
      expect(result.fallbacks[0]?.provider).toBe('webgpu');
      expect(result.fallbacks[0]?.reason.length).toBeGreaterThan(5);
    } else {
      expect(result.provider).toBe('webgpu');
    }
    for (let i = 0; i < cpu.output.length; i++) expect(Math.abs((result.output[i] ?? 0) - (cpu.output[i] ?? 0))).toBeLessThan(1e-4);
    await sessions.dispose();
  });

  it('caches one session per model and provider and releases it when idle', async () => {
    const sessions = new SessionManager({ idleMs: 50 });
    await Promise.all([sessions.run(modelPath, 'cpu', { input }), sessions.run(modelPath, 'cpu', { input })]);
    expect(sessions.loadedCount).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(sessions.loadedCount).toBe(0);
  });

  it('names the file when the model is missing', async () => {
    const sessions = new SessionManager();
    await expect(sessions.run(join(home, 'nope.onnx'), 'cpu', { input })).rejects.toThrow(/nope\.onnx/);
  });
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
