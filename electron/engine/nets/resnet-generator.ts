import { GraphBuilder, type NormKind } from '../graph/graph-builder.js';
import type { IrGraph } from '../graph/ir.js';

export interface ResnetOptions {
  ngf: number;
  nBlocks: number;
  norm: NormKind;
  dropout: boolean;
  inputChannels?: number;
  outputChannels?: number;
}

/**
 * junyanz ResnetGenerator. Parameter keys follow the reference `model.N` indices: dropout
 * inserts a module into each residual block and so shifts the second conv from .5 to .6.
 * Convs carry a bias only with instance norm; the last conv always does.
 */
export function resnetGenerator(options: ResnetOptions): IrGraph {
  const { ngf, nBlocks, norm, dropout } = options;
  const inC = options.inputChannels ?? 3;
  const outC = options.outputChannels ?? 3;
  const useBias = norm === 'instance';
  const normOpts = { affine: norm === 'batch', tracksStats: norm === 'batch', batchStatistics: norm === 'batch' };
  const g = new GraphBuilder(`resnet_${nBlocks}blocks_ngf${ngf}`);
  let x = g.input('input', 'image', inC);

  x = g.pad(x, 3);
  x = g.conv(x, 'model.1', { inC, outC: ngf, kernel: 7, bias: useBias });
  x = g.relu(g.norm(x, 'model.2', ngf, normOpts));

  let ch = ngf;
  let index = 4;
  for (let i = 0; i < 2; i++) {
    x = g.conv(x, `model.${index}`, { inC: ch, outC: ch * 2, kernel: 3, stride: 2, pad: 1, bias: useBias });
    x = g.relu(g.norm(x, `model.${index + 1}`, ch * 2, normOpts));
    ch *= 2;
    index += 3;
  }

  const second = dropout ? 6 : 5;
  for (let b = 0; b < nBlocks; b++) {
    const key = `model.${index}.conv_block`;
    let y = g.pad(x, 1);
    y = g.conv(y, `${key}.1`, { inC: ch, outC: ch, kernel: 3, bias: useBias });
    y = g.relu(g.norm(y, `${key}.2`, ch, normOpts));
    // Dropout sits here in the reference; inference runs with it off.
    y = g.pad(y, 1);
    y = g.conv(y, `${key}.${second}`, { inC: ch, outC: ch, kernel: 3, bias: useBias });
    y = g.norm(y, `${key}.${second + 1}`, ch, normOpts);
    x = g.add(x, y);
    index += 1;
  }

  for (let i = 0; i < 2; i++) {
    x = g.convTranspose(x, `model.${index}`, {
      inC: ch,
      outC: ch / 2,
      kernel: 3,
      stride: 2,
      pad: 1,
      outputPadding: 1,
      bias: useBias,
    });
    x = g.relu(g.norm(x, `model.${index + 1}`, ch / 2, normOpts));
    ch /= 2;
    index += 3;
  }

  x = g.pad(x, 3);
  x = g.conv(x, `model.${index + 1}`, { inC: ch, outC, kernel: 7, bias: true });
  return g.finish(g.tanh(x), outC);
}
