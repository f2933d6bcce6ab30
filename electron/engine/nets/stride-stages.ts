import type { GraphBuilder } from '../graph/graph-builder.js';
import { resizeConv, type Upsampling } from './upsampling.js';

/** Where a stack of stages starts or ended: the value, its channels, the module index of the next conv. */
export interface StageCursor {
  x: string;
  channels: number;
  index: number;
}

export interface StageOptions {
  /** The Sequential the stages sit in: `model` (junyanz), `main` (StarGAN). */
  prefix: string;
  /** Transposed convs halving the channels (the decoder), else convs doubling them (the encoder). */
  up: boolean;
  kernel: number;
  bias: boolean;
  norm: Parameters<GraphBuilder['norm']>[3];
  /** Transposed convs only: junyanz's output_padding 1 for its 3 x 3 kernels. */
  outputPadding?: number;
  /** The decoder's upsampling (default: the reference's transposed convs) and, for 'resize', how its conv pads. */
  upsample?: Upsampling;
  resizePadding?: 'reflect' | 'zero';
}

/**
 * The encoder or decoder of the Johnson et al. generators that junyanz's ResnetGenerator and
 * StarGAN's generator both are: two stride-2 stages of conv (or transposed conv), norm and
 * ReLU, keyed `<prefix>.<index>` and `<prefix>.<index + 1>`, three modules apart.
 */
export function strideStages(g: GraphBuilder, from: StageCursor, o: StageOptions): StageCursor {
  let { x, channels, index } = from;
  for (let i = 0; i < 2; i++) {
    const outC = o.up ? channels / 2 : channels * 2;
    const key = `${o.prefix}.${index}`;
    const shape = { inC: channels, outC, kernel: o.kernel, stride: 2, pad: 1, bias: o.bias };
    if (!o.up) x = g.conv(x, key, shape);
    else if (o.upsample === 'resize') x = resizeConv(g, x, key, { inC: channels, outC, bias: o.bias, padding: o.resizePadding ?? 'zero' });
    else x = g.convTranspose(x, key, { ...shape, outputPadding: o.outputPadding ?? 0 });
    x = g.relu(g.norm(x, `${o.prefix}.${index + 1}`, outC, o.norm));
    channels = outC;
    index += 3;
  }
  return { x, channels, index };
}
