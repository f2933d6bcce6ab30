import { openGraphRunner, type TensorInput } from '../../runtime/index.js';
import { gradients } from '../autodiff.js';
import { mean, mul, scale } from '../diff-ops.js';
import { size, Tape, type Shape } from '../tape.js';

/** Deterministic values in [-1, 1) (mulberry32), so failures reproduce. */
export function randomArray(n: number, seed: number, amplitude = 1): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * amplitude;
  }
  return out;
}

export interface GradientCase {
  /** Inputs to differentiate with respect to. */
  inputs: Record<string, Shape>;
  /** Builds the operation under test from the input values; returns its (any-shaped) result. */
  build: (t: Tape, inputs: Record<string, string>) => string;
  /** Keeps finite differences away from kinks (relu, abs): inputs are pushed off zero. */
  awayFromZero?: number;
}

export interface GradientReport {
  /** Worst |analytic - numeric| / max(|analytic|, |numeric|, floor) over the probed coordinates. */
  worstRelative: number;
  probes: number;
}

/**
 * Checks the emitted gradient of sum(op(inputs) * R), R a fixed random weighting, against central
 * finite differences of the same graph's loss, at `probesPerInput` random coordinates of each
 * input. Runs in float32, so the step is large-ish and the comparison tolerant of roundoff.
 */
export async function checkGradients(c: GradientCase, probesPerInput = 10, step = 1e-2): Promise<GradientReport> {
  const t = new Tape('gradcheck');
  const names: Record<string, string> = {};
  for (const [name, shape] of Object.entries(c.inputs)) names[name] = t.input(name, shape);
  const y = c.build(t, names);
  const weighting = t.input('weighting', t.shape(y));
  const loss = scale(t, mean(t, mul(t, y, weighting)), size(t.shape(y)));
  const grads = gradients(t, loss, Object.values(names));
  const outputs = [t.rename(loss, 'loss'), ...Object.keys(names).map((n) => t.rename(grads.get(n) ?? '', `grad/${n}`))];
  const runner = await openGraphRunner(t.toOnnx(outputs), 'cpu');

  const feeds: Record<string, TensorInput> = {};
  let seed = 7;
  for (const [name, shape] of Object.entries(c.inputs)) {
    const data = randomArray(size(shape), seed++);
    if (c.awayFromZero !== undefined) {
      const m = c.awayFromZero;
      for (let i = 0; i < data.length; i++) {
        const v = data[i] ?? 0;
        if (Math.abs(v) < m) data[i] = v < 0 ? v - m : v + m;
      }
    }
    feeds[name] = { data, dims: shape };
  }
  const yShape = t.shape(y);
  feeds.weighting = { data: randomArray(size(yShape), 99), dims: yShape };

  const base = await runner.run(feeds);
  const lossAt = async (): Promise<number> => (await runner.run(feeds)).get('loss')?.[0] ?? Number.NaN;
  let worst = 0;
  let probes = 0;
  for (const [name, shape] of Object.entries(c.inputs)) {
    const analytic = base.get(`grad/${name}`);
    const feed = feeds[name];
    if (analytic === undefined || feed === undefined) throw new Error(`no gradient output for ${name}`);
    const n = size(shape);
    const coords = Array.from(randomArray(probesPerInput, 1000 + probes), (r) => Math.floor(((r + 1) / 2) * n) % n);
    for (const i of coords) {
      const original = feed.data[i] ?? 0;
      feed.data[i] = original + step;
      const up = await lossAt();
      feed.data[i] = original - step;
      const down = await lossAt();
      feed.data[i] = original;
      const numeric = (up - down) / (2 * step);
      const a = analytic[i] ?? Number.NaN;
      const rel = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), 0.05);
      worst = Math.max(worst, Number.isNaN(rel) ? Infinity : rel);
      probes += 1;
    }
  }
  await runner.release();
  return { worstRelative: worst, probes };
}
