import type { NormKind } from '../graph/graph-builder.js';
import type { ChoiceField, CountField, FlagField, GeneratorIo, TrainingChoice } from './family.js';
import { UPSAMPLE_FIELD, upsamplingDetail, type Upsampling } from './upsampling.js';

/**
 * What the junyanz/pytorch-CycleGAN-and-pix2pix networks (ResnetGenerator, UnetGenerator,
 * NLayerDiscriminator) have in common: their options (--ngf, --norm, dropout, input_nc,
 * output_nc) and the way they normalise.
 */
// A type, not an interface: settings must stay assignable to the manifest's plain-JSON record.
export type JunyanzSettings = {
  ngf: number;
  norm: NormKind;
  dropout: boolean;
  inputChannels: number;
  outputChannels: number;
  /** GAN Studio's own variant; absent: the reference's transposed convs. */
  upsample?: Upsampling;
};

const channels = (name: string, short: string): CountField => ({ kind: 'count', name, min: 1, max: 4096, spellings: [name, short], default: 3 });

export const JUNYANZ_FIELDS = {
  ngf: { kind: 'count', name: 'ngf', min: 1, max: 4096 } satisfies CountField,
  norm: { kind: 'choice', name: 'norm', values: ['batch', 'instance'] } satisfies ChoiceField<NormKind>,
  // Dropout changes the key layout only; inference and training run with it off.
  dropout: { kind: 'flag', name: 'dropout', default: false } satisfies FlagField,
  inputChannels: channels('input_nc', 'in'),
  outputChannels: channels('output_nc', 'out'),
  upsample: UPSAMPLE_FIELD,
} as const;

/**
 * junyanz `get_norm_layer`: BatchNorm2d is affine and tracks running statistics (ignored: per-image
 * statistics are used, and a batch's in training); InstanceNorm2d(affine=False) has no keys.
 */
export function junyanzNorm(norm: NormKind): { affine: boolean; tracksStats: boolean; batchStatistics: boolean } {
  const batch = norm === 'batch';
  return { affine: batch, tracksStats: batch, batchStatistics: batch };
}

/** "(ngf 64, instance norm, dropout)": the options after the network's name. */
export function junyanzDetails(s: JunyanzSettings): string {
  return `(ngf ${s.ngf}, ${s.norm} norm${s.dropout ? ', dropout' : ''}${upsamplingDetail(s.upsample ?? 'transposed')})`;
}

/** What the junyanz generators share as families: image to image, their channels, 256 px models. */
export const JUNYANZ_GENERATOR = {
  conditional: false,
  io: (s: JunyanzSettings): GeneratorIo => ({ inputChannels: s.inputChannels, outputChannels: s.outputChannels, conditionChannels: 0 }),
  preferredSize: 256,
  /** New networks are trained without dropout (the step graph draws no random masks). */
  forTraining: (choice: TrainingChoice): Partial<JunyanzSettings> => ({ ngf: choice.width, norm: choice.norm, dropout: false, upsample: choice.upsample }),
} as const;
