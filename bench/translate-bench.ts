/**
 * `npm run bench`: end-to-end translation of one image (decode, pad, run, crop, encode,
 * atomic write) against the bare session.run of the same model, at 256 and 1024 px, on the
 * CPU provider. Writes its table to docs/BENCHMARKS.md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { emitOnnx } from '../electron/engine/graph/onnx-emitter.js';
import { randomWeights } from '../electron/engine/graph/weights.js';
import { imageToTensor } from '../electron/engine/imaging/index.js';
import { runTranslateJob } from '../electron/engine/jobs/index.js';
import { ModelLibrary } from '../electron/engine/library/index.js';
import { buildGenerator, describeArchitecture, type Architecture } from '../electron/engine/nets/index.js';
import { SessionManager, createBareRunner } from '../electron/engine/runtime/index.js';
import { machineLine, median, writeBenchmarkSection } from './benchmarks-file.js';

const STANDARD: Architecture = { family: 'resnet', ngf: 64, nBlocks: 9, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3 };

async function photoLike(path: string, side: number): Promise<void> {
  // A smooth gradient plus noise: JPEG-encodes like a photo rather than like a flat colour.
  const rgb = new Uint8Array(side * side * 3);
  let seed = 12345;
  for (let i = 0; i < side * side; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const n = (seed >>> 24) / 8;
    const x = i % side;
    const y = Math.floor(i / side);
    rgb[i * 3] = Math.min(255, (x * 200) / side + n);
    rgb[i * 3 + 1] = Math.min(255, (y * 200) / side + n);
    rgb[i * 3 + 2] = Math.min(255, 120 + n);
  }
  await sharp(rgb, { raw: { width: side, height: side, channels: 3 } }).jpeg({ quality: 90 }).toFile(path);
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'gs-bench-'));
  const home = join(work, 'home');
  const library = new ModelLibrary({ home });
  const sessions = new SessionManager({ idleMs: 600_000 });
  const rows: string[] = [];
  try {
    const graph = buildGenerator(STANDARD);
    await library.install(emitOnnx(graph, randomWeights(graph, 3)), {
      schemaVersion: 1,
      id: 'bench-resnet9',
      name: 'Benchmark resnet_9blocks',
      kind: 'cyclegan',
      description: 'random weights, standard size',
      inputChannels: 3,
      outputChannels: 3,
      sizeMultiple: 4,
      preferredSize: 256,
      attributes: [],
      architecture: describeArchitecture(STANDARD),
      network: STANDARD,
      source: 'benchmark',
      licence: 'MIT',
    });
    const model = await library.resolve('bench-resnet9');
    for (const [side, runs] of [
      [256, 9],
      [1024, 3],
    ] as const) {
      const input = join(work, `photo-${side}.jpg`);
      await photoLike(input, side);
      const decoded = await sharp(input).raw().toBuffer();
      const tensor = imageToTensor(decoded, side, side, 4);
      const bareRunner = await createBareRunner(model.onnxPath, { input: { data: tensor.data, dims: [1, 3, side, side] } });

      // A budget large enough that no size here is tiled: this measures the whole-image path.
      const spec = { inputs: [input], model: 'bench-resnet9', format: 'auto' as const, device: 'cpu', overwrite: true, maxMemoryMB: 65536 };
      await runTranslateJob({ ...spec, outDir: join(work, 'warm') }, { library, sessions }, () => undefined);
      // Interleaved, so that load from anything else on the machine hits both alike.
      const bare: number[] = [];
      const endToEnd: number[] = [];
      for (let i = 0; i < runs; i++) {
        bare.push(await bareRunner.runOnce());
        const start = performance.now();
        const summary = await runTranslateJob({ ...spec, outDir: join(work, `out-${side}`) }, { library, sessions }, () => undefined);
        if (summary.succeeded !== 1) throw new Error('benchmark translation failed');
        endToEnd.push(performance.now() - start);
      }
      await bareRunner.release();
      const b = median(bare);
      const e = median(endToEnd);
      const line = `| ${describeArchitecture(STANDARD)} | ${side} x ${side} | ${b.toFixed(0)} ms | ${e.toFixed(0)} ms | ${(e / b).toFixed(3)}x | ${runs} |`;
      console.log(line);
      rows.push(line);
    }
  } finally {
    await sessions.dispose();
    await rm(work, { recursive: true, force: true });
  }
  const date = new Date().toISOString().slice(0, 10);
  const path = await writeBenchmarkSection(
    'translate',
    [
      '## Translation: end to end against bare `session.run` (CPU provider)',
      '',
      `Machine: ${machineLine()}. Date: ${date}. Command: \`npm run bench\`.`,
      '',
      'End to end = one `runTranslateJob` call for one JPEG file: list, decode (sharp), normalise and pad,',
      '`session.run`, crop and denormalise, encode JPEG, atomic write. Warm session (the model is loaded',
      'once, as in a batch). Bare = onnxruntime `session.run` alone on the same tensor, in its own',
      'session with the same options. The two alternate run by run. Medians.',
      'Acceptance target: end to end within 1.15x of bare at 256 px.',
      '',
      '| model | size | bare session.run | end to end | ratio | runs |',
      '|---|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );
  console.log(`written to ${path}`);
}

await main();
