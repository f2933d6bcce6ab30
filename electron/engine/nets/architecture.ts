
/** The generator families and their layout options; defined in the contract (manifests carry it). */
export type { Architecture } from '../../contract/models.js';
import type { Architecture } from '../../contract/models.js';

/** Input sides must be multiples of this; the imaging step pads (reflect) and crops back. */
export function sizeMultiple(arch: Architecture): number {
  switch (arch.family) {
    case 'resnet':
    case 'stargan':
      return 4;
    case 'unet':
      return 2 ** arch.numDowns;
  }
}

/** A short human name, as the reference code's option strings spell it where one exists. */
export function describeArchitecture(arch: Architecture): string {
  switch (arch.family) {
    case 'resnet':
      return `resnet_${arch.nBlocks}blocks (ngf ${arch.ngf}, ${arch.norm} norm${arch.dropout ? ', dropout' : ''})`;
    case 'unet':
      return `unet_${2 ** arch.numDowns} (ngf ${arch.ngf}, ${arch.norm} norm${arch.dropout ? ', dropout' : ''})`;
    case 'stargan':
      return `stargan (conv_dim ${arch.convDim}, ${arch.cDim} attributes, ${arch.repeatNum} residual blocks)`;
  }
}
