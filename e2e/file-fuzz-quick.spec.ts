/**
 * fuzz/file-fuzz.ts, quick (npm run fuzz runs it deep): mutated checkpoints and ONNX models,
 * each imported by a child process under the memory ceiling. A failure replays with
 * `npm run fuzz -- --seed 14 --iterations 60 --only file`.
 */
import { describe, expect, it } from 'vitest';
import { run as fileFuzz } from '../fuzz/file-fuzz.js';

describe('the file fuzz, quick', () => {
  it('mutated checkpoints and ONNX files are imported or refused with a reason, under the memory ceiling', async () => {
    const figures = await fileFuzz({ seed: 14, iterations: 60 });
    expect(figures, figures.notes?.join('\n')).toMatchObject({ tried: 60, crashes: 0, hangs: 0, escapes: 0 });
  }, 90_000);
});
