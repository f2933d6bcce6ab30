import type { AttributeSpec, ModelKind, ModelPreprocess } from '../../../contract/models.js';
import { StudioError } from '../../errors.js';
import { parameterCount, type Architecture } from '../../nets/index.js';

/**
 * The official pretrained generators, as the public download scripts name and serve them:
 * junyanz/pytorch-CycleGAN-and-pix2pix `scripts/download_cyclegan_model.sh` (18 CycleGAN
 * generators) and `scripts/download_pix2pix_model.sh` (5 pix2pix generators), and
 * yunjey/stargan `download.sh` (CelebA 128 and 256, 5 attributes). Plain data, frozen.
 */
export interface CatalogEntry {
  /** Catalog name, also the default library id: `<family>-<upstream name>`. */
  readonly name: string;
  /** The name the upstream download script takes (`horse2zebra`, `pretrained-celeba-128x128`). */
  readonly upstreamName: string;
  readonly title: string;
  readonly kind: ModelKind;
  /** One line: what the model does. */
  readonly task: string;
  readonly direction: string;
  /** CycleGAN only: the catalog name of the model that translates the other way. */
  readonly reverse?: string;
  readonly url: string;
  /** Set when `url` is a zip archive: the member holding the generator checkpoint. */
  readonly archiveMember?: string;
  readonly architecture: Architecture;
  /** Conditional models: the condition vector's entries, in order. */
  readonly attributes?: readonly AttributeSpec[];
  /** Side length the model was trained at. */
  readonly preferredSize: number;
  /** What every image goes through first, as in training (StarGAN CelebA: the centred square). */
  readonly preprocess?: ModelPreprocess;
  /** SPDX identifier of the licence the upstream repository states. */
  readonly licence: string;
  /** Where the licence comes from and what it covers, in words. */
  readonly licenceNote: string;
  /** The project page (repository) the model comes from. */
  readonly source: string;
  /**
   * Approximate size of the generator checkpoint (the `.pth`, or the archive member): the
   * float32 parameter bytes, computed from the architecture. The real file adds the
   * container (zip headers or the legacy stream, the pickled key names) and buffers such as
   * BatchNorm running statistics, a fraction of a percent for these networks.
   */
  readonly expectedBytes: number;
  /**
   * Relative tolerance on `expectedBytes` for the sanity check of a finished download. The
   * exact byte size is not known offline (it depends on the PyTorch version that saved the
   * file), so any size within expectedBytes x (1 +- sizeTolerance) is accepted; a truncated
   * file, an HTML error page or a different network falls far outside.
   */
  readonly sizeTolerance: number;
}

const JUNYANZ_REPO = 'https://github.com/junyanz/pytorch-CycleGAN-and-pix2pix';
const STARGAN_REPO = 'https://github.com/yunjey/stargan';
const JUNYANZ_LICENCE_NOTE =
  'BSD 2-clause, per the LICENSE of junyanz/pytorch-CycleGAN-and-pix2pix (Copyright (c) 2017, Jun-Yan Zhu and ' +
  'Taesung Park; pix2pix part Copyright (c) 2016, Phillip Isola and Jun-Yan Zhu). The pretrained models are ' +
  'published by the same authors with no separate terms.';
const STARGAN_LICENCE_NOTE =
  'MIT, per the LICENSE of yunjey/stargan (Copyright (c) 2017 Yunjey Choi). The pretrained checkpoints are ' +
  'published by the same authors with no separate terms; they were trained on CelebA, whose images are for ' +
  'non-commercial research use.';
const SIZE_TOLERANCE = 0.1;

/**
 * Bytes of a generator's parameters stored as float32, as the public checkpoints store them,
 * counted on the graph the engine builds. Buffers such as BatchNorm running statistics are not
 * parameters: they add well under 1% to a checkpoint.
 */
export function parameterBytes(arch: Architecture): number {
  return parameterCount(arch) * 4;
}

/** CycleGAN test options: --netG resnet_9blocks --ngf 64 --norm instance --no_dropout. */
const CYCLEGAN_ARCH: Architecture = { family: 'resnet', ngf: 64, nBlocks: 9, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3 };

/** pix2pix defaults: --netG unet_256 (num_downs 8) --ngf 64 --norm batch, dropout on. */
const PIX2PIX_ARCH: Architecture = { family: 'unet', numDowns: 8, ngf: 64, norm: 'batch', dropout: true, inputChannels: 3, outputChannels: 3 };

/** StarGAN main.py defaults: --g_conv_dim 64 --c_dim 5 --g_repeat_num 6. */
const STARGAN_ARCH: Architecture = { family: 'stargan', convDim: 64, cDim: 5, repeatNum: 6 };

