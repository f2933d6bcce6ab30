/**
 * Tiling benchmark: tiled against whole-image translation at 2048 x 1536 on the CPU provider,
 * for a random-weight resnet_9blocks (ngf 64) and the bundled day2night starter, with whole-image
 * statistics gathered exactly and from a downscaled copy. Writes docs/BENCHMARKS.md.
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
import { compareTiledToWhole } from './tiling-measure.js';

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
    for (const [label, statsSide] of [
      ['exact (full-size pass)', 8192],
      ['1024 px copy', 1024],
    ] as const) {
      const r = await compareTiledToWhole(entry, sessions, image, 1024, join(work, 'cache'), statsSide);
      const line = `| ${entry.manifest.architecture ?? id} | ${label} | ${r.maeLevels.toFixed(3)} | ${r.seamRatio.toFixed(3)} | ${(r.wholeMs / 1000).toFixed(1)} s | ${(r.tiledMs / 1000).toFixed(1)} s | ${(r.tiledMs / r.wholeMs).toFixed(2)}x |`;
      console.log(line, r.notes.join('; '));
      rows.push(line);
    }
  }
  await writeBenchmarkSection(
    'tiling',
    [
      '## Tiling: tiled against whole-image translation (CPU provider)',
      '',
      `Machine: ${machineLine()}. Date: ${new Date().toISOString().slice(0, 10)}. Command: \`node dist/bench/tiling-bench.js\` (part of \`npm run bench\`).`,
      '',
      `A ${W} x ${H} rendering of assets/samples/day-scene.svg with fine grain, tiles of at most 1024 px`,
      '(overlap 128 px, planned as the budget would), whole-image statistics gathered on the image itself',
      'or on a 1024 px copy. MAE: mean absolute difference from the whole-image output in 8-bit levels.',
      'Seam ratio: mean neighbour difference across tile borders over that in the interior (1.0 = no seam).',
      'Tiled time includes the statistics pass.',
      '',
      '| model | statistics | MAE (levels) | seam ratio | whole | tiled | ratio |',
      '|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );
} finally {
  await sessions.dispose();
  await rm(work, { recursive: true, force: true });
}
