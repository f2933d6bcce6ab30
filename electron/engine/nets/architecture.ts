
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

/**
 * The architecture recorded in a tensor file's metadata (fixtures and recipe outputs use the
 * reference code's option names: ngf, n_blocks, num_downs, conv_dim, c_dim, repeat_num).
 */
export function architectureFromMetadata(meta: Readonly<Record<string, string>>): Architecture {
  const int = (key: string): number => {
    const value = Number.parseInt(meta[key] ?? '', 10);
    if (!Number.isInteger(value)) throw new Error(`metadata lacks a whole number "${key}"`);
    return value;
  };
  const norm = meta.norm === 'batch' ? 'batch' : 'instance';
  const dropout = meta.dropout === 'true';
  switch (meta.family) {
    case 'resnet':
      return { family: 'resnet', ngf: int('ngf'), nBlocks: int('n_blocks'), norm, dropout, inputChannels: 3, outputChannels: 3 };
    case 'unet':
      return { family: 'unet', numDowns: int('num_downs'), ngf: int('ngf'), norm, dropout, inputChannels: 3, outputChannels: 3 };
    case 'stargan':
      return { family: 'stargan', convDim: int('conv_dim'), cDim: int('c_dim'), repeatNum: int('repeat_num') };
    default:
      throw new Error(`metadata names no known network family (family = ${String(meta.family)})`);
  }
}
