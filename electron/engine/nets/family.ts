import type { ModelKind } from '../../contract/models.js';
import type { NormKind } from '../graph/graph-builder.js';
import type { IrGraph } from '../graph/ir.js';
import type { Conditioning, Upsampling } from '../../contract/training.js';

/**
 * What a network family is: one module under nets/ fills in one of these and the registry
 * lists it. Everything the rest of the engine knows about a family (its names, how to tell its
 * checkpoints, its settings and their limits, its graph) comes from here, so nothing else
 * switches on family names. Settings are plain JSON ({ family, ...fields }), stored in manifests.
 */

/** A whole-number setting (widths, block counts), limited to what a real network of the family has. */
export interface CountField {
  readonly kind: 'count';
  /** The reference code's option name: tensor-file metadata and messages use it. */
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** How messages name the setting where the option name would not say it. */
  readonly label?: string;
  /** What `--arch` accepts for it; the first is the one listed. Default: [name]. */
  readonly spellings?: readonly string[];
  /** What a description that leaves the setting out means (metadata, manifests, new networks). */
  readonly default?: number;
}

export interface ChoiceField<T extends string = string> {
  readonly kind: 'choice';
  readonly name: string;
  /** In the order messages list them. */
  readonly values: readonly T[];
  readonly default?: T;
  /**
   * A setting added after models were described without it (the upsampling): completed
   * settings leave it out while it has its default, so every description written before it
   * (manifests, catalog entries, tensor-file metadata) reads exactly as it did.
   */
  readonly addedLater?: boolean;
}

/** A yes/no setting; `--arch` takes `name`, `name=false` and `no_name`. */
export interface FlagField {
  readonly kind: 'flag';
  readonly name: string;
  readonly default?: boolean;
}

export type Field = CountField | ChoiceField | FlagField;

/** A family's settings without the family name. */
export type SettingsBody<S> = Omit<S, 'family'>;

/**
 * One field spec per setting, typed by the setting's value; the object's order is the settings'
 * order. A setting added after models were written (the upsampling) is optional in the type,
 * its absence meaning the field's default; completed settings always carry it.
 */
type Value<S, K extends keyof SettingsBody<S>> = Exclude<SettingsBody<S>[K], undefined>;
export type Fields<S> = {
  readonly [K in keyof SettingsBody<S>]-?: Value<S, K> extends number
    ? CountField
    : Value<S, K> extends boolean
      ? FlagField
      : Value<S, K> extends string
        ? ChoiceField<Value<S, K>>
        : never;
};

/** What a family reads of a state dict to recognise it: key names and float tensor shapes. */
export interface StateDictView {
  /** Every key (float tensors and other entries such as num_batches_tracked), DataParallel's `module.` removed. */
  readonly keys: readonly string[];
  /** The shape of a float tensor; undefined for other entries and absent keys. */
  shape(key: string): readonly number[] | undefined;
}

/** A 4-D (conv) weight's shape in a state dict, or undefined. */
export function convShape(sd: StateDictView, key: string): readonly [number, number, number, number] | undefined {
  const s = sd.shape(key);
  return s !== undefined && s.length === 4 ? (s as readonly [number, number, number, number]) : undefined;
}

/** The tensors a generator takes and gives, in channels. */
export interface GeneratorIo {
  inputChannels: number;
  outputChannels: number;
  /** Length of the condition vector; 0 for image-to-image generators. */
  conditionChannels: number;
}

/** What a trainer's settings say about a network it builds from scratch. */
export interface TrainingChoice {
  /** The generator width (--ngf). */
  width: number;
  norm: NormKind;
  /** Attributes in the data (conditional training), else 0. */
  conditionSize: number;
  /** The decoder's upsampling, for families that offer a choice; undefined: the family's default. */
  upsample?: Upsampling;
  /** Where a conditional generator reads the condition, for families that offer a choice; undefined: the family's default. */
  conditioning?: Conditioning;
}

/** What every family has; a discriminator family (built fresh by the trainer) has no more. */
export interface NetFamily<S extends { family: string }> {
  readonly name: S['family'];
  /** The public module it reproduces, for messages: origin "junyanz", module "ResnetGenerator". */
  readonly reference: { readonly origin?: string; readonly module: string };
  build(settings: S): IrGraph;
  /** A short human name, as the reference code's option strings spell it where one exists. */
  describe(settings: S): string;
}

export interface GeneratorFamily<S extends { family: string }> extends NetFamily<S> {
  /** Every setting, with its option name and limits, in the settings' order. */
  readonly fields: Fields<S>;
  /** What `--arch` takes besides the trainer's names (contract TRAIN_ARCHS), as help lists it: "resnet_<n>blocks". */
  readonly namePatterns?: readonly string[];
  /**
   * The settings a name implies ("unet_256": numDowns 8), or undefined when the name is not
   * this family's. `bad` throws, with the reason, for a name of this family that cannot be.
   */
  parseName(name: string, bad: (why: string) => never): Partial<SettingsBody<S>> | undefined;
  /** Whether a state dict has this family's tell-tale keys. */
  detect(sd: StateDictView): boolean;
  /** The settings the keys and shapes show; what they cannot show is left out. */
  derive(sd: StateDictView): Partial<SettingsBody<S>>;
  /** Input sides must be multiples of this; the imaging step pads (reflect) and crops back. */
  sizeMultiple(settings: S): number;
  /** Whether its generators take a condition vector besides the image (its length: `io`). */
  readonly conditional: boolean;
  io(settings: S): GeneratorIo;
  /** What a model of this family is when an import does not say. */
  readonly defaultKind: ModelKind;
  /** The side its public models were trained at, the default preview size. */
  readonly preferredSize: number;
  /** The settings a trainer gives a new network of this family (the name and field defaults fill the rest). */
  forTraining(choice: TrainingChoice): Partial<SettingsBody<S>>;
}
