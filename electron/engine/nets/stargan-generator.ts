import { CONDITIONINGS, type Conditioning } from '../../contract/training.js';
import { GraphBuilder } from '../graph/graph-builder.js';
import type { IrGraph } from '../graph/ir.js';
import { convShape, type ChoiceField, type GeneratorFamily } from './family.js';
import { strideStages } from './stride-stages.js';
import { UPSAMPLE_FIELD, upsamplingDetail, upsamplingOf, type Upsampling } from './upsampling.js';

export type StarganArch = { family: 'stargan'; convDim: number; cDim: number; repeatNum: number; upsample?: Upsampling; conditioning?: Conditioning };

/**
 * Where the condition enters. 'input' is StarGAN's: planes after the colour channels. A conv of
 * a constant plane is a constant away from the zero-padded borders, and the instance norm after
 * it subtracts constants, so a slider acts through the borders only and fades as images grow
 * (time of day 1 darkened photos by 64% at 128 px, 34% at 512 px: docs/BENCHMARKS.md). The same
 * holds for planes concatenated before any later conv that a norm follows. 'blocks' is GAN
 * Studio's variant for its own models: each residual block also adds a per-channel shift, a
 * 1 x 1 conv of the condition (key `main.<i>.condition`), to its normalised features before the
 * ReLU (a conditional norm shift). After the norm and through the ReLU, it changes which
 * features fire at every pixel, at any size. The reference keys are unchanged; the extra convs
 * are how checkpoints tell the two apart.
 */
export const CONDITIONING_FIELD = { kind: 'choice', name: 'conditioning', values: CONDITIONINGS, default: 'input', addedLater: true } satisfies ChoiceField<Conditioning>;

/**
 * StarGAN generator: the condition vector is repeated over the image and concatenated after
 * the three colour channels. Zero padding inside the convs, no conv biases, affine
 * InstanceNorm whose running statistics are ignored (per-image statistics are used).
 */
export function starganGenerator(options: Omit<StarganArch, 'family'>): IrGraph {
  const { convDim, cDim, repeatNum } = options;
  const everyBlock = options.conditioning === 'blocks';
  const g = new GraphBuilder(`stargan_c${cDim}_d${convDim}${everyBlock ? '_blocks' : ''}`);
  const norm = { affine: true, tracksStats: true };
  const image = g.input('input', 'image', 3);
  const condition = g.input('condition', 'vector', cDim);

  let x = g.concat(image, g.spatialBroadcast(condition, image));
  x = g.conv(x, 'main.0', { inC: 3 + cDim, outC: convDim, kernel: 7, pad: 3, bias: false });
  x = g.relu(g.norm(x, 'main.1', convDim, norm));
  const stage = { prefix: 'main', kernel: 4, bias: false, norm };
  const down = strideStages(g, { x, channels: convDim, index: 3 }, { ...stage, up: false });
  const ch = down.channels;
  let index = down.index;
  x = down.x;
  for (let r = 0; r < repeatNum; r++) {
    const key = `main.${index}.main`;
    let y = g.norm(g.conv(x, `${key}.0`, { inC: ch, outC: ch, kernel: 3, pad: 1, bias: false }), `${key}.1`, ch, norm);
    if (everyBlock) y = g.add(y, g.conv(g.spatialBroadcast(condition, x), `main.${index}.condition`, { inC: cDim, outC: ch, kernel: 1, bias: true }));
    y = g.relu(y);
    y = g.conv(y, `${key}.3`, { inC: ch, outC: ch, kernel: 3, pad: 1, bias: false });
    y = g.norm(y, `${key}.4`, ch, norm);
    x = g.add(x, y);
    index += 1;
  }
  const up = strideStages(g, { x, channels: ch, index }, { ...stage, up: true, upsample: options.upsample ?? 'transposed', resizePadding: 'zero' });
  x = g.conv(up.x, `main.${up.index}`, { inC: up.channels, outC: 3, kernel: 7, pad: 3, bias: false });
  return g.finish(g.tanh(x), 3);
}

/** yunjey/stargan `Generator(conv_dim, c_dim, repeat_num)`: one image plus a condition vector. */
export const starganFamily: GeneratorFamily<StarganArch> = {
  name: 'stargan',
  reference: { module: 'StarGAN' },
  fields: {
    convDim: { kind: 'count', name: 'conv_dim', min: 1, max: 4096, spellings: ['conv_dim', 'd'] },
    cDim: { kind: 'count', name: 'c_dim', min: 1, max: 256, spellings: ['c', 'c_dim'] },
    repeatNum: { kind: 'count', name: 'repeat_num', min: 0, max: 64, spellings: ['repeat', 'repeat_num'] },
    upsample: UPSAMPLE_FIELD,
    conditioning: CONDITIONING_FIELD,
  },
  parseName: (name) => (name === 'stargan' ? {} : undefined),
  detect: (sd) => sd.shape('main.0.weight') !== undefined,
  derive(sd) {
    const first = convShape(sd, 'main.0.weight');
    const repeatNum = sd.keys.filter((key) => /^main\.\d+\.main\.0\.weight$/.test(key) && sd.shape(key) !== undefined).length;
    return {
      convDim: first?.[0],
      // The condition is concatenated after the three colour channels.
      cDim: first === undefined ? undefined : first[1] - 3,
      repeatNum,
      // The first up-conv follows 9 stem and downsampling modules and the blocks; it reads conv_dim * 4 channels.
      upsample: first === undefined ? undefined : upsamplingOf(convShape(sd, `main.${9 + repeatNum}.weight`), first[0] * 4),
      // The first residual block is module 9 (with no blocks, the input is the only place).
      conditioning: sd.shape('main.9.condition.weight') !== undefined ? 'blocks' : 'input',
    };
  },
  build: (a) => starganGenerator(a),
  sizeMultiple: () => 4,
  describe: (a) =>
    `stargan (conv_dim ${a.convDim}, ${a.cDim} attributes${a.conditioning === 'blocks' ? ' read at every block' : ''}, ${a.repeatNum} residual blocks${upsamplingDetail(a.upsample ?? 'transposed')})`,
  conditional: true,
  io: (a) => ({ inputChannels: 3, outputChannels: 3, conditionChannels: a.cDim }),
  defaultKind: 'conditional',
  // The pretrained CelebA models work at 128 px (StarGAN main.py --image_size).
  preferredSize: 128,
  // StarGAN main.py's --g_repeat_num 6; the condition is whatever the data's attributes are.
  forTraining: (choice) => ({ convDim: choice.width, cDim: choice.conditionSize, repeatNum: 6, upsample: choice.upsample, conditioning: choice.conditioning }),
};
