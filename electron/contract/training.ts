/** Fine-tuning: the settings of a training run and the events it reports. Shared by CLI, engine and UI. */

export const TRAIN_MODES = ['cyclegan', 'pix2pix', 'conditional'] as const;
export type TrainMode = (typeof TRAIN_MODES)[number];

export const TRAIN_ARCHS = ['resnet_6blocks', 'resnet_9blocks', 'unet_128', 'unet_256', 'stargan'] as const;
export type TrainArch = (typeof TRAIN_ARCHS)[number];

export interface TrainSettings {
  mode: TrainMode;
  /** Folder A (cyclegan: domain A; pix2pix: inputs, or side-by-side AB images without dataB; edges: photos). */
  dataA: string;
  /** Folder B (cyclegan: domain B; pix2pix / conditional: targets matched to A by file name). */
  dataB?: string;
  /** pix2pix with only photos in dataA: the inputs are edge maps the engine derives from them. */
  edges: boolean;
  /** Library model to start the (first) generator from; its architecture wins over `arch`/`ngf`. */
  from?: string;
  /** CycleGAN: library model to start the B -> A generator from. */
  fromB?: string;
  arch: TrainArch;
  ngf: number;
  ndf: number;
  /** PatchGAN layers (3 = the 70 x 70 discriminator). */
  dLayers: number;
  norm: 'instance' | 'batch';
  iterations: number;
  /** Crop size the networks train at. */
  size: number;
  /** Images are resized to this before the random crop. */
  loadSize: number;
  batch: number;
  flip: boolean;
  lr: number;
  lambdaCycle: number;
  lambdaIdentity: number;
  lambdaL1: number;
  seed: number;
  /** CycleGAN's pool of earlier fakes the discriminators see (default 50, as the reference). */
  poolSize?: number;
  sampleEvery: number;
  checkpointEvery: number;
  /** Name of the exported model(s). */
  name: string;
  device: string;
}

export interface TrainDataSummary {
  /** Images (or pairs) per folder, by role ("A", "B", "pairs"). */
  counts: Record<string, number>;
  skipped: { path: string; reason: string }[];
  attributeNames: string[];
}

export type TrainEvent =
  | {
      type: 'train-started';
      runDir: string;
      provider: string;
      fallbacks: { provider: string; reason: string }[];
      /** Iterations already done (non-zero when resuming). */
      iteration: number;
      iterations: number;
      data: TrainDataSummary;
      resumed: boolean;
    }
  | {
      type: 'train-progress';
      iteration: number;
      iterations: number;
      epoch: number;
      losses: Record<string, number>;
      secondsPerIteration: number;
      etaSeconds: number;
      progress: number;
    }
  | { type: 'train-sample'; iteration: number; path: string }
  | { type: 'train-checkpoint'; iteration: number; path: string }
  | { type: 'train-finished'; iteration: number; status: 'completed' | 'paused'; seconds: number };
