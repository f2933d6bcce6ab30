import { GraphBuilder, type NormKind } from '../graph/graph-builder.js';
import type { IrGraph } from '../graph/ir.js';
import type { NetFamily } from './family.js';
import { junyanzNorm } from './junyanz.js';

// A type, not an interface: settings stay plain JSON records.
export type PatchganOptions = {
  /** Channels of what the discriminator sees: 3 (CycleGAN), 6 (pix2pix: input and output), more with a condition. */
  inputChannels: number;
  ndf: number;
  nLayers: number;
  norm: NormKind;
};

export type PatchganArch = { family: 'patchgan' } & PatchganOptions;

/**
 * junyanz NLayerDiscriminator (the 70 x 70 PatchGAN at n_layers 3). Keys follow the reference
 * `model.N` indices: conv, LeakyReLU, then (conv, norm, LeakyReLU) per layer, then the 1-channel
 * conv. The first and last convs always carry a bias; the middle ones only with instance norm.
 * Output: one logit per patch, no sigmoid (the losses apply their own).
 */
export function patchganDiscriminator(options: PatchganOptions): IrGraph {
  const { inputChannels, ndf, nLayers, norm } = options;
  const useBias = norm === 'instance';
  const normOpts = junyanzNorm(norm);
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

/** junyanz `--netD basic` (n_layers 3) and `--netD n_layers`: the recipes' discriminator. */
export const patchganFamily: NetFamily<PatchganArch> = {
  name: 'patchgan',
  reference: { origin: 'junyanz', module: 'NLayerDiscriminator' },
  build: (a) => patchganDiscriminator(a),
  describe: (a) => `PatchGAN ndf ${a.ndf}, ${a.nLayers} layers, ${a.norm} norm`,
};
