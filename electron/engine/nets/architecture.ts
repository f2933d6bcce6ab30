import type { NormKind } from '../graph/graph-builder.js';

/**
 * The generator families of the public reference implementations, with every option that
 * changes their layout. Stored in manifests and model cards, so keep it plain JSON.
 */
export type Architecture =
  | {
      family: 'resnet';
      ngf: number;
      nBlocks: number;
      norm: NormKind;
      dropout: boolean;
      inputChannels: number;
      outputChannels: number;
    }
  | {
      family: 'unet';
      numDowns: number;
      ngf: number;
      norm: NormKind;
      dropout: boolean;
      inputChannels: number;
      outputChannels: number;
    }
  | { family: 'stargan'; convDim: number; cDim: number; repeatNum: number };

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
