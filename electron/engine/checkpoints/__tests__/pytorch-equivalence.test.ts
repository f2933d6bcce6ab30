import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitOnnx } from '../../graph/onnx-emitter.js';
import { SessionManager, type TensorInput } from '../../runtime/index.js';
import { buildGenerator } from '../../nets/index.js';
import { detectArchitecture, readCheckpoint } from '../index.js';
import { expectedFor, fixturePath } from './helpers.js';

/**
 * The whole import path without Python: a checkpoint written by torch.save -> our reader ->
 * detected architecture -> emitted ONNX graph -> onnxruntime, against PyTorch's own forward
 * pass on the same input (train-mode norms, dropout off), saved beside the fixture.
 */
const CASES = [
  'resnet9_batch_dropout', // zip, batch norm, dropout-shifted keys
  'resnet2_old_instance_stats_legacy', // legacy, old InstanceNorm running stats ignored
  'unet128_batch_legacy', // legacy, U-Net
  'stargan_dataparallel', // zip, module. prefix, condition input
] as const;

let work: string;
const sessions = new SessionManager();
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gs-ckpt-'));
});
afterAll(async () => {
  await sessions.dispose();
  await rm(work, { recursive: true, force: true });
});

describe('checkpoint -> ONNX matches PyTorch', () => {
  for (const name of CASES) {
    it(name, async () => {
      const detection = detectArchitecture(await readCheckpoint(fixturePath(name)));
      const expected = await expectedFor(name);
      const meta = expected.metadata;
      // The detected architecture is the one the fixture was made with.
      if (detection.arch.family === 'stargan') {
        expect(detection.arch).toEqual({ family: 'stargan', convDim: Number(meta.conv_dim), cDim: Number(meta.c_dim), repeatNum: Number(meta.repeat_num) });
      } else {
        expect(detection.arch.family).toBe(meta.family);
        expect(detection.arch.ngf).toBe(Number(meta.ngf));
        expect(detection.arch.norm).toBe(meta.norm);
      }
      const path = join(work, `${name}.onnx`);
      await writeFile(path, emitOnnx(buildGenerator(detection.arch), detection.weights));

      const get = (key: string): TensorInput => {
        const t = expected.tensors.get(key);
        if (t === undefined) throw new Error(`${name} lacks ${key}`);
        return { data: t.data, dims: t.shape };
      };
      const feeds: Record<string, TensorInput> = { input: get('__input__') };
      if (detection.arch.family === 'stargan') feeds.condition = get('__cond__');
      const result = await sessions.run(path, 'cpu', feeds);
      const want = get('__output__');
      expect(result.dims).toEqual(want.dims);
      let maxDiff = 0;
      for (let i = 0; i < want.data.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs((result.output[i] ?? NaN) - (want.data[i] ?? NaN)));
      }
      expect(maxDiff).toBeLessThan(1e-4);
    });
  }
});
