import { readFile } from 'node:fs/promises';
import type { Architecture } from '../../contract/models.js';
import type { TrainSettings } from '../../contract/training.js';
import { StudioError } from '../errors.js';
import type { IrGraph } from '../graph/ir.js';
import { weightsFromOnnx } from '../graph/onnx-weights.js';
import type { ModelLibrary } from '../library/model-library.js';
import { buildGenerator, describeArchitecture, patchganDiscriminator, sizeMultiple } from '../nets/index.js';
import type { Rng } from './data/rng.js';
import { initialWeights } from './init-weights.js';

/** One network of a run: its id in the step graph, architecture, graph and starting weights. */
export interface RunNetwork {
  id: string;
  graph: IrGraph;
  /** Generators only: what the exported model will be. */
  arch?: Architecture;
  /** Where the starting weights came from, for the card: a library id or "scratch". */
  origin: string;
}

/** The architecture the settings name, for a generator trained from scratch. */
export function architectureFor(settings: TrainSettings, conditionSize: number): Architecture {
  const common = { ngf: settings.ngf, norm: settings.norm, dropout: false, inputChannels: 3, outputChannels: 3 };
  switch (settings.arch) {
    case 'resnet_6blocks':
      return { family: 'resnet', nBlocks: 6, ...common };
    case 'resnet_9blocks':
      return { family: 'resnet', nBlocks: 9, ...common };
    case 'unet_128':
      return { family: 'unet', numDowns: 7, ...common };
    case 'unet_256':
      return { family: 'unet', numDowns: 8, ...common };
    case 'stargan':
      return { family: 'stargan', convDim: settings.ngf, cDim: conditionSize, repeatNum: 6 };
  }
}

async function libraryGenerator(library: ModelLibrary, id: string): Promise<{ arch: Architecture; weights: Map<string, Float32Array> }> {
  const entry = await library.resolve(id);
  const arch = entry.manifest.network;
  if (arch === undefined) {
    throw new StudioError(
      'BAD_ARGUMENT',
      `model "${id}" cannot be fine-tuned: its network is not one the engine builds (it was imported as a plain ONNX file). Import the PyTorch checkpoint instead, or train from scratch.`,
    );
  }
  await library.verify(entry);
  return { arch, weights: weightsFromOnnx(await readFile(entry.onnxPath)) };
}

/**
 * The networks of a new run and their starting weights: generators from library models (any
 * of a family the engine builds) or from scratch, discriminators always fresh (the public
 * releases ship generators only).
 */
export async function runNetworks(
  settings: TrainSettings,
  library: ModelLibrary,
  conditionSize: number,
  rng: Rng,
): Promise<{ networks: RunNetwork[]; weights: Map<string, Map<string, Float32Array>> }> {
  const networks: RunNetwork[] = [];
  const weights = new Map<string, Map<string, Float32Array>>();
  const generatorIds = settings.mode === 'cyclegan' ? ['G_A', 'G_B'] : ['G'];
  for (const [k, id] of generatorIds.entries()) {
    const fromId = k === 0 ? settings.from : (settings.fromB ?? undefined);
    let arch: Architecture;
    let start: Map<string, Float32Array> | undefined;
    if (fromId !== undefined) {
      const loaded = await libraryGenerator(library, fromId);
      // Dropout layers stay in the key layout but are off in training (no random masks in the graph).
      arch = loaded.arch;
      start = loaded.weights;
    } else if (k === 1 && networks[0]?.arch !== undefined) {
      arch = networks[0].arch; // the reverse generator mirrors the first one's architecture
    } else {
      arch = architectureFor(settings, conditionSize);
    }
    checkArchitecture(settings, arch, conditionSize, fromId);
    const graph = buildGenerator(arch);
    const initial = initialWeights(graph, rng);
    if (start !== undefined) for (const p of graph.params) initial.set(p.name, start.get(p.name) ?? initial.get(p.name) ?? new Float32Array());
    networks.push({ id, graph, arch, origin: fromId ?? 'scratch' });
    weights.set(id, initial);
  }
  const dInput = settings.mode === 'cyclegan' ? 3 : settings.mode === 'pix2pix' ? 6 : 6 + conditionSize;
  for (const id of settings.mode === 'cyclegan' ? ['D_A', 'D_B'] : ['D']) {
    const graph = patchganDiscriminator({ inputChannels: dInput, ndf: settings.ndf, nLayers: settings.dLayers, norm: settings.norm });
    networks.push({ id, graph, origin: 'scratch' });
    weights.set(id, initialWeights(graph, rng));
  }
  return { networks, weights };
}

function checkArchitecture(settings: TrainSettings, arch: Architecture, conditionSize: number, fromId: string | undefined): void {
  const source = fromId === undefined ? `--arch ${settings.arch}` : `model "${fromId}" (${describeArchitecture(arch)})`;
  if (settings.mode === 'conditional' && arch.family !== 'stargan') {
    throw new StudioError('BAD_ARGUMENT', `conditional training needs a generator that takes a condition vector (stargan); ${source} does not`);
  }
  if (settings.mode !== 'conditional' && arch.family === 'stargan') {
    throw new StudioError('BAD_ARGUMENT', `${settings.mode} training needs an image-to-image generator; ${source} is a conditional (StarGAN) one`);
  }
  if (arch.family === 'stargan' && arch.cDim !== conditionSize) {
    throw new StudioError('BAD_ARGUMENT', `${source} takes ${arch.cDim} attributes but attributes.csv has ${conditionSize}`);
  }
  const multiple = sizeMultiple(arch);
  if (settings.size % multiple !== 0) {
    throw new StudioError('BAD_ARGUMENT', `--size ${settings.size} does not suit ${source}: it needs a multiple of ${multiple}`);
  }
}
