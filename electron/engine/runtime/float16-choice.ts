import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type ort from 'onnxruntime-node';
import { float16Variant } from '../graph/float16-variant.js';
import { inspectOnnx } from '../graph/onnx-inspect.js';
import { writeFileAtomic } from '../write-atomic.js';
import type { ProviderName } from './devices.js';
import { runSession, type TensorInput } from './ort-session.js';
import { failureReason } from './provider-policy.js';

export type Precision = 'float32' | 'float16';

export interface Float16Options {
  /** Where variants and the decisions for each device are kept (the studio's cache). */
  cacheDir: string;
  /** Providers that may run a float16 variant: GPUs, where half precision is about twice as fast. */
  providers?: readonly ProviderName[];
}

/**
 * The studio's setting: variants under `<cache>/float16`, unless GAN_STUDIO_FLOAT16=off asks
 * for float32 everywhere (to compare, or where a driver's float16 is suspect).
 */
export function float16Setting(cacheRoot: string, env: NodeJS.ProcessEnv = process.env): Float16Options | undefined {
  return env.GAN_STUDIO_FLOAT16 === 'off' ? undefined : { cacheDir: join(cacheRoot, 'float16') };
}

/** GPU providers; on the CPU onnxruntime computes float16 nodes in float32 anyway (slower, no gain). */
export const FLOAT16_PROVIDERS: readonly ProviderName[] = ['webgpu', 'cuda', 'dml', 'coreml'];

/** A variant is used only while its output stays this close to float32's (8-bit levels, mean). */
export const FLOAT16_MAX_MEAN_LEVELS = 1;

/** What was decided for one model on one provider, kept so the probe runs once per device. */
export interface Float16Decision {
  precision: Precision;
  /** Mean and largest difference of the probe's output from float32's, in 8-bit levels. */
  meanLevels?: number;
  maxLevels?: number;
  /** One line for logs and results: why this precision. */
  reason: string;
}

export interface ChosenSession {
  session: ort.InferenceSession;
  precision: Precision;
  reason: string;
}

/** The probe's side for dimensions the model leaves open: a multiple of every family's size multiple. */
const PROBE_SIDE = 256;

/** A fixed input for comparing precisions: smooth gradients with fine texture in [-1, 1], 0.5 for condition vectors. */
function probeFeeds(model: Uint8Array): Record<string, TensorInput> {
  const feeds: Record<string, TensorInput> = {};
  for (const input of inspectOnnx(model).inputs) {
    const dims = input.dims.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : PROBE_SIDE));
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    if (dims.length === 4) for (let i = 0; i < data.length; i++) data[i] = 0.8 * Math.sin(i * 0.0137) * Math.cos(i * 0.00071);
    else data.fill(0.5);
    feeds[input.name] = { data, dims };
  }
  return feeds;
}

function difference(a: Float32Array, b: Float32Array): { meanLevels: number; maxLevels: number } {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] ?? 0) - (b[i] ?? Number.NaN)) * 127.5;
    sum += d;
    max = Number.isNaN(d) ? Infinity : Math.max(max, d);
  }
  return { meanLevels: Number.isNaN(sum) ? Infinity : sum / Math.max(1, a.length), maxLevels: max };
}

/** Runs both precisions on the probe and decides; a variant that cannot be made, opened or run is a float32 decision. */
async function decide(modelPath: string, model: Uint8Array, variantPath: string, provider: ProviderName, open: (model: string | Uint8Array) => Promise<ort.InferenceSession>): Promise<Float16Decision> {
  let half: ort.InferenceSession | null = null;
  let full: ort.InferenceSession | null = null;
  try {
    await writeFileAtomic(variantPath, float16Variant(model), 'the float16 variant');
    half = await open(variantPath);
    const feeds = probeFeeds(model);
    const output = half.outputNames[0] ?? '';
    const halfOut = (await runSession(half, feeds)).get(output)?.data ?? new Float32Array(0);
    full = await open(modelPath);
    const fullOut = (await runSession(full, feeds)).get(output)?.data ?? new Float32Array(0);
    const { meanLevels, maxLevels } = difference(fullOut, halfOut);
    const measured = `${meanLevels.toFixed(3)} levels mean (largest ${maxLevels.toFixed(2)}) from float32 on ${provider}`;
    return meanLevels <= FLOAT16_MAX_MEAN_LEVELS
      ? { precision: 'float16', meanLevels, maxLevels, reason: `float16: ${measured}` }
      : { precision: 'float32', meanLevels, maxLevels, reason: `float32: float16 is ${measured}, over ${FLOAT16_MAX_MEAN_LEVELS}` };
  } catch (err) {
    return { precision: 'float32', reason: `float32: no float16 variant on ${provider} (${failureReason(err)})` };
  } finally {
    await half?.release().catch(() => undefined);
    await full?.release().catch(() => undefined);
  }
}

async function readDecision(path: string): Promise<Float16Decision | null> {
  try {
    const d = JSON.parse(await readFile(path, 'utf8')) as Partial<Float16Decision>;
    return (d.precision === 'float16' || d.precision === 'float32') && typeof d.reason === 'string' ? (d as Float16Decision) : null;
  } catch {
    return null;
  }
}

/**
 * Opens a model file for a GPU provider in the precision decided for it on this provider: the
 * first time, its float16 variant is made and both are run on a probe input, and float16 is
 * kept only when it stays within FLOAT16_MAX_MEAN_LEVELS of float32; the variant and the
 * decision are cached by the model's content, so later opens (and later processes) go straight
 * to the chosen file.
 */
export async function openInChosenPrecision(
  modelPath: string,
  provider: ProviderName,
  options: Float16Options,
  open: (model: string | Uint8Array) => Promise<ort.InferenceSession>,
): Promise<ChosenSession> {
  const model = new Uint8Array(await readFile(modelPath));
  const key = createHash('sha256').update(model).digest('hex').slice(0, 32);
  const variantPath = join(options.cacheDir, `${key}.float16.onnx`);
  const decisionPath = join(options.cacheDir, `${key}.${provider}.json`);
  let decision = await readDecision(decisionPath);
  if (decision === null) {
    decision = await decide(modelPath, model, variantPath, provider, open);
    await writeFileAtomic(decisionPath, `${JSON.stringify(decision, null, 2)}\n`, 'the float16 decision').catch(() => undefined);
  }
  if (decision.precision === 'float16') {
    // The variant may have been cleared with the cache; it is made again from the model.
    const session = await open(variantPath).catch(async () => {
      await writeFileAtomic(variantPath, float16Variant(model), 'the float16 variant');
      return open(variantPath);
    });
    return { session, precision: 'float16', reason: decision.reason };
  }
  return { session: await open(modelPath), precision: 'float32', reason: decision.reason };
}