/** The CelebA attributes of the pretrained StarGAN models, in the order of the condition vector. */
const CELEBA_ATTRIBUTES: readonly AttributeSpec[] = [
  { name: 'Black_Hair', label: 'Black hair', min: 0, max: 1, default: 0 },
  { name: 'Blond_Hair', label: 'Blond hair', min: 0, max: 1, default: 0 },
  { name: 'Brown_Hair', label: 'Brown hair', min: 0, max: 1, default: 0 },
  { name: 'Male', label: 'Male', min: 0, max: 1, default: 0 },
  { name: 'Young', label: 'Young', min: 0, max: 1, default: 0 },
];

/** What the entries of one public repository share: its network, licence and source, and the checkpoint size that network gives. */
function published(architecture: Architecture, licence: string, licenceNote: string, source: string) {
  return { architecture, licence, licenceNote, source, expectedBytes: parameterBytes(architecture), sizeTolerance: SIZE_TOLERANCE };
}

/** The junyanz repository's pretrained models: its CycleGAN and pix2pix generators, by their download names. */
const JUNYANZ_MODELS = {
  cyclegan: { title: 'CycleGAN', url: 'http://efrosgans.eecs.berkeley.edu/cyclegan/pretrained_models', architecture: CYCLEGAN_ARCH },
  pix2pix: { title: 'pix2pix', url: 'http://efrosgans.eecs.berkeley.edu/pix2pix/models-pytorch', architecture: PIX2PIX_ARCH },
} as const;

function junyanz(kind: keyof typeof JUNYANZ_MODELS, upstream: string, direction: string, task: string, reverse?: string): CatalogEntry {
  const model = JUNYANZ_MODELS[kind];
  return {
    name: `${kind}-${upstream}`,
    upstreamName: upstream,
    title: `${model.title} ${direction}`,
    kind,
    task,
    direction,
    ...(reverse === undefined ? {} : { reverse: `${kind}-${reverse}` }),
    url: `${model.url}/${upstream}.pth`,
    preferredSize: 256,
    ...published(model.architecture, 'BSD-2-Clause', JUNYANZ_LICENCE_NOTE, JUNYANZ_REPO),
  };
}

const cyclegan = (upstream: string, direction: string, task: string, reverse?: string): CatalogEntry => junyanz('cyclegan', upstream, direction, task, reverse);
const pix2pix = (upstream: string, direction: string, task: string): CatalogEntry => junyanz('pix2pix', upstream, direction, task);

/** The two directions of one task, each the other's reverse: [upstream name, its domain, task] for A and for B. */
function cycleganPair(a: readonly [string, string, string], b: readonly [string, string, string]): CatalogEntry[] {
  return [cyclegan(a[0], `${a[1]} → ${b[1]}`, a[2], b[0]), cyclegan(b[0], `${b[1]} → ${a[1]}`, b[2], a[0])];
}

function stargan(size: 128 | 256, url: string): CatalogEntry {
  return {
    name: `stargan-celeba-${size}`,
    upstreamName: `pretrained-celeba-${size}x${size}`,
    title: `StarGAN CelebA ${size}`,
    kind: 'conditional',
    task: `Edits faces (${size} px, CelebA): hair colour black / blond / brown, gender and age`,
    direction: 'face → face with the chosen attributes',
    url,
    // The archive unzips into --model_save_dir; main.py's --test_iters defaults to 200000
    // and the solver restores '<iter>-G.ckpt' (the generator) beside '<iter>-D.ckpt'.
    archiveMember: '200000-G.ckpt',
    attributes: CELEBA_ATTRIBUTES,
    preferredSize: size,
    // solver's get_loader: CenterCrop(178) of the 178 x 218 CelebA photos, then Resize(image_size).
    preprocess: { crop: 'centre-square', size },
    ...published(STARGAN_ARCH, 'MIT', STARGAN_LICENCE_NOTE, STARGAN_REPO),
  };
}

