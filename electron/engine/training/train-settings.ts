import type { TrainArch, TrainMode, TrainSettings } from '../../contract/training.js';

const DEFAULT_ARCH: Record<TrainMode, TrainArch> = { cyclegan: 'resnet_9blocks', pix2pix: 'unet_256', conditional: 'stargan' };

/**
 * A run's settings with the reference recipes' defaults filled in: what `gan-studio train`
 * uses when an option is left out, and the base every other caller (recipes, benchmarks,
 * tests) overrides. Keys given as undefined keep their default.
 */
export function trainSettings(given: Pick<TrainSettings, 'mode' | 'dataA'> & Partial<TrainSettings>): TrainSettings {
  const size = given.size ?? 256;
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as typeof given;
  return {
    edges: false,
    arch: DEFAULT_ARCH[given.mode],
    ngf: 64,
    ndf: 64,
    dLayers: 3,
    // The reference recipes: CycleGAN and StarGAN-style models use instance norm, pix2pix batch norm.
    norm: given.mode === 'pix2pix' ? 'batch' : 'instance',
    iterations: 2000,
    size,
    // The reference loads at 286 for a 256 crop: the same 1.117 ratio at any size.
    loadSize: Math.round((size * 286) / 256),
    batch: 1,
    flip: true,
    lr: 2e-4,
    lambdaCycle: 10,
    lambdaIdentity: 0.5,
    lambdaL1: 100,
    seed: 1,
    sampleEvery: 100,
    checkpointEvery: 200,
    name: given.mode,
    device: 'auto',
    ...defined,
  };
}
