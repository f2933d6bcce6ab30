/**
 * Turns the recipe's trained weights (weights.safetensors, state-dict keys) into the bundled
 * model folder models/tiny-dusk/: model.onnx from the engine's own emitter, manifest.json and
 * card.md. Run: npx tsx models/recipes/tiny-dusk/build-model.ts
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelManifest } from '../../../electron/contract/models.js';
import { emitOnnx } from '../../../electron/engine/graph/onnx-emitter.js';
import { readSafetensors, stateDictWeights } from '../../../electron/engine/graph/safetensors.js';
import { sha256Bytes } from '../../../electron/engine/library/hash.js';
import { parseManifest } from '../../../electron/engine/library/manifest.js';
import { architectureFromMetadata, buildGenerator, describeArchitecture, sizeMultiple } from '../../../electron/engine/nets/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, '..', '..', 'tiny-dusk');

const weightsFile = await readSafetensors(join(here, 'weights.safetensors'));
const meta = weightsFile.metadata;
const arch = architectureFromMetadata(meta);
if (arch.family !== 'unet') throw new Error(`expected U-Net weights, found ${arch.family}`);
const graph = buildGenerator(arch);
const weights = stateDictWeights(weightsFile);
const onnx = emitOnnx(graph, weights, { metadata: { architecture: describeArchitecture(arch), recipe: 'tiny-dusk' } });
const parameters = graph.params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);

const manifest: ModelManifest = parseManifest(
  {
    schemaVersion: 1,
    id: 'tiny-dusk',
    name: 'Tiny dusk (placeholder)',
    kind: 'pix2pix',
    description:
      'A placeholder so translation works offline on a fresh install: a very small network that applies a fixed dusk colour grade (darker, bluer). Not a GAN; replaced by the trained starter models.',
    inputChannels: 3,
    outputChannels: 3,
    sizeMultiple: sizeMultiple(arch),
    preferredSize: 256,
    attributes: [],
    architecture: describeArchitecture(arch),
    network: arch,
    source: 'models/recipes/tiny-dusk (trained with PyTorch on procedurally generated images)',
    licence: 'MIT (weights trained by the GAN Studio project on its own generated data)',
    sha256: sha256Bytes(onnx),
    card: 'card.md',
  },
  'tiny-dusk manifest',
);

const card = `# Tiny dusk (placeholder)

**What it is.** A placeholder model, bundled so that \`gan-studio translate\` works on a fresh
machine with no network. It is a very small junyanz-style U-Net (${describeArchitecture(arch)},
${parameters.toLocaleString('en-US')} parameters) trained by plain L1 regression to reproduce a fixed,
hand-written "dusk" colour grade: darker (gamma 1.6, gain 0.55), shifted toward blue and
purple, with lifted blue shadows and a gentle vignette. **It is not a GAN** and it was not
trained on photographs.

**How it was made.** \`models/recipes/tiny-dusk/train_reference.py\` generates ${meta.train_images ?? '800'}
procedural images (gradients, shapes, noise textures) and trains with PyTorch ${meta.torch_version ?? ''} on the CPU:
${meta.steps ?? '?'} steps, batch ${meta.batch ?? '8'}, ${meta.crop ?? '64'} px crops, seed ${meta.seed ?? '?'}, ${meta.seconds ?? '?'} s of training.
PyTorch was used because GAN Studio's own trainer did not exist yet. \`build-model.ts\`
beside it emits this ONNX file with the engine's own emitter.

**How well it does.** Held-out mean absolute error on [-1, 1] images: ${meta.heldout_l1 ?? '?'}
against ${meta.baseline_l1 ?? '?'} for returning the input unchanged (${meta.l1_units ?? ''}).

**Limits.** The vignette spans about one receptive field (a few dozen pixels), not the
whole frame, on large images. Colours of real photos follow the grade only roughly. Use it to
check that the studio works, not for results: the trained starter models replace it.

Licence: MIT. Source: GAN Studio's own recipe and generated data.
`;

await mkdir(target, { recursive: true });
await writeFile(join(target, 'model.onnx'), onnx);
await writeFile(join(target, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
await writeFile(join(target, 'card.md'), card);
console.log(`wrote ${target} (${(onnx.byteLength / 1e6).toFixed(2)} MB, ${parameters} parameters)`);
