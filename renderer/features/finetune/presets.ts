import type { ModelSummary } from '../../../electron/contract/ipc.js';
import type { TrainArch, TrainMode, TrainSettings } from '../../../electron/contract/training.js';

/** What the user picks on the page; the engine's TrainMode plus "edges from photos". */
export type TaskChoice = 'cyclegan' | 'pix2pix' | 'edges' | 'conditional';

export const TASKS: { value: TaskChoice; title: string; explanation: string }[] = [
  { value: 'cyclegan', title: 'Unpaired A ↔ B', explanation: 'Two folders of different looks (summer and winter); no pairs needed. Learns both directions.' },
  { value: 'pix2pix', title: 'Paired', explanation: 'Inputs and their targets with the same file names in two folders; learns input → target.' },
  { value: 'edges', title: 'Edges from photos', explanation: 'One folder of photos; the studio draws their edge maps and learns to turn sketches into such photos.' },
  { value: 'conditional', title: 'Attributes', explanation: 'Photos with an attributes.csv (name, then 0/1 per attribute); learns sliders for each attribute.' },
];

export function engineMode(task: TaskChoice): TrainMode {
  return task === 'edges' ? 'pix2pix' : task;
}

export function needsFolderB(task: TaskChoice): boolean {
  return task === 'cyclegan' || task === 'pix2pix';
}

export type PresetName = 'quick' | 'standard' | 'quality';

export interface Preset {
  title: string;
  size: number;
  iterations: number;
  ngf: number;
  ndf: number;
}

/** Sizes, lengths and widths that trade time for quality; the architecture follows the task. */
export const PRESETS: Record<PresetName, Preset> = {
  quick: { title: 'Quick', size: 64, iterations: 500, ngf: 16, ndf: 16 },
  standard: { title: 'Standard', size: 128, iterations: 2000, ngf: 32, ndf: 32 },
  quality: { title: 'Quality', size: 256, iterations: 6000, ngf: 64, ndf: 64 },
};

function archFor(mode: TrainMode, size: number): TrainArch {
  if (mode === 'conditional') return 'stargan';
  if (mode === 'pix2pix') return size >= 256 ? 'unet_256' : size >= 128 ? 'unet_128' : 'resnet_6blocks';
  return size >= 256 ? 'resnet_9blocks' : 'resnet_6blocks';
}

/** Everything the advanced panel can change; filled from the preset, then edited by hand. */
export interface TrainForm {
  arch: TrainArch;
  size: number;
  loadSize: number;
  iterations: number;
  ngf: number;
  ndf: number;
  dLayers: number;
  lr: number;
  flip: boolean;
  sampleEvery: number;
  checkpointEvery: number;
  device: string;
}

export function formFromPreset(task: TaskChoice, preset: PresetName): TrainForm {
  const p = PRESETS[preset];
  return {
    arch: archFor(engineMode(task), p.size),
    size: p.size,
    // The reference recipes load at 286 for a 256 crop: the same ratio at every size.
    loadSize: Math.round((p.size * 286) / 256),
    iterations: p.iterations,
    ngf: p.ngf,
    ndf: p.ndf,
    dLayers: 3,
    lr: 2e-4,
    flip: true,
    // About 40 sample grids and 20 checkpoints a run, whatever its length.
    sampleEvery: Math.max(1, Math.round(p.iterations / 40)),
    checkpointEvery: Math.max(1, Math.round(p.iterations / 20)),
    device: 'auto',
  };
}

/**
 * Library models a run of this task can start from: image-to-image generators (any family the
 * engine builds) for unpaired and paired tasks, conditional ones for attributes.
 */
export function compatibleModels(models: ModelSummary[], task: TaskChoice): ModelSummary[] {
  const conditional = engineMode(task) === 'conditional';
  return models.filter((m) => m.architecture !== 'custom ONNX graph' && (m.kind === 'conditional') === conditional);
}

export function buildSettings(args: { task: TaskChoice; form: TrainForm; dataA: string; dataB?: string; from?: string; name: string }): TrainSettings {
  const mode = engineMode(args.task);
  const { form } = args;
  return {
    mode,
    dataA: args.dataA,
    ...(args.dataB === undefined || !needsFolderB(args.task) ? {} : { dataB: args.dataB }),
    edges: args.task === 'edges',
    ...(args.from === undefined ? {} : { from: args.from }),
    arch: form.arch,
    ngf: form.ngf,
    ndf: form.ndf,
    dLayers: form.dLayers,
    norm: mode === 'pix2pix' ? 'batch' : 'instance',
    iterations: form.iterations,
    size: form.size,
    loadSize: Math.max(form.size, form.loadSize),
    batch: 1,
    flip: form.flip,
    lr: form.lr,
    lambdaCycle: 10,
    lambdaIdentity: 0.5,
    lambdaL1: 100,
    seed: 1,
    sampleEvery: form.sampleEvery,
    checkpointEvery: form.checkpointEvery,
    name: args.name,
    device: form.device,
  };
}
