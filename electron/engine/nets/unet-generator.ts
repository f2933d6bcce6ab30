import { GraphBuilder } from '../graph/graph-builder.js';
import type { IrGraph } from '../graph/ir.js';
import { convShape, type GeneratorFamily } from './family.js';
import { resizeConv, upsamplingOf } from './upsampling.js';
import { JUNYANZ_FIELDS, JUNYANZ_GENERATOR, junyanzDetails, junyanzNorm, type JunyanzSettings } from './junyanz.js';

export type UnetArch = { family: 'unet'; numDowns: number; ngf: number } & JunyanzSettings;

const NUM_DOWNS = { min: 5, max: 10 } as const;

/** The settings, channels optional (3 in, 3 out). */
export type UnetOptions = Omit<UnetArch, 'family' | 'inputChannels' | 'outputChannels'> & Partial<UnetArch>;

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
  if (numDowns < NUM_DOWNS.min) throw new Error(`U-Net needs at least ${NUM_DOWNS.min} downsamplings, got ${numDowns}`);
  const inC = options.inputChannels ?? 3;
  const outC = options.outputChannels ?? 3;
  const useBias = norm === 'instance';
  const normOpts = junyanzNorm(norm);
  const g = new GraphBuilder(`unet_${2 ** numDowns}_ngf${ngf}`);
  // The reference's ConvTranspose2d(k 4, stride 2, pad 1), or resize-then-convolve (zero padding, as the U-Net's convs pad).
  const upConv = (x: string, key: string, o: { inC: number; outC: number; bias: boolean }): string =>
    options.upsample === 'resize' ? resizeConv(g, x, key, { ...o, padding: 'zero' }) : g.convTranspose(x, key, { ...o, kernel: 4, stride: 2, pad: 1 });

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
      y = upConv(y, `${seq}.3`, { inC: level.inner * 2, outC: level.outer, bias: true });
      return g.tanh(y);
    }
    const skip = g.leakyRelu(x, 0.2);
    let y = g.conv(skip, `${seq}.1`, { inC: level.input, outC: level.inner, kernel: 4, stride: 2, pad: 1, bias: useBias });
    if (level.role === 'innermost') {
      y = g.relu(y);
      y = upConv(y, `${seq}.3`, { inC: level.inner, outC: level.outer, bias: useBias });
      y = g.norm(y, `${seq}.4`, level.outer, normOpts);
    } else {
      y = g.norm(y, `${seq}.2`, level.inner, normOpts);
      y = block(depth + 1, y, `${seq}.3`);
      y = g.relu(y);
      y = upConv(y, `${seq}.5`, { inC: level.inner * 2, outC: level.outer, bias: useBias });
      y = g.norm(y, `${seq}.6`, level.outer, normOpts);
    }
    return g.concat(skip, y);
  };

  const input = g.input('input', 'image', inC);
  return g.finish(block(0, input, 'model'), outC);
}

/** junyanz `--netG unet_128` / `unet_256` (num_downs 7 / 8), the pix2pix generator. */
export const unetFamily: GeneratorFamily<UnetArch> = {
  name: 'unet',
  reference: { origin: 'junyanz', module: 'UnetGenerator' },
  fields: {
    numDowns: { kind: 'count', name: 'num_downs', ...NUM_DOWNS },
    ...JUNYANZ_FIELDS,
  },
  parseName(name, bad) {
    const m = /^unet(?:_(\d+))?$/.exec(name);
    if (m === null) return undefined;
    if (m[1] === undefined) return {};
    const downs = Math.log2(Number(m[1]));
    if (!Number.isInteger(downs) || downs < NUM_DOWNS.min || downs > NUM_DOWNS.max) {
      bad(`unet_${m[1]}: the size must be a power of two from ${2 ** NUM_DOWNS.min} to ${2 ** NUM_DOWNS.max} (unet_128, unet_256)`);
    }
    return { numDowns: downs };
  },
  detect: (sd) => sd.shape('model.model.0.weight') !== undefined,
  derive(sd) {
    // Each inner level nests at `.model.3` of the one above (the outermost's submodule at `.model.1`).
    let depth = 1;
    for (let seq = 'model.model.1.model'; depth < 64 && convShape(sd, `${seq}.1.weight`) !== undefined; seq = `${seq}.3.model`) depth += 1;
    const down = convShape(sd, 'model.model.0.weight');
    // The outermost up-conv reads ngf * 2 channels: ConvTranspose2d weights are [in, out, k, k], a conv's [out, in, k, k].
    const last = convShape(sd, 'model.model.3.weight');
    const upsample = down === undefined ? undefined : upsamplingOf(last, down[0] * 2);
    return {
      numDowns: depth,
      ngf: down?.[0],
      norm: sd.shape('model.model.1.model.2.weight') !== undefined ? 'batch' : 'instance',
      // Dropout modules have no keys; inference runs without them anyway.
      dropout: false,
      inputChannels: down?.[1],
      outputChannels: upsample === 'resize' ? last?.[0] : last?.[1],
      upsample,
    };
  },
  build: (a) => unetGenerator(a),
  sizeMultiple: (a) => 2 ** a.numDowns,
  describe: (a) => `unet_${2 ** a.numDowns} ${junyanzDetails(a)}`,
  ...JUNYANZ_GENERATOR,
  defaultKind: 'pix2pix',
};
