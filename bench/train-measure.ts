/**
 * What the training benchmarks share (bench/train-bench.ts on the CPU, bench/gpu-check.ts on a
 * GPU, bench/state-roundtrip-bench.ts): training folders, one CycleGAN iteration of GAN
 * Studio's trainer and of the PyTorch peer (bench/torch_train_peer.py), and the state round
 * trip (every weight and Adam moment passed out of onnxruntime and back in) on its own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { TrainArch, TrainEvent } from '../electron/contract/training.js';
import { Tape } from '../electron/engine/graph/tape.js';
import { ModelLibrary, packageRoot } from '../electron/engine/library/index.js';
import { countParameters, patchganDiscriminator, resnetGenerator } from '../electron/engine/nets/index.js';
import { DeviceValue, openGraphRunner, type DeviceChoice, type Feed } from '../electron/engine/runtime/index.js';
import { TrainingRun } from '../electron/engine/training/training-run.js';
import { trainSettings } from '../electron/engine/training/train-settings.js';
import { median } from './benchmarks-file.js';

export const TORCH_PYTHON = '/usr/bin/python3';

/** A folder of `count` structured noise pictures of `side` px. */
export async function folder(dir: string, count: number, side: number, seed: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let k = 0; k < count; k++) {
    const rgb = new Uint8Array(side * side * 3);
    let s = seed + k * 7919;
    for (let i = 0; i < side * side; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const x = i % side;
      const y = Math.floor(i / side);
      rgb[i * 3] = ((x * 255) / side + (s >>> 27)) & 255;
      rgb[i * 3 + 1] = ((y * 255) / side) & 255;
      rgb[i * 3 + 2] = (seed * 40 + k * 20) & 255;
    }
    await sharp(rgb, { raw: { width: side, height: side, channels: 3 } }).png().toFile(join(dir, `${k}.png`));
  }
}

/** One CycleGAN iteration to time: generator width and blocks, crop size, timed iterations. */
export interface Case {
  ngf: number;
  arch: TrainArch;
  blocks: number;
  size: number;
  iterations: number;
}

/** Seconds per iteration of GAN Studio's trainer (the whole TrainingRun loop), the first left out; folders A and B under `work`. */
export async function ours(work: string, c: Case, device: DeviceChoice, threads?: number): Promise<{ seconds: number[]; provider: string }> {
  const settings = trainSettings({
    mode: 'cyclegan',
    dataA: join(work, 'A'),
    dataB: join(work, 'B'),
    arch: c.arch,
    ngf: c.ngf,
    iterations: c.iterations + 1,
    size: c.size,
    sampleEvery: 1_000_000,
    checkpointEvery: 1_000_000,
    name: 'bench',
    device,
  });
  const run = await TrainingRun.create(settings, { library: new ModelLibrary({ home: join(work, 'home') }), runDir: join(work, `run-${device}-${c.ngf}-${c.size}`) });
  const seconds: number[] = [];
  let provider = '';
  let last = performance.now();
  await run.train({
    ...(threads === undefined ? {} : { threads }),
    onEvent: (e: TrainEvent) => {
      if (e.type === 'train-started') {
        provider = e.provider;
        last = performance.now();
      }
      if (e.type === 'train-progress') {
        const now = performance.now();
        // The first iteration allocates every buffer (and compiles a GPU's kernels): left out, as in the PyTorch peer.
        if (e.iteration > 1) seconds.push((now - last) / 1000);
        last = now;
      }
    },
  });
  return { seconds, provider };
}

/** Seconds per iteration of the PyTorch peer, or why it did not run. */
export function torchPeer(c: Case, threads: number, device: 'cpu' | 'cuda' = 'cpu'): { seconds: number[]; version: string } | { skipped: string } {
  if (!existsSync(TORCH_PYTHON)) return { skipped: `${TORCH_PYTHON} not found` };
  const script = join(packageRoot(), 'bench', 'torch_train_peer.py');
  const result = spawnSync(TORCH_PYTHON, [script, String(c.ngf), String(c.blocks), String(c.size), String(threads), String(c.iterations), device], { encoding: 'utf8' });
  if (result.status !== 0) return { skipped: `PyTorch peer failed: ${(result.stderr || result.stdout).trim().split('\n').at(-1) ?? ''}` };
  const parsed = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { torch: string; seconds: number[] };
  return { seconds: parsed.seconds, version: parsed.torch };
}

/** The state round trip, timed with a graph that passes a CycleGAN's state through. */
export interface RoundTrip {
  /** Megabytes of weights and moments. */
  mb: number;
  /** A pass with the state fed from and returned to plain arrays (what every step did before). */
  crossing: number;
  /** The same pass with the state fed and kept as device buffers (0 crossing; equals `crossing` on the CPU). */
  kept: number;
  /** One read of the kept state back into plain arrays (a checkpoint's). */
  read: number;
}

/**
 * Times the state round trip of a CycleGAN with generators of width `ngf` and `blocks` blocks
 * and 3-layer PatchGANs of width 64, in seconds (median of `runs` after one untimed pass).
 */
export async function stateRoundTrip(ngf: number, blocks: number, device: DeviceChoice, options: { threads?: number; runs?: number; ndf?: number } = {}): Promise<RoundTrip> {
  const g = resnetGenerator({ ngf, nBlocks: blocks, norm: 'instance', dropout: false });
  const d = patchganDiscriminator({ inputChannels: 3, ndf: options.ndf ?? 64, nLayers: 3, norm: 'instance' });
  const shapes = [g, g, d, d].flatMap((net) => net.params.map((p) => p.shape)).flatMap((shape) => [shape, shape, shape]);
  const t = new Tape('state_round_trip');
  const names = shapes.map((shape, k) => t.rename(t.emit('Identity', [t.input(`in/${k}`, shape)], shape), `out/${k}`));
  const model = t.toOnnx(names);
  const host: Record<string, Feed> = Object.fromEntries(shapes.map((shape, k) => [`in/${k}`, { data: new Float32Array(shape.reduce((a, b) => a * b, 1)), dims: shape }]));
  const runs = options.runs ?? 5;
  const free = (feeds: Record<string, Feed>): void => {
    for (const v of Object.values(feeds)) if (v instanceof DeviceValue) v.dispose();
  };
  const time = async (keep: boolean): Promise<{ pass: number; read: number }> => {
    const runner = await openGraphRunner(model, device, { ...(keep ? { keepOnDevice: names } : {}), ...(options.threads === undefined ? {} : { threads: options.threads }) });
    let feeds = host;
    const seconds: number[] = [];
    try {
      for (let k = 0; k <= runs; k++) {
        const start = performance.now();
        const out = await runner.step(feeds);
        if (k > 0) seconds.push((performance.now() - start) / 1000);
        if (out.device.size > 0) {
          if (feeds !== host) free(feeds);
          feeds = Object.fromEntries([...out.device].map(([name, v]) => [name.replace('out/', 'in/'), v]));
        }
      }
      const start = performance.now();
      await runner.download(new Map(Object.entries(feeds).filter((e): e is [string, DeviceValue] => e[1] instanceof DeviceValue)));
      return { pass: median(seconds), read: (performance.now() - start) / 1000 };
    } finally {
      if (feeds !== host) free(feeds);
      await runner.release();
    }
  };
  const crossing = await time(false);
  const kept = await time(true);
  return { mb: (3 * 4 * [g, g, d, d].reduce((n, net) => n + countParameters(net), 0)) / 2 ** 20, crossing: crossing.pass, kept: kept.pass, read: kept.read };
}
