import { GraphBuilder, type NormKind } from '../graph/graph-builder.js';
import type { IrGraph } from '../graph/ir.js';

export interface PatchganOptions {
  /** Channels of what the discriminator sees: 3 (CycleGAN), 6 (pix2pix: input and output), more with a condition. */
  inputChannels: number;
  ndf: number;
  nLayers: number;
  norm: NormKind;
}

/**
 * junyanz NLayerDiscriminator (the 70 x 70 PatchGAN at n_layers 3). Keys follow the reference
 * `model.N` indices: conv, LeakyReLU, then (conv, norm, LeakyReLU) per layer, then the 1-channel
 * conv. The first and last convs always carry a bias; the middle ones only with instance norm.
 * Output: one logit per patch, no sigmoid (the losses apply their own).
 */
export function patchganDiscriminator(options: PatchganOptions): IrGraph {
  const { inputChannels, ndf, nLayers, norm } = options;
  const useBias = norm === 'instance';
  const normOpts = { affine: norm === 'batch', tracksStats: norm === 'batch', batchStatistics: norm === 'batch' };
  const g = new GraphBuilder(`patchgan_${nLayers}layers_ndf${ndf}`);
  let x = g.input('input', 'image', inputChannels);
  x = g.leakyRelu(g.conv(x, 'model.0', { inC: inputChannels, outC: ndf, kernel: 4, stride: 2, pad: 1, bias: true }), 0.2);
  let index = 2;
  let mult = 1;
  for (let n = 1; n <= nLayers; n++) {
    const prev = mult;
    mult = Math.min(2 ** n, 8);
    const stride = n < nLayers ? 2 : 1;
    x = g.conv(x, `model.${index}`, { inC: ndf * prev, outC: ndf * mult, kernel: 4, stride, pad: 1, bias: useBias });
    x = g.leakyRelu(g.norm(x, `model.${index + 1}`, ndf * mult, normOpts), 0.2);
    index += 3;
  }
  x = g.conv(x, `model.${index}`, { inC: ndf * mult, outC: 1, kernel: 4, stride: 1, pad: 1, bias: true });
  return g.finish(x, 1);
}
