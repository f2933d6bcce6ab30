import { channelPads, convChannelPadding } from './conv-channels.js';
import { windowAttributes, windowSide, type KernelWindow } from './geometry.js';
import type { AttrValue } from './onnx-writer.js';
import { type Shape, type Tape, size } from './tape.js';

/**
 * Differentiable operations on a Tape: each emits its forward ONNX nodes and records the rule
 * that emits its gradient. Only standard ONNX operators are used, so a training graph runs on
 * every provider that runs inference. Gradients of broadcast operands are summed back to the
 * operand's shape.
 */

const f = (v: number): { float: number } => ({ float: v });

export function broadcastShape(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`cannot broadcast [${a.join(',')}] with [${b.join(',')}]`);
    out.push(Math.max(da, db));
  }
  return out;
}

/** Sums a gradient of a broadcast result back to the shape of the operand that was broadcast. */
export function sumToShape(t: Tape, g: string, target: Shape): string {
  const gs = t.shape(g);
  if (gs.length === target.length && gs.every((d, i) => d === target[i])) return g;
  const lead = gs.length - target.length;
  const axes: number[] = [];
  gs.forEach((d, i) => {
    if (i < lead || (target[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  const keep = gs.map((d, i) => (axes.includes(i) ? 1 : d));
  const summed = axes.length === 0 ? g : t.emit('ReduceSum', [g, t.ints(axes)], keep, { keepdims: 1 });
  return t.emit('Reshape', [summed, t.ints([...target])], target);
}

function binary(t: Tape, op: 'Add' | 'Sub' | 'Mul', a: string, b: string): string {
  const sa = t.shape(a);
  const sb = t.shape(b);
  const out = t.emit(op, [a, b], broadcastShape(sa, sb));
  return t.record([a, b], out, (g, tt, needs) => {
    switch (op) {
      case 'Add':
        return [sumToShape(tt, g, sa), sumToShape(tt, g, sb)];
      case 'Sub':
        return [sumToShape(tt, g, sa), sumToShape(tt, tt.emit('Neg', [g], tt.shape(g)), sb)];
      case 'Mul':
        return [
          needs[0] ? sumToShape(tt, tt.emit('Mul', [g, b], tt.shape(g)), sa) : null,
          needs[1] ? sumToShape(tt, tt.emit('Mul', [g, a], tt.shape(g)), sb) : null,
        ];
    }
  });
}

export const add = (t: Tape, a: string, b: string): string => binary(t, 'Add', a, b);
export const sub = (t: Tape, a: string, b: string): string => binary(t, 'Sub', a, b);
export const mul = (t: Tape, a: string, b: string): string => binary(t, 'Mul', a, b);

/** x * k for a constant k. */
export function scale(t: Tape, x: string, k: number): string {
  return mul(t, x, t.constant(k));
}

export function relu(t: Tape, x: string): string {
  const y = t.emit('Relu', [x], t.shape(x));
  return t.record([x], y, (g, tt) => {
    const positive = tt.emit('Greater', [y, tt.constant(0)], tt.shape(y));
    return [tt.emit('Where', [positive, g, tt.constant(0)], tt.shape(g))];
  });
}

export function leakyRelu(t: Tape, x: string, alpha: number): string {
  const y = t.emit('LeakyRelu', [x], t.shape(x), { alpha: f(alpha) });
  return t.record([x], y, (g, tt) => {
    const positive = tt.emit('Greater', [x, tt.constant(0)], tt.shape(x));
    const leaked = tt.emit('Mul', [g, tt.constant(alpha)], tt.shape(g));
    return [tt.emit('Where', [positive, g, leaked], tt.shape(g))];
  });
}

export function tanh(t: Tape, x: string): string {
  const y = t.emit('Tanh', [x], t.shape(x));
  return t.record([x], y, (g, tt) => {
    const s = tt.shape(y);
    const oneMinus = tt.emit('Sub', [tt.constant(1), tt.emit('Mul', [y, y], s)], s);
    return [tt.emit('Mul', [g, oneMinus], s)];
  });
}

export function sigmoid(t: Tape, x: string): string {
  const y = t.emit('Sigmoid', [x], t.shape(x));
  return t.record([x], y, (g, tt) => {
    const s = tt.shape(y);
    const d = tt.emit('Mul', [y, tt.emit('Sub', [tt.constant(1), y], s)], s);
    return [tt.emit('Mul', [g, d], s)];
  });
}

export function abs(t: Tape, x: string): string {
  const y = t.emit('Abs', [x], t.shape(x));
  return t.record([x], y, (g, tt) => [tt.emit('Mul', [g, tt.emit('Sign', [x], tt.shape(x))], tt.shape(x))]);
}

export function square(t: Tape, x: string): string {
  const y = t.emit('Mul', [x, x], t.shape(x));
  return t.record([x], y, (g, tt) => {
    const s = tt.shape(x);
    return [tt.emit('Mul', [tt.emit('Mul', [g, x], s), tt.constant(2)], s)];
  });
}

/** log(1 + e^x), in the overflow-free form max(x, 0) + log(1 + e^-|x|); its derivative is sigmoid(x). */
export function softplus(t: Tape, x: string): string {
  const s = t.shape(x);
  const tail = t.emit('Log', [t.emit('Add', [t.constant(1), t.emit('Exp', [t.emit('Neg', [t.emit('Abs', [x], s)], s)], s)], s)], s);
  const y = t.emit('Add', [t.emit('Relu', [x], s), tail], s);
  return t.record([x], y, (g, tt) => [tt.emit('Mul', [g, tt.emit('Sigmoid', [x], s)], s)]);
}

/** Mean of every element: a scalar (shape []). */
export function mean(t: Tape, x: string): string {
  const s = t.shape(x);
  const y = t.emit('ReduceMean', [x], [], { keepdims: 0 });
  return t.record([x], y, (g, tt) => {
    const scaled = tt.emit('Mul', [g, tt.constant(1 / size(s))], []);
    return [tt.emit('Expand', [scaled, tt.ints([...s])], s)];
  });
}

/** Concatenation along channels. */
export function concat(t: Tape, inputs: readonly string[]): string {
  const shapes = inputs.map((i) => t.shape(i));
  const first = shapes[0];
  if (first === undefined) throw new Error('concat of nothing');
  const channels = shapes.map((s) => s[1] ?? 0);
  const outShape = [...first];
  outShape[1] = channels.reduce((a, b) => a + b, 0);
  const y = t.emit('Concat', inputs, outShape, { axis: 1 });
  return t.record(inputs, y, (g, tt) => {
    if (inputs.length === 1) return [g];
    return tt.emitMany('Split', [g, tt.ints(channels)], shapes, { axis: 1 });
  });
}

/** Repeats a [B, C] vector over the height and width of `like`: [B, C, H, W]. */
export function spatialBroadcast(t: Tape, v: string, like: string): string {
  const [b, c] = t.shape(v);
  const [, , h, w] = t.shape(like);
  const target = [b ?? 1, c ?? 1, h ?? 1, w ?? 1];
  const v4 = t.emit('Unsqueeze', [v, t.ints([2, 3])], [b ?? 1, c ?? 1, 1, 1]);
  const y = t.emit('Expand', [v4, t.ints(target)], target);
  return t.record([v], y, (g, tt) => [tt.emit('ReduceSum', [g, tt.ints([2, 3])], [b ?? 1, c ?? 1], { keepdims: 0 })]);
}

/** Pads height and width by `amount` on every side, mirroring (reflect) or with zeros. */
export function pad(t: Tape, x: string, amount: number, mode: 'reflect' | 'zero'): string {
  const [n, c, h, w] = t.shape(x) as [number, number, number, number];
  if (mode === 'reflect' && (amount >= h || amount >= w)) {
    throw new Error(`reflect padding ${amount} needs sides longer than it (got ${h}x${w})`);
  }
  const a = amount;
  const y = t.emit('Pad', [x, t.ints([0, 0, a, a, 0, 0, a, a])], [n, c, h + 2 * a, w + 2 * a], {
    mode: mode === 'reflect' ? 'reflect' : 'constant',
  });
  return t.record([x], y, (g, tt) => {
    if (mode === 'zero') {
      return [tt.emit('Slice', [g, tt.ints([a, a]), tt.ints([a + h, a + w]), tt.ints([2, 3])], [n, c, h, w])];
    }
    const alongW = foldReflect(tt, g, 3, w, a);
    return [foldReflect(tt, alongW, 2, h, a)];
  });
}

/**
 * Gradient of reflect padding along one axis: the centre, plus each border band mirrored back
 * onto the positions it copied (padded index a-1-j copies index j+1; the far band copies from
 * the other end), added in place by zero-padding the bands to full length.
 */
function foldReflect(t: Tape, g: string, axis: 2 | 3, n: number, a: number): string {
  const gs = t.shape(g);
  const outShape = gs.map((d, i) => (i === axis ? n : d));
  const bandShape = gs.map((d, i) => (i === axis ? a : d));
  const centre = t.emit('Slice', [g, t.ints([a]), t.ints([a + n]), t.ints([axis])], outShape);
  const nearIdx = Array.from({ length: a }, (_, j) => a - 1 - j); // padded positions a-1..0 -> x 1..a
  const farIdx = Array.from({ length: a }, (_, j) => a + n + a - 1 - j); // padded end..  -> x n-1-a..n-2
  const near = t.emit('Gather', [g, t.ints(nearIdx)], bandShape, { axis });
  const far = t.emit('Gather', [g, t.ints(farIdx)], bandShape, { axis });
  const pads = (before: number, after: number): string => {
    const p = [0, 0, 0, 0, 0, 0, 0, 0];
    p[axis] = before;
    p[axis + 4] = after;
    return t.ints(p);
  };
  const nearFull = t.emit('Pad', [near, pads(1, n - 1 - a)], outShape);
  const farFull = t.emit('Pad', [far, pads(n - 1 - a, 1)], outShape);
  return t.emit('Sum', [centre, nearFull, farFull], outShape);
}

/** An ONNX Conv of x [N, C, H, W] with weights [O, C, kh, kw], its input channels padded where WebGPU needs it (graph/conv-channels). */
function emitConv(t: Tape, x: string, weight: string, bias: string | null, shape: readonly number[], attrs: Record<string, AttrValue>): string {
  const xs = t.shape(x);
  const ws = t.shape(weight);
  const extra = convChannelPadding(xs[1] ?? 0, ws[0] ?? 0);
  if (extra === 0) return t.emit('Conv', bias === null ? [x, weight] : [x, weight, bias], shape, attrs);
  const pads = t.ints(channelPads(extra));
  const widen = (v: string, s: readonly number[]): string => t.emit('Pad', [v, pads], [s[0] ?? 0, (s[1] ?? 0) + extra, s[2] ?? 0, s[3] ?? 0]);
  const inputs = [widen(x, xs), widen(weight, ws), ...(bias === null ? [] : [bias])];
  return t.emit('Conv', inputs, shape, attrs);
}

/**
 * Nearest-neighbour upsampling by a whole factor: each value copied into an f x f block. Its
 * gradient sums each block back onto the value it copied.
 */
export function upsampleNearest(t: Tape, x: string, factor: number): string {
  const [n, c, h, w] = t.shape(x) as [number, number, number, number];
  const f = factor;
  const outShape = [n, c, h * f, w * f];
  const y = t.emit('Resize', [x, '', '', t.ints(outShape)], outShape, NEAREST_RESIZE);
  return t.record([x], y, (g, tt) => {
    const blocks = tt.emit('Reshape', [g, tt.ints([n, c, h, f, w, f])], [n, c, h, f, w, f]);
    return [tt.emit('ReduceSum', [blocks, tt.ints([3, 5])], [n, c, h, w], { keepdims: 0 })];
  });
}

/**
 * ONNX Resize attributes for exact nearest-neighbour upsampling by a whole factor: output y
 * reads input floor(y / f), as PyTorch's nearest mode does.
 */
export const NEAREST_RESIZE = { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' } as const;

/**
 * Conv, or ConvTranspose for a transposed window. Each one's input gradient is the other with
 * the same weights; the weight gradient is one Conv of input and output gradient.
 */
export function convolution(t: Tape, x: string, weight: string, bias: string | null, window: KernelWindow): string {
  const [n, , h, w] = t.shape(x) as [number, number, number, number];
  const outC = t.shape(weight)[window.transposed ? 1 : 0] ?? 0;
  const { kernel: k, stride: s, pad: p } = window;
  const ho = windowSide(window, h);
  const wo = windowSide(window, w);
  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  const y = window.transposed ? t.emit('ConvTranspose', inputs, [n, outC, ho, wo], windowAttributes(window)) : emitConv(t, x, weight, bias, [n, outC, ho, wo], windowAttributes(window));
  return t.record(inputs, y, (g, tt, needs) => {
    let gx: string | null = null;
    if (needs[0] && window.transposed) {
      // A conv with the same weights ([in, out] read as [out', in']) maps the output gradient back.
      gx = emitConv(tt, g, weight, null, t.shape(x), windowAttributes({ ...window, transposed: false }));
    } else if (needs[0]) {
      // The transposed conv with the same weights; output_padding restores the rows and
      // columns the forward stride skipped.
      const opH = h - ((ho - 1) * s - 2 * p + k);
      const opW = w - ((wo - 1) * s - 2 * p + k);
      gx = tt.emit('ConvTranspose', [g, weight], t.shape(x), { ...windowAttributes(window), output_padding: [opH, opW] });
    }
    const gw = needs[1] ? (window.transposed ? weightGradient(tt, g, x, { k, s, p }) : weightGradient(tt, x, g, { k, s, p })) : null;
    return bias === null ? [gx, gw] : [gx, gw, needs[2] ? biasGradient(tt, g) : null];
  });
}

function biasGradient(t: Tape, g: string): string {
  const c = t.shape(g)[1] ?? 0;
  return t.emit('ReduceSum', [g, t.ints([0, 2, 3])], [c], { keepdims: 0 });
}

/**
 * Weight gradient as one Conv: the (padded) `input` with batch and channel axes swapped, read as
 * a batch of single-channel-group images, against `kernelSource` (also swapped) as the filters,
 * with dilation equal to the stride. Conv: input = x, kernelSource = dy, result [Cin, Cout, k, k]
 * transposed to [Cout, Cin, k, k]. ConvTranspose: input = dy, kernelSource = x, result
 * [Cout, Cin, k, k] transposed to the stored [Cin, Cout, k, k].
 */
function weightGradient(t: Tape, input: string, kernelSource: string, o: { k: number; s: number; p: number }): string {
  const [n, ci, h, w] = t.shape(input) as [number, number, number, number];
  const [, co, kh, kw] = t.shape(kernelSource) as [number, number, number, number];
  const xT = t.emit('Transpose', [input], [ci, n, h, w], { perm: [1, 0, 2, 3] });
  const gT = t.emit('Transpose', [kernelSource], [co, n, kh, kw], { perm: [1, 0, 2, 3] });
  const fullH = h + 2 * o.p - (kh - 1) * o.s;
  const fullW = w + 2 * o.p - (kw - 1) * o.s;
  let r = emitConv(t, xT, gT, null, [ci, co, fullH, fullW], {
    kernel_shape: [kh, kw],
    dilations: [o.s, o.s],
    pads: [o.p, o.p, o.p, o.p],
  });
  if (fullH !== o.k || fullW !== o.k) {
    // Rows the forward pass never reached (stride remainders) produce extra taps: drop them.
    r = t.emit('Slice', [r, t.ints([0, 0]), t.ints([o.k, o.k]), t.ints([2, 3])], [ci, co, o.k, o.k]);
  }
  // Conv: [Cin, Cout, k, k] -> [Cout, Cin, k, k]. ConvTranspose: r is [Cout(dy), Cin(x), k, k]
  // -> stored layout [Cin, Cout, k, k]. Both are the same axis swap.
  return t.emit('Transpose', [r], [co, ci, o.k, o.k], { perm: [1, 0, 2, 3] });
}

// Opset 17: ReduceSum takes its axes as an input, ReduceMean still as an attribute.

/**
 * Normalisation with the statistics of the current batch: per image and channel ('instance',
 * and the reference BatchNorm at batch 1) or per channel over the batch ('batch', BatchNorm in
 * training mode). `scale`/`shift` are [C] or null (InstanceNorm2d without affine).
 */
export function normalize(
  t: Tape,
  x: string,
  scaleParam: string | null,
  shiftParam: string | null,
  over: 'instance' | 'batch',
  epsilon = 1e-5,
): string {
  const s = t.shape(x) as [number, number, number, number];
  const [n, c] = s;
  const axes = over === 'instance' ? [2, 3] : [0, 2, 3];
  const statShape = over === 'instance' ? [n, c, 1, 1] : [1, c, 1, 1];
  const mu = t.emit('ReduceMean', [x], statShape, { axes, keepdims: 1 });
  const centred = t.emit('Sub', [x, mu], s);
  const variance = t.emit('ReduceMean', [t.emit('Mul', [centred, centred], s)], statShape, { axes, keepdims: 1 });
  const invStd = t.emit('Reciprocal', [t.emit('Sqrt', [t.emit('Add', [variance, t.constant(epsilon)], statShape)], statShape)], statShape);
  const xhat = t.emit('Mul', [centred, invStd], s);
  const c4 = [1, c, 1, 1];
  const scale4 = scaleParam === null ? null : t.emit('Reshape', [scaleParam, t.ints(c4)], c4);
  const shift4 = shiftParam === null ? null : t.emit('Reshape', [shiftParam, t.ints(c4)], c4);
  let y = scale4 === null ? xhat : t.emit('Mul', [xhat, scale4], s);
  if (shift4 !== null) y = t.emit('Add', [y, shift4], s);
  if (y === xhat) y = t.emit('Identity', [xhat], s);
  const inputs = [x, ...(scaleParam === null ? [] : [scaleParam]), ...(shiftParam === null ? [] : [shiftParam])];
  return t.record(inputs, y, (g, tt, needs) => {
    const gh = scale4 === null ? g : tt.emit('Mul', [g, scale4], s);
    // dx = invStd * (gh - mean(gh) - xhat * mean(gh * xhat)), means over the statistics' axes.
    const meanG = tt.emit('ReduceMean', [gh], statShape, { axes, keepdims: 1 });
    const meanGX = tt.emit('ReduceMean', [tt.emit('Mul', [gh, xhat], s)], statShape, { axes, keepdims: 1 });
    const inner = tt.emit('Sub', [tt.emit('Sub', [gh, meanG], s), tt.emit('Mul', [xhat, meanGX], s)], s);
    const gx = tt.emit('Mul', [inner, invStd], s);
    const grads: (string | null)[] = [needs[0] ? gx : null];
    if (scaleParam !== null) grads.push(tt.emit('ReduceSum', [tt.emit('Mul', [g, xhat], s), tt.ints([0, 2, 3])], [c], { keepdims: 0 }));
    if (shiftParam !== null) grads.push(tt.emit('ReduceSum', [g, tt.ints([0, 2, 3])], [c], { keepdims: 0 }));
    return grads;
  });
}

/** Blocks gradients: the value is used as a constant by everything after it. */
export function detach(t: Tape, x: string): string {
  return t.emit('Identity', [x], t.shape(x));
}
