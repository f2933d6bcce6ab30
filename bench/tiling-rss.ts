/**
 * Peak-memory check of large-image translation (run under /usr/bin/time -v, see the
 * tiling-rss section of docs/BENCHMARKS.md): writes a W x H JPEG and translates it with a random-weight
 * resnet_9blocks (ngf 64) through `gan-studio translate` on the CPU provider.
 * Usage: node dist/bench/tiling-rss.js WORKDIR [W H]
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { emitOnnx } from '../electron/engine/graph/onnx-emitter.js';
import { randomWeights } from '../electron/engine/graph/weights.js';
import { ModelLibrary } from '../electron/engine/library/index.js';
import { buildGenerator, describeArchitecture, type Architecture } from '../electron/engine/nets/index.js';

const work = process.argv[2] ?? '/tmp/gs-tiling-rss';
const width = Number(process.argv[3] ?? 6000);
const height = Number(process.argv[4] ?? 4000);
const arch: Architecture = { family: 'resnet', ngf: 64, nBlocks: 9, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3 };
await mkdir(work, { recursive: true });
const library = new ModelLibrary({ home: join(work, 'home') });
if (!(await library.list()).models.some((m) => m.manifest.id === 'rss-resnet9')) {
  const graph = buildGenerator(arch);
  await library.install(emitOnnx(graph, randomWeights(graph, 5)), {
    schemaVersion: 1, id: 'rss-resnet9', name: 'RSS check resnet_9blocks', kind: 'cyclegan', description: 'random weights',
    inputChannels: 3, outputChannels: 3, sizeMultiple: 4, preferredSize: 256, attributes: [],
    architecture: describeArchitecture(arch), network: arch, source: 'benchmark', licence: 'MIT',
  });
}
await sharp(join(process.cwd(), 'assets/samples/day-scene.svg'), { density: (72 * width) / 480 })
  .resize(width, height)
  .removeAlpha()
  .jpeg({ quality: 90 })
  .toFile(join(work, 'photo.jpg'));
console.log(`wrote ${join(work, 'photo.jpg')}; now run: GAN_STUDIO_HOME=${join(work, 'home')} /usr/bin/time -v node bin/gan-studio.js translate -m rss-resnet9 -d cpu ${join(work, 'photo.jpg')} -o ${join(work, 'out')}`);
