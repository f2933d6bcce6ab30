import { GraphBuilder } from '../graph/graph-builder.js';
import type { IrGraph } from '../graph/ir.js';

export interface StarganOptions {
  convDim: number;
  cDim: number;
  repeatNum: number;
}

/**
 * StarGAN generator: the condition vector is repeated over the image and concatenated after
 * the three colour channels. Zero padding inside the convs, no conv biases, affine
 * InstanceNorm whose running statistics are ignored (per-image statistics are used).
 */
export function starganGenerator(options: StarganOptions): IrGraph {
  const { convDim, cDim, repeatNum } = options;
  const g = new GraphBuilder(`stargan_c${cDim}_d${convDim}`);
  const norm = { affine: true, tracksStats: true };
  const image = g.input('input', 'image', 3);
  const condition = g.input('condition', 'vector', cDim);

  let x = g.concat(image, g.spatialBroadcast(condition, image));
  x = g.conv(x, 'main.0', { inC: 3 + cDim, outC: convDim, kernel: 7, pad: 3, bias: false });
  x = g.relu(g.norm(x, 'main.1', convDim, norm));
  let ch = convDim;
  let index = 3;
  for (let i = 0; i < 2; i++) {
    x = g.conv(x, `main.${index}`, { inC: ch, outC: ch * 2, kernel: 4, stride: 2, pad: 1, bias: false });
    x = g.relu(g.norm(x, `main.${index + 1}`, ch * 2, norm));
    ch *= 2;
    index += 3;
  }
  for (let r = 0; r < repeatNum; r++) {
    const key = `main.${index}.main`;
    let y = g.conv(x, `${key}.0`, { inC: ch, outC: ch, kernel: 3, pad: 1, bias: false });
    y = g.relu(g.norm(y, `${key}.1`, ch, norm));
    y = g.conv(y, `${key}.3`, { inC: ch, outC: ch, kernel: 3, pad: 1, bias: false });
    y = g.norm(y, `${key}.4`, ch, norm);
    x = g.add(x, y);
    index += 1;
  }
  for (let i = 0; i < 2; i++) {
    x = g.convTranspose(x, `main.${index}`, { inC: ch, outC: ch / 2, kernel: 4, stride: 2, pad: 1, bias: false });
    x = g.relu(g.norm(x, `main.${index + 1}`, ch / 2, norm));
    ch /= 2;
    index += 3;
  }
  x = g.conv(x, `main.${index}`, { inC: ch, outC: 3, kernel: 7, pad: 3, bias: false });
  return g.finish(g.tanh(x), 3);
}
