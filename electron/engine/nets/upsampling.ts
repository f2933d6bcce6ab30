import { UPSAMPLINGS, type Upsampling } from '../../contract/training.js';
import type { GraphBuilder } from '../graph/graph-builder.js';
import type { ChoiceField } from './family.js';

export type { Upsampling };

/**
 * How a generator doubles its resolution on the way up. 'transposed' is the reference
 * modules' stride-2 ConvTranspose2d, the only one the official models have. 'resize' is
 * nearest-neighbour upsampling then a 3 x 3 conv, the cure for the checkerboard patterns
 * transposed convolutions leave (Odena et al., "Deconvolution and Checkerboard Artifacts",
 * Distill 2016): GAN Studio's own starters use it. The conv keeps the transposed conv's key,
 * so a network's key layout is the same either way; its weight is [out, in, 3, 3] where the
 * transposed conv's is [in, out, k, k], which is how checkpoints tell them apart.
 */
export const UPSAMPLE_FIELD = { kind: 'choice', name: 'upsample', values: UPSAMPLINGS, default: 'transposed', addedLater: true } satisfies ChoiceField<Upsampling>;

/** The kernel of the conv after a resize. */
export const RESIZE_KERNEL = 3;

/**
 * A resize-then-convolve stage: x2 nearest upsampling, then a 3 x 3 conv keyed `key` with
 * reflect padding (as the junyanz convs pad) or zero padding inside the conv (as StarGAN's do).
 */
export function resizeConv(g: GraphBuilder, x: string, key: string, o: { inC: number; outC: number; bias: boolean; padding: 'reflect' | 'zero' }): string {
  const up = g.upsample(x, 2);
  const shape = { inC: o.inC, outC: o.outC, kernel: RESIZE_KERNEL, bias: o.bias };
  return o.padding === 'reflect' ? g.conv(g.pad(up, 1), key, shape) : g.conv(up, key, { ...shape, pad: 1 });
}

/** The upsampling a checkpoint's up-conv weight shape shows: a conv's is [out, in, ...] with out < in on the way up. */
export function upsamplingOf(shape: readonly number[] | undefined, inChannels: number): Upsampling | undefined {
  if (shape === undefined) return undefined;
  return shape[0] === inChannels ? 'transposed' : shape[1] === inChannels ? 'resize' : undefined;
}

/** ", resize upsampling" for the variant, nothing for the reference's transposed convs. */
export function upsamplingDetail(u: Upsampling): string {
  return u === 'resize' ? ', resize upsampling' : '';
}
