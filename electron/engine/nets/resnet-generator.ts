import { GraphBuilder } from '../graph/graph-builder.js';
import type { IrGraph } from '../graph/ir.js';
import { convShape, type GeneratorFamily } from './family.js';
import { strideStages } from './stride-stages.js';
import { upsamplingOf } from './upsampling.js';
import { JUNYANZ_FIELDS, JUNYANZ_GENERATOR, junyanzDetails, junyanzNorm, type JunyanzSettings } from './junyanz.js';

export type ResnetArch = { family: 'resnet'; ngf: number; nBlocks: number } & JunyanzSettings;

/** The settings, channels optional (3 in, 3 out). */
export type ResnetOptions = Omit<ResnetArch, 'family' | 'inputChannels' | 'outputChannels'> & Partial<ResnetArch>;

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
  const normOpts = junyanzNorm(norm);
  const g = new GraphBuilder(`resnet_${nBlocks}blocks_ngf${ngf}`);
  let x = g.input('input', 'image', inC);

  x = g.pad(x, 3);
  x = g.conv(x, 'model.1', { inC, outC: ngf, kernel: 7, bias: useBias });
  x = g.relu(g.norm(x, 'model.2', ngf, normOpts));

  const stage = { prefix: 'model', kernel: 3, bias: useBias, norm: normOpts };
  const down = strideStages(g, { x, channels: ngf, index: 4 }, { ...stage, up: false });
  const ch = down.channels;
  let index = down.index;
  x = down.x;

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

  const up = strideStages(g, { x, channels: ch, index }, { ...stage, up: true, outputPadding: 1, upsample: options.upsample ?? 'transposed', resizePadding: 'reflect' });
  x = g.pad(up.x, 3);
  x = g.conv(x, `model.${up.index + 1}`, { inC: up.channels, outC, kernel: 7, bias: true });
  return g.finish(g.tanh(x), outC);
}

/** junyanz `--netG resnet_<n>blocks`, the CycleGAN generator. */
export const resnetFamily: GeneratorFamily<ResnetArch> = {
  name: 'resnet',
  reference: { origin: 'junyanz', module: 'ResnetGenerator' },
  fields: {
    ngf: JUNYANZ_FIELDS.ngf,
    nBlocks: { kind: 'count', name: 'n_blocks', label: 'the number of residual blocks', min: 0, max: 64, spellings: ['n_blocks', 'blocks'] },
    norm: JUNYANZ_FIELDS.norm,
    dropout: JUNYANZ_FIELDS.dropout,
    inputChannels: JUNYANZ_FIELDS.inputChannels,
    outputChannels: JUNYANZ_FIELDS.outputChannels,
    upsample: JUNYANZ_FIELDS.upsample,
  },
  namePatterns: ['resnet_<n>blocks'],
  parseName(name) {
    const m = /^resnet(?:_(\d+)blocks)?$/.exec(name);
    if (m === null) return undefined;
    return m[1] === undefined ? {} : { nBlocks: Number(m[1]) };
  },
  detect: (sd) => sd.shape('model.1.weight') !== undefined,
  derive(sd) {
    const blocks = new Set<number>();
    for (const key of sd.keys) {
      const m = /^model\.(\d+)\.conv_block\./.exec(key);
      if (m !== null) blocks.add(Number(m[1]));
    }
    // Dropout adds a module to each block, moving the second conv from conv_block.5 to .6.
    const secondConvAt = (k: number): boolean => convShape(sd, `model.${Math.min(...blocks)}.conv_block.${k}.weight`) !== undefined;
    const first = convShape(sd, 'model.1.weight');
    const ngf = first?.[0];
    return {
      ngf,
      nBlocks: blocks.size,
      norm: sd.shape('model.2.weight') !== undefined ? 'batch' : 'instance',
      dropout: blocks.size === 0 || secondConvAt(5) ? false : secondConvAt(6) ? true : undefined,
      inputChannels: first?.[1],
      // The last conv follows 10 stem and downsampling modules, the blocks, 6 upsampling modules and a pad.
      outputChannels: convShape(sd, `model.${17 + blocks.size}.weight`)?.[0],
      // The first up-conv follows 10 stem and downsampling modules and the blocks; it reads ngf * 4 channels.
      upsample: ngf === undefined ? undefined : upsamplingOf(convShape(sd, `model.${10 + blocks.size}.weight`), ngf * 4),
    };
  },
  build: (a) => resnetGenerator(a),
  sizeMultiple: () => 4,
  describe: (a) => `resnet_${a.nBlocks}blocks ${junyanzDetails(a)}`,
  ...JUNYANZ_GENERATOR,
  defaultKind: 'cyclegan',
};
