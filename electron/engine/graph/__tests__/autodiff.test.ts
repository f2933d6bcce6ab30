import { describe, expect, it } from 'vitest';
import * as op from '../diff-ops.js';
import type { KernelWindow } from '../geometry.js';
import type { Shape } from '../tape.js';
import { checkGradients, type GradientCase } from './gradient-check.js';

/**
 * Every differentiable operation the generator and discriminator families use, checked against
 * central finite differences of the emitted forward graph (onnxruntime, CPU provider). Odd and
 * non-square sizes on purpose: stride remainders and reflect folds are where gradients go wrong.
 */
const TOLERANCE = 2e-2;

/** A conv (or, with `transposed`, a transposed conv) of an input and weights of these shapes, with a bias when its shape is given. */
function convolutionCase(x: Shape, w: Shape, window: Pick<KernelWindow, 'kernel' | 'stride' | 'pad'> & Partial<KernelWindow>, bias?: Shape): GradientCase {
  return {
    inputs: { x, w, ...(bias === undefined ? {} : { b: bias }) },
    build: (t, i) => op.convolution(t, i.x ?? '', i.w ?? '', i.b ?? null, { transposed: false, outputPadding: 0, ...window }),
  };
}

const cases: Record<string, GradientCase> = {
  'conv 3x3 stride 1 pad 1 with bias': convolutionCase([2, 3, 6, 5], [4, 3, 3, 3], { kernel: 3, stride: 1, pad: 1 }, [4]),
  'conv 3x3 stride 2 pad 1, odd sides (stride remainder)': convolutionCase([1, 2, 7, 6], [3, 2, 3, 3], { kernel: 3, stride: 2, pad: 1 }),
  'conv 4x4 stride 2 pad 1 (PatchGAN, StarGAN)': convolutionCase([1, 2, 8, 9], [3, 2, 4, 4], { kernel: 4, stride: 2, pad: 1 }, [3]),
  'conv 7x7 no padding': convolutionCase([1, 2, 9, 8], [2, 2, 7, 7], { kernel: 7, stride: 1, pad: 0 }),
  'conv transpose 3x3 stride 2 pad 1 output padding 1 (ResNet)': convolutionCase([2, 3, 4, 5], [3, 2, 3, 3], { kernel: 3, stride: 2, pad: 1, transposed: true, outputPadding: 1 }, [2]),
  'conv transpose 4x4 stride 2 pad 1 (U-Net, StarGAN)': convolutionCase([1, 4, 3, 4], [4, 2, 4, 4], { kernel: 4, stride: 2, pad: 1, transposed: true }),
  'nearest upsampling x2, odd sides (resize-then-convolve)': {
    inputs: { x: [2, 3, 3, 5] },
    build: (t, i) => op.upsampleNearest(t, i.x ?? '', 2),
  },
  'nearest upsampling x2 then a 3x3 conv (the resize stage)': {
    inputs: { x: [1, 2, 4, 3], w: [3, 2, 3, 3], b: [3] },
    build: (t, i) =>
      op.convolution(t, op.pad(t, op.upsampleNearest(t, i.x ?? '', 2), 1, 'reflect'), i.w ?? '', i.b ?? '', { kernel: 3, stride: 1, pad: 0, transposed: false, outputPadding: 0 }),
  },
  'instance norm without affine': {
    inputs: { x: [2, 3, 5, 4] },
    build: (t, i) => op.normalize(t, i.x ?? '', null, null, 'instance'),
  },
  'instance norm with affine': {
    inputs: { x: [2, 3, 5, 4], g: [3], b: [3] },
    build: (t, i) => op.normalize(t, i.x ?? '', i.g ?? '', i.b ?? '', 'instance'),
  },
  'batch norm (training statistics over the batch)': {
    inputs: { x: [3, 2, 4, 3], g: [2], b: [2] },
    build: (t, i) => op.normalize(t, i.x ?? '', i.g ?? '', i.b ?? '', 'batch'),
  },
  'reflect pad 1': {
    inputs: { x: [1, 2, 5, 4] },
    build: (t, i) => op.pad(t, i.x ?? '', 1, 'reflect'),
  },
  'reflect pad 3 (ResNet stem)': {
    inputs: { x: [1, 2, 7, 5] },
    build: (t, i) => op.pad(t, i.x ?? '', 3, 'reflect'),
  },
  'zero pad 2': {
    inputs: { x: [1, 2, 4, 3] },
    build: (t, i) => op.pad(t, i.x ?? '', 2, 'zero'),
  },
  relu: { inputs: { x: [2, 3, 4, 4] }, build: (t, i) => op.relu(t, i.x ?? ''), awayFromZero: 0.05 },
  'leaky relu 0.2': { inputs: { x: [2, 3, 4, 4] }, build: (t, i) => op.leakyRelu(t, i.x ?? '', 0.2), awayFromZero: 0.05 },
  tanh: { inputs: { x: [2, 3, 4, 4] }, build: (t, i) => op.tanh(t, i.x ?? '') },
  sigmoid: { inputs: { x: [2, 3, 4, 4] }, build: (t, i) => op.sigmoid(t, i.x ?? '') },
  abs: { inputs: { x: [2, 3, 4] }, build: (t, i) => op.abs(t, i.x ?? ''), awayFromZero: 0.05 },
  square: { inputs: { x: [2, 3, 4] }, build: (t, i) => op.square(t, i.x ?? '') },
  'softplus (BCE with logits)': { inputs: { x: [2, 3, 4] }, build: (t, i) => op.softplus(t, op.scale(t, i.x ?? '', 6)) },
  'add with broadcasting ([1,C,1,1] and a scalar)': {
    inputs: { a: [2, 3, 4, 4], b: [1, 3, 1, 1], c: [] },
    build: (t, i) => op.add(t, op.add(t, i.a ?? '', i.b ?? ''), i.c ?? ''),
  },
  'sub with broadcasting': {
    inputs: { a: [2, 3, 1, 4], b: [3, 4, 1] },
    build: (t, i) => op.sub(t, i.a ?? '', i.b ?? ''),
  },
  'mul with broadcasting': {
    inputs: { a: [2, 3, 4, 4], b: [2, 1, 4, 1] },
    build: (t, i) => op.mul(t, i.a ?? '', i.b ?? ''),
  },
  'concat of three along channels': {
    inputs: { a: [2, 1, 3, 3], b: [2, 3, 3, 3], c: [2, 2, 3, 3] },
    build: (t, i) => op.concat(t, [i.a ?? '', op.tanh(t, i.b ?? ''), i.c ?? '']),
  },
  'condition vector broadcast over H x W': {
    inputs: { v: [2, 3], like: [2, 1, 4, 5] },
    build: (t, i) => op.concat(t, [i.like ?? '', op.spatialBroadcast(t, i.v ?? '', i.like ?? '')]),
  },
  'mean of all elements': {
    inputs: { x: [2, 3, 4] },
    build: (t, i) => op.mean(t, op.square(t, i.x ?? '')),
  },
  'a value used twice (gradients add up)': {
    inputs: { x: [1, 2, 4, 4], w: [2, 2, 3, 3] },
    build: (t, i) => {
      const x = i.x ?? '';
      const window = { kernel: 3, stride: 1, pad: 0, transposed: false, outputPadding: 0 };
      const y = op.convolution(t, op.pad(t, x, 1, 'reflect'), i.w ?? '', null, window);
      return op.add(t, x, op.convolution(t, op.relu(t, y), i.w ?? '', null, { ...window, pad: 1 }));
    },
  },
};

describe('autodiff: each operation against finite differences', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, async () => {
      const report = await checkGradients(c);
      expect(report.probes).toBeGreaterThan(0);
      expect(report.worstRelative).toBeLessThan(TOLERANCE);
    });
  }
});

describe('autodiff: a wrong rule is caught', () => {
  it('a tanh whose gradient forgets the chain rule fails the check', async () => {
    const report = await checkGradients({
      inputs: { x: [1, 2, 3, 3] },
      build: (t, i) => {
        const x = i.x ?? '';
        const y = t.emit('Tanh', [x], t.shape(x));
        return t.record([x], y, (g) => [g]); // deliberately wrong: d tanh = 1 - y^2, not 1
      },
    });
    expect(report.worstRelative).toBeGreaterThan(0.1);
  });
});
