import { readFile } from 'node:fs/promises';
import { trainSettingName, type TrainField, type TrainSettingNames, type TrainSettings } from '../../contract/training.js';
import { StudioError } from '../errors.js';
import type { IrGraph } from '../graph/ir.js';
import { weightsFromOnnx } from '../graph/onnx-weights.js';
import type { ModelLibrary } from '../library/model-library.js';
import { conditionalFamilies, familyOf, parseGeneratorName, trainingArchitecture, type AnyGeneratorFamily, type Architecture } from '../nets/index.js';
import type { Rng } from './data/rng.js';
import { initialWeights } from './init-weights.js';
import type { TrainingMode } from './modes/index.js';

/** One network of a run: its id in the step graph, architecture, graph and starting weights. */
export interface RunNetwork {
  id: string;
  graph: IrGraph;
  /** Generators only: what the exported model will be. */
  arch?: Architecture;
  /** Where the starting weights came from, for the card: a library id or "scratch". */
  origin: string;
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
  // The manifest was checked against its family's settings when it loaded.
  return { arch: arch as Architecture, weights: weightsFromOnnx(await readFile(entry.onnxPath)) };
}

/**
 * The networks of a new run and their starting weights: generators from library models (any
 * of a family the engine builds) or from scratch, discriminators always fresh (the public
 * releases ship generators only). A refusal names the settings the caller's way (`names`).
 */
export async function runNetworks(
  mode: TrainingMode,
  settings: TrainSettings,
  library: ModelLibrary,
  conditionSize: number,
  rng: Rng,
  names: TrainSettingNames,
): Promise<{ networks: RunNetwork[]; weights: Map<string, Map<string, Float32Array>> }> {
  const networks: RunNetwork[] = [];
  const weights = new Map<string, Map<string, Float32Array>>();
  for (const role of mode.generators) {
    const fromId = settings[role.startsFrom] ?? undefined;
    let arch: Architecture;
    let start: Map<string, Float32Array> | undefined;
    if (fromId !== undefined) {
      const loaded = await libraryGenerator(library, fromId);
      // Dropout layers stay in the key layout but are off in training (no random masks in the graph).
      arch = loaded.arch;
      start = loaded.weights;
    } else if (networks[0]?.arch !== undefined) {
      arch = networks[0].arch; // a further generator mirrors the first one's architecture
    } else {
      arch = scratchArchitecture(mode, settings, conditionSize, names);
    }
    checkArchitecture(mode, settings, arch, conditionSize, fromId === undefined ? named(settings, 'arch', names) : `model "${fromId}" (${familyOf(arch).describe(arch)})`, names);
    const graph = familyOf(arch).build(arch);
    const initial = initialWeights(graph, rng);
    if (start !== undefined) for (const p of graph.params) initial.set(p.name, start.get(p.name) ?? initial.get(p.name) ?? new Float32Array());
    networks.push({ id: role.id, graph, arch, origin: fromId ?? 'scratch' });
    weights.set(role.id, initial);
  }
  for (const id of mode.discriminators) {
    const graph = mode.discriminator();
    networks.push({ id, graph, origin: 'scratch' });
    weights.set(id, initialWeights(graph, rng));
  }
  return { networks, weights };
}

/** A setting and its value, the caller's way: `--arch stargan`, `Generator stargan`. */
const named = (settings: TrainSettings, key: TrainField, names: TrainSettingNames): string => `${trainSettingName(key, names)} ${String(settings[key])}`;

/** The generator the arch setting names, built to the run's width and norm; its family must suit the mode first. */
function scratchArchitecture(mode: TrainingMode, settings: TrainSettings, conditionSize: number, names: TrainSettingNames): Architecture {
  const parsed = parseGeneratorName(settings.arch, (why) => {
    throw new StudioError('BAD_ARGUMENT', `${named(settings, 'arch', names)}: ${why}`);
  });
  if (parsed !== undefined) checkFamily(mode, settings, parsed.family, named(settings, 'arch', names));
  return trainingArchitecture(settings.arch, { width: settings.ngf, norm: settings.norm, conditionSize, upsample: settings.upsample, conditioning: settings.conditioning });
}

function checkFamily(mode: TrainingMode, settings: TrainSettings, family: AnyGeneratorFamily, source: string): void {
  if (mode.conditional && !family.conditional) {
    throw new StudioError(
      'BAD_ARGUMENT',
      `${settings.mode} training needs a generator that takes a condition vector (${conditionalFamilies((f) => f.name)}); ${source} does not`,
    );
  }
  if (!mode.conditional && family.conditional) {
    throw new StudioError('BAD_ARGUMENT', `${settings.mode} training needs an image-to-image generator; ${source} is a conditional (${family.reference.module}) one`);
  }
}

function checkArchitecture(mode: TrainingMode, settings: TrainSettings, arch: Architecture, conditionSize: number, source: string, names: TrainSettingNames): void {
  const family = familyOf(arch);
  checkFamily(mode, settings, family, source);
  const condition = family.io(arch).conditionChannels;
  if (family.conditional && condition !== conditionSize) {
    throw new StudioError('BAD_ARGUMENT', `${source} takes ${condition} attributes but attributes.csv has ${conditionSize}`);
  }
  const multiple = family.sizeMultiple(arch);
  if (settings.size % multiple !== 0) {
    throw new StudioError('BAD_ARGUMENT', `${named(settings, 'size', names)} does not suit ${source}: it needs a multiple of ${multiple}`);
  }
}