const ENTRIES: CatalogEntry[] = [
  // CycleGAN, in the order of download_cyclegan_model.sh.
  ...cycleganPair(['apple2orange', 'apple', 'Turns apples into oranges (ImageNet photos)'], ['orange2apple', 'orange', 'Turns oranges into apples (ImageNet photos)']),
  ...cycleganPair(['summer2winter_yosemite', 'summer', 'Makes summer landscapes of Yosemite look like winter'], ['winter2summer_yosemite', 'winter', 'Makes winter landscapes of Yosemite look like summer']),
  ...cycleganPair(['horse2zebra', 'horse', 'Turns horses into zebras (ImageNet photos)'], ['zebra2horse', 'zebra', 'Turns zebras into horses (ImageNet photos)']),
  // monet2photo and style_monet are the two directions of the Monet <-> photo task.
  ...cycleganPair(['monet2photo', 'Monet painting', 'Renders Monet paintings as photographs'], ['style_monet', 'photo', 'Paints photographs in the style of Claude Monet']),
  cyclegan('style_cezanne', 'photo → Cézanne painting', 'Paints photographs in the style of Paul Cézanne'),
  cyclegan('style_ukiyoe', 'photo → ukiyo-e print', 'Renders photographs in the style of Japanese ukiyo-e prints'),
  cyclegan('style_vangogh', 'photo → Van Gogh painting', 'Paints photographs in the style of Vincent van Gogh'),
  ...cycleganPair(['sat2map', 'aerial photo', 'Turns aerial photographs into map renderings'], ['map2sat', 'map', 'Turns map renderings into aerial photographs']),
  ...cycleganPair(['cityscapes_photo2label', 'street photo', 'Segments street scenes into Cityscapes label colours'], ['cityscapes_label2photo', 'label map', 'Renders Cityscapes label maps as street photographs']),
  ...cycleganPair(['facades_photo2label', 'facade photo', 'Turns building facade photos into CMP Facades label maps'], ['facades_label2photo', 'label map', 'Renders CMP Facades label maps as building facade photos']),
  cyclegan('iphone2dslr_flower', 'phone photo → DSLR photo', 'Gives smartphone flower photos the shallow depth of field of a DSLR'),
  // pix2pix, in the order of download_pix2pix_model.sh.
  pix2pix('edges2shoes', 'edges → shoe', 'Turns edge drawings of shoes into shoe photos'),
  pix2pix('sat2map', 'aerial photo → map', 'Turns aerial photographs into map renderings'),
  pix2pix('map2sat', 'map → aerial photo', 'Turns map renderings into aerial photographs'),
  pix2pix('facades_label2photo', 'label map → facade photo', 'Renders CMP Facades label maps as building facade photos'),
  pix2pix('day2night', 'day → night', 'Turns daytime outdoor scenes into night scenes'),
  // StarGAN: the Dropbox links of download.sh, with dl=1 (a direct download) instead of
  // dl=0, which can answer with Dropbox's preview page rather than the file.
  stargan(128, 'https://www.dropbox.com/s/7e966qq0nlxwte4/celeba-128x128-5attrs.zip?dl=1'),
  stargan(256, 'https://www.dropbox.com/s/zdq6roqf63m0v5f/celeba-256x256-5attrs.zip?dl=1'),
];

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Every official model, in catalog order. Frozen: never mutate. */
export const OFFICIAL_MODELS: readonly CatalogEntry[] = deepFreeze(ENTRIES);

export function listCatalog(): readonly CatalogEntry[] {
  return OFFICIAL_MODELS;
}

/** The sizes a finished download of this entry's checkpoint may have. */
export function plausibleSize(entry: CatalogEntry): { min: number; max: number } {
  const slack = Math.round(entry.expectedBytes * entry.sizeTolerance);
  return { min: entry.expectedBytes - slack, max: entry.expectedBytes + slack };
}

/** Lower case, `_` and `-` alike: `Summer2Winter-Yosemite` finds `summer2winter_yosemite`. */
function normalise(name: string): string {
  return name.trim().toLowerCase().replace(/_/g, '-');
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Finds a catalog entry by its catalog name (`cyclegan-horse2zebra`) or by the bare upstream
 * name (`horse2zebra`, `pretrained-celeba-128x128`) when only one entry has it. Case and
 * `_` / `-` do not matter. An ambiguous or unknown name is a BAD_ARGUMENT error that lists
 * the candidates or the closest names.
 */
export function findCatalogEntry(name: string): CatalogEntry {
  const wanted = normalise(name);
  const exact = OFFICIAL_MODELS.find((e) => normalise(e.name) === wanted);
  if (exact !== undefined) return exact;
  const bare = OFFICIAL_MODELS.filter((e) => normalise(e.upstreamName) === wanted);
  if (bare.length === 1 && bare[0] !== undefined) return bare[0];
  if (bare.length > 1) {
    throw new StudioError(
      'BAD_ARGUMENT',
      `"${name}" names several catalog models: ${bare.map((e) => e.name).join(', ')}; give the full catalog name`,
    );
  }
  const scored = OFFICIAL_MODELS.map((e) => ({
    name: e.name,
    score: Math.min(editDistance(wanted, normalise(e.name)), editDistance(wanted, normalise(e.upstreamName))),
    contains: wanted.length >= 3 && normalise(e.name).includes(wanted),
  }));
  const close = scored
    .filter((s) => s.contains || s.score <= Math.max(2, Math.floor(wanted.length / 4)))
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, 5)
    .map((s) => s.name);
  const hint = close.length > 0 ? `; did you mean ${close.join(', ')}?` : '; `gan-studio catalog` lists them';
  throw new StudioError('BAD_ARGUMENT', `no catalog model named "${name}"${hint}`);
}
