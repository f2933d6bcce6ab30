import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTinyModel } from '../../../../e2e/fixtures/tiny-model.js';
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
