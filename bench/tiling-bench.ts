/**
 * Large-image benchmark at 2048 x 1536 on the CPU provider, for a random-weight resnet_9blocks
 * (ngf 64) and the bundled day2night starter: layer-by-layer strips (the default over the
 * budget) and tiles with statistics from a downscaled copy (--tile), each against a
 * whole-image run. Writes docs/BENCHMARKS.md.
 * The 24-megapixel peak-RSS check is a separate command (bench/tiling-rss.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { emitOnnx } from '../electron/engine/graph/onnx-emitter.js';
import { randomWeights } from '../electron/engine/graph/weights.js';
import { ModelLibrary, packageRoot } from '../electron/engine/library/index.js';
import { buildGenerator, describeArchitecture, type Architecture } from '../electron/engine/nets/index.js';
import { SessionManager } from '../electron/engine/runtime/index.js';
import { machineLine, writeBenchmarkSection } from './benchmarks-file.js';
import { compareStripsToWhole, compareTiledToWhole } from './tiling-measure.js';
import { ImageToImagePipeline } from '../electron/engine/jobs/pipeline.js';

const W = 2048;
const H = 1536;
const arch: Architecture = { family: 'resnet', ngf: 64, nBlocks: 9, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3 };

const work = await mkdtemp(join(tmpdir(), 'gs-tiling-bench-'));
const sessions = new SessionManager({ idleMs: 600_000 });
try {
  const library = new ModelLibrary({ home: join(work, 'home') });
  const graph = buildGenerator(arch);
  await library.install(emitOnnx(graph, randomWeights(graph, 5)), {
    schemaVersion: 1, id: 'bench-resnet9', name: 'bench', kind: 'cyclegan', description: 'random weights',
    inputChannels: 3, outputChannels: 3, sizeMultiple: 4, preferredSize: 256, attributes: [],
    architecture: describeArchitecture(arch), network: arch, source: 'benchmark', licence: 'MIT',
  });
  const raw = await sharp(join(packageRoot(), 'assets/samples/day-scene.svg'), { density: (72 * W) / 480 }).resize(W, H).removeAlpha().raw().toBuffer();
  const rgb = new Uint8Array(raw);
  for (let i = 0; i < rgb.length; i++) rgb[i] = Math.max(0, Math.min(255, (rgb[i] as number) + (((i * 2654435761) >>> 27) - 16) / 2));
  const image = { width: W, height: H, rgb, alpha: null, format: 'png' };
  const rows: string[] = [];
  for (const id of ['bench-resnet9', 'day2night']) {
    const entry = await library.resolve(id);
    const model = entry.manifest.architecture ?? id;
    const pipeline = new ImageToImagePipeline(entry, sessions, 'cpu', { cacheDir: join(work, 'cache'), budgetBytes: 64 * 2 ** 30 });
    await pipeline.translate(image);
    let start = performance.now();
    const rgb = (await pipeline.translate(image)).rgb;
    const whole = { rgb, ms: performance.now() - start };
    const row = (method: string, mae: number, seams: string, ms: number, notes: string[]): void => {
      const line = `| ${model} | ${method} | ${mae.toFixed(3)} | ${seams} | ${(whole.ms / 1000).toFixed(1)} s | ${(ms / 1000).toFixed(1)} s | ${(ms / whole.ms).toFixed(2)}x |`;
      console.log(line, notes.join('; '));
      rows.push(line);
    };
    for (const budgetMB of [1536, 256]) {
      const r = await compareStripsToWhole(entry, sessions, image, join(work, 'cache'), budgetMB * 2 ** 20, whole);
      const spilled = /([\d.]+) GB of layers kept in scratch files/.exec(r.notes.join(' '))?.[1];
      const ranWhole = !/layer by layer/.test(r.notes.join(' '));
      const detail = ranWhole ? ' (fits: ran whole)' : spilled === undefined ? '' : ` (${spilled} GB in scratch files)`;
      row(`strips, ${budgetMB} MB budget${detail}`, r.maeLevels, ranWhole ? '–' : 'no tiles', r.stripMs, r.notes);
    }
    start = performance.now();
    const t = await compareTiledToWhole(entry, sessions, image, 1024, join(work, 'cache'), 1024, whole);
    row('tiles of 1024 px (`--tile 1024`), statistics from a 1024 px copy', t.maeLevels, t.seamRatio.toFixed(3), t.tiledMs, t.notes);
  }
  await writeBenchmarkSection(
    'tiling',
    [
      '## Large images: strips and tiles against whole-image translation (CPU provider)',
      '',
      `Machine: ${machineLine()}. Date: ${new Date().toISOString().slice(0, 10)}. Command: \`node dist/bench/tiling-bench.js\` (part of \`npm run bench\`).`,
      '',
      `A ${W} x ${H} rendering of assets/samples/day-scene.svg with fine grain. Strips (the default for`,
      'images over the memory budget) run the graph layer by layer over the whole image, so every norm',
      'layer sees the whole image: the output differs from a whole-image run only by float rounding.',
      'Tiles (`--tile`) take their norm statistics from a 1024 px copy and blend 128 px overlaps.',
      'MAE: mean absolute difference from the whole-image output in 8-bit levels. Seam ratio: mean',
      'neighbour difference across tile borders over that in the interior (1.0 = no seam).',
      '',
      '| model | method | MAE (levels) | seam ratio | whole | method | ratio |',
      '|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );
} finally {
  await sessions.dispose();
  await rm(work, { recursive: true, force: true });
}
