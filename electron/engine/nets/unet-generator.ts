import { GraphBuilder, type NormKind } from '../graph/graph-builder.js';
import type { IrGraph } from '../graph/ir.js';

export interface UnetOptions {
  numDowns: number;
  ngf: number;
  norm: NormKind;
  dropout: boolean;
  inputChannels?: number;
  outputChannels?: number;
}

interface Level {
  outer: number;
  inner: number;
  input: number;
  role: 'outermost' | 'middle' | 'innermost';
}

/**
 * junyanz UnetGenerator: nested skip blocks, outermost first. Keys nest as
 * `model.model.1.model.3.model.3...`: the outermost block's submodule sits at index 1, a
 * middle block's at index 3.
 *
 * Every block but the outermost starts with an in-place LeakyReLU on its input and returns
 * concat(input, block(input)); because the activation is in place, the skip half of that
 * concat is LeakyReLU(input). We reproduce that so every intermediate value matches the
 * reference. (The final output would not show the difference: each concat feeds a ReLU, and
 * ReLU(LeakyReLU(v)) = ReLU(v). Checked against PyTorch in the reference-output tests.)
 */
export function unetGenerator(options: UnetOptions): IrGraph {
  // options.dropout only adds Dropout modules (no keys) to the deep middle blocks; inference runs with them off.
  const { numDowns, ngf, norm } = options;
  if (numDowns < 5) throw new Error(`U-Net needs at least 5 downsamplings, got ${numDowns}`);
  const inC = options.inputChannels ?? 3;
  const outC = options.outputChannels ?? 3;
  const useBias = norm === 'instance';
  const normOpts = { affine: norm === 'batch', tracksStats: norm === 'batch', batchStatistics: norm === 'batch' };
  const g = new GraphBuilder(`unet_${2 ** numDowns}_ngf${ngf}`);

  // Outermost to innermost, as the reference nests them.
  const levels: Level[] = [
    { outer: outC, inner: ngf, input: inC, role: 'outermost' },
    { outer: ngf, inner: ngf * 2, input: ngf, role: 'middle' },
    { outer: ngf * 2, inner: ngf * 4, input: ngf * 2, role: 'middle' },
    { outer: ngf * 4, inner: ngf * 8, input: ngf * 4, role: 'middle' },
  ];
  for (let i = 0; i < numDowns - 5; i++) levels.push({ outer: ngf * 8, inner: ngf * 8, input: ngf * 8, role: 'middle' });
  levels.push({ outer: ngf * 8, inner: ngf * 8, input: ngf * 8, role: 'innermost' });

  const block = (depth: number, x: string, prefix: string): string => {
    const level = levels[depth];
    if (level === undefined) throw new Error('unreachable: U-Net depth out of range');
    const seq = `${prefix}.model`;
    if (level.role === 'outermost') {
      let y = g.conv(x, `${seq}.0`, { inC: level.input, outC: level.inner, kernel: 4, stride: 2, pad: 1, bias: useBias });
      y = block(depth + 1, y, `${seq}.1`);
      y = g.relu(y);
      y = g.convTranspose(y, `${seq}.3`, { inC: level.inner * 2, outC: level.outer, kernel: 4, stride: 2, pad: 1, bias: true });
      return g.tanh(y);
    }
    const skip = g.leakyRelu(x, 0.2);
    let y = g.conv(skip, `${seq}.1`, { inC: level.input, outC: level.inner, kernel: 4, stride: 2, pad: 1, bias: useBias });
    if (level.role === 'innermost') {
      y = g.relu(y);
      y = g.convTranspose(y, `${seq}.3`, { inC: level.inner, outC: level.outer, kernel: 4, stride: 2, pad: 1, bias: useBias });
      y = g.norm(y, `${seq}.4`, level.outer, normOpts);
    } else {
      y = g.norm(y, `${seq}.2`, level.inner, normOpts);
      y = block(depth + 1, y, `${seq}.3`);
      y = g.relu(y);
      y = g.convTranspose(y, `${seq}.5`, { inC: level.inner * 2, outC: level.outer, kernel: 4, stride: 2, pad: 1, bias: useBias });
      y = g.norm(y, `${seq}.6`, level.outer, normOpts);
    }
    return g.concat(skip, y);
  };

  const input = g.input('input', 'image', inC);
  return g.finish(block(0, input, 'model'), outC);
}
