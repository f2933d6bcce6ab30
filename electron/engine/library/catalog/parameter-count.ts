import type { Architecture } from '../../nets/architecture.js';

/**
 * Learnable parameters of a generator, counted from the layer list of the public reference
 * modules (junyanz ResnetGenerator / UnetGenerator, StarGAN Generator). Buffers such as
 * BatchNorm running statistics are not parameters and are not counted: they add well under 1%
 * to a checkpoint. Used for the catalog's expected download sizes, so it must not depend on
 * building a graph.
 */
export function parameterCount(arch: Architecture): number {
  switch (arch.family) {
    case 'resnet':
      return resnetParameters(arch);
    case 'unet':
      return unetParameters(arch);
    case 'stargan':
      return starganParameters(arch);
  }
}

/** Bytes of the parameters stored as float32, as the public checkpoints store them. */
export function parameterBytes(arch: Architecture): number {
  return parameterCount(arch) * 4;
}

function conv(cin: number, cout: number, kernel: number, bias: boolean): number {
  return cin * cout * kernel * kernel + (bias ? cout : 0);
}

/** junyanz: BatchNorm2d is affine (weight + bias); InstanceNorm2d(affine=False) has none. */
function junyanzNorm(norm: 'instance' | 'batch', channels: number): number {
  return norm === 'batch' ? 2 * channels : 0;
}

function resnetParameters(a: Extract<Architecture, { family: 'resnet' }>): number {
  // The reference sets bias=True on the inner convs only with InstanceNorm.
  const bias = a.norm === 'instance';
  let n = conv(a.inputChannels, a.ngf, 7, bias) + junyanzNorm(a.norm, a.ngf);
  for (let i = 0; i < 2; i++) {
    const cin = a.ngf * 2 ** i;
    n += conv(cin, cin * 2, 3, bias) + junyanzNorm(a.norm, cin * 2);
  }
  const width = a.ngf * 4;
  n += a.nBlocks * 2 * (conv(width, width, 3, bias) + junyanzNorm(a.norm, width));
  for (let i = 0; i < 2; i++) {
    const cin = a.ngf * 2 ** (2 - i);
    n += conv(cin, cin / 2, 3, bias) + junyanzNorm(a.norm, cin / 2);
  }
  // The last conv always carries a bias.
  return n + conv(a.ngf, a.outputChannels, 7, true);
}

function unetParameters(a: Extract<Architecture, { family: 'unet' }>): number {
  const bias = a.norm === 'instance';
  const top = a.ngf * 8;
  // Innermost: down conv, up conv (inner -> outer, no concat yet), up norm.
  let n = conv(top, top, 4, bias) + conv(top, top, 4, bias) + junyanzNorm(a.norm, top);
  // Middle blocks: down conv + norm, up conv over the concat (2 x inner) + norm.
  const middle = (outer: number, inner: number): number =>
    conv(outer, inner, 4, bias) + junyanzNorm(a.norm, inner) + conv(inner * 2, outer, 4, bias) + junyanzNorm(a.norm, outer);
  for (let i = 0; i < a.numDowns - 5; i++) n += middle(top, top);
  n += middle(a.ngf * 4, a.ngf * 8) + middle(a.ngf * 2, a.ngf * 4) + middle(a.ngf, a.ngf * 2);
  // Outermost: down conv without norm, up conv with its own bias (always) and Tanh.
  return n + conv(a.inputChannels, a.ngf, 4, bias) + conv(a.ngf * 2, a.outputChannels, 4, true);
}

function starganParameters(a: Extract<Architecture, { family: 'stargan' }>): number {
  // Convs carry no bias; InstanceNorm2d(affine=True) has weight + bias.
  const norm = (c: number): number => 2 * c;
  let n = conv(3 + a.cDim, a.convDim, 7, false) + norm(a.convDim);
  let c = a.convDim;
  for (let i = 0; i < 2; i++, c *= 2) n += conv(c, c * 2, 4, false) + norm(c * 2);
  n += a.repeatNum * 2 * (conv(c, c, 3, false) + norm(c));
  for (let i = 0; i < 2; i++, c /= 2) n += conv(c, c / 2, 4, false) + norm(c / 2);
  return n + conv(c, 3, 7, false);
}
