import type { IrGraph } from '../graph/ir.js';
import type { Architecture } from './architecture.js';
import { resnetGenerator } from './resnet-generator.js';
import { starganGenerator } from './stargan-generator.js';
import { unetGenerator } from './unet-generator.js';

export { architectureFromMetadata, describeArchitecture, sizeMultiple, type Architecture } from './architecture.js';
export { resnetGenerator, starganGenerator, unetGenerator };

/** The IR graph of any supported generator family. */
export function buildGenerator(arch: Architecture): IrGraph {
  switch (arch.family) {
    case 'resnet':
      return resnetGenerator({ ...arch });
    case 'unet':
      return unetGenerator({ ...arch });
    case 'stargan':
      return starganGenerator(arch);
  }
}
export { patchganDiscriminator, type PatchganOptions } from './patchgan-discriminator.js';
