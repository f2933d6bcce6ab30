import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MODEL_KINDS } from '../../../../contract/models.js';
import { StudioError } from '../../../errors.js';
import { buildGenerator, parameterCount } from '../../../nets/index.js';
import { MODEL_ID_PATTERN } from '../../manifest.js';
import { OFFICIAL_MODELS, findCatalogEntry, listCatalog, parameterBytes, plausibleSize, type CatalogEntry } from '../official-models.js';

const attribute = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/),
  label: z.string().min(1).optional(),
  min: z.literal(0),
  max: z.literal(1),
  default: z.literal(0),
});

/** What the junyanz generators' settings have in common. */
const junyanz = { ngf: z.number().int().positive(), norm: z.enum(['instance', 'batch']), dropout: z.boolean(), inputChannels: z.number().int().positive(), outputChannels: z.number().int().positive() };

const architecture = z.discriminatedUnion('family', [
  z.object({ family: z.literal('resnet'), nBlocks: z.number().int().positive(), ...junyanz }).strict(),
  z.object({ family: z.literal('unet'), numDowns: z.number().int().min(5), ...junyanz }).strict(),
  z.object({ family: z.literal('stargan'), convDim: z.number().int().positive(), cDim: z.number().int().positive(), repeatNum: z.number().int().positive() }).strict(),
]);

const httpUrl = z.string().refine((u) => {
  try {
    const url = new URL(u);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.includes('.') && url.href === u;
  } catch {
    return false;
  }
}, 'a well-formed http(s) URL');

const entrySchema = z
  .object({
    name: z.string().regex(MODEL_ID_PATTERN),
    upstreamName: z.string().min(1),
    title: z.string().min(1),
    kind: z.enum(MODEL_KINDS),
    task: z.string().min(10).regex(/^[^\n]+$/, 'one line'),
    direction: z.string().includes('→'),
    reverse: z.string().optional(),
    url: httpUrl,
    archiveMember: z.string().regex(/^[^/\\]+$/).optional(),
    architecture,
    attributes: z.array(attribute).optional(),
    preferredSize: z.union([z.literal(128), z.literal(256)]),
    preprocess: z.object({ crop: z.literal('centre-square'), size: z.number().int() }).strict().optional(),
    licence: z.enum(['BSD-2-Clause', 'MIT']),
    licenceNote: z.string().min(10),
    source: httpUrl,
    expectedBytes: z.number().int().positive(),
    sizeTolerance: z.number().gt(0).lt(0.5),
  })
  .strict()
  .superRefine((e, ctx) => {
    if ((e.kind === 'conditional') !== (e.attributes !== undefined && e.attributes.length > 0)) {
      ctx.addIssue({ code: 'custom', message: 'attributes exactly for conditional models' });
    }
    if (e.reverse !== undefined && e.kind !== 'cyclegan') ctx.addIssue({ code: 'custom', message: 'reverse is for CycleGAN halves' });
    // StarGAN's CelebA loader: CenterCrop(178) of the 178 x 218 photos, then Resize(image_size).
    if ((e.architecture.family === 'stargan') !== (e.preprocess?.size === e.preferredSize)) {
      ctx.addIssue({ code: 'custom', message: 'StarGAN CelebA models (only) crop to the centred square at their training size' });
    }
    if (e.expectedBytes !== parameterBytes(e.architecture as CatalogEntry['architecture'])) {
      ctx.addIssue({ code: 'custom', message: 'expectedBytes must be the float32 parameter bytes' });
    }
  });

describe('official model catalog', () => {
  it('validates every entry against the schema', () => {
    const parsed = z.array(entrySchema).safeParse(OFFICIAL_MODELS);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it('holds 18 CycleGAN, 5 pix2pix and 2 StarGAN models with unique names', () => {
    expect(OFFICIAL_MODELS).toHaveLength(25);
    expect(listCatalog()).toBe(OFFICIAL_MODELS);
    const byKind = (k: string): string[] => OFFICIAL_MODELS.filter((e) => e.kind === k).map((e) => e.upstreamName);
    expect(byKind('cyclegan')).toEqual([
      'apple2orange', 'orange2apple', 'summer2winter_yosemite', 'winter2summer_yosemite', 'horse2zebra', 'zebra2horse',
      'monet2photo', 'style_monet', 'style_cezanne', 'style_ukiyoe', 'style_vangogh', 'sat2map', 'map2sat',
      'cityscapes_photo2label', 'cityscapes_label2photo', 'facades_photo2label', 'facades_label2photo', 'iphone2dslr_flower',
    ]);
    expect(byKind('pix2pix')).toEqual(['edges2shoes', 'sat2map', 'map2sat', 'facades_label2photo', 'day2night']);
    expect(byKind('conditional')).toEqual(['pretrained-celeba-128x128', 'pretrained-celeba-256x256']);
    expect(new Set(OFFICIAL_MODELS.map((e) => e.name)).size).toBe(25);
    expect(new Set(OFFICIAL_MODELS.map((e) => e.url)).size).toBe(25);
  });

  it('links CycleGAN reverses symmetrically', () => {
    const byName = new Map(OFFICIAL_MODELS.map((e) => [e.name, e]));
    const withReverse = OFFICIAL_MODELS.filter((e) => e.reverse !== undefined);
    expect(withReverse).toHaveLength(14);
    for (const e of withReverse) {
      const other = byName.get(e.reverse ?? '');
      expect(other?.kind, e.name).toBe('cyclegan');
      expect(other?.reverse, e.name).toBe(e.name);
    }
    expect(findCatalogEntry('horse2zebra').reverse).toBe('cyclegan-zebra2horse');
    expect(findCatalogEntry('style_monet').reverse).toBe('cyclegan-monet2photo');
  });

  it('records the public URLs and architectures', () => {
    const h2z = findCatalogEntry('cyclegan-horse2zebra');
    expect(h2z.url).toBe('http://efrosgans.eecs.berkeley.edu/cyclegan/pretrained_models/horse2zebra.pth');
    expect(h2z.architecture).toEqual({ family: 'resnet', ngf: 64, nBlocks: 9, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3 });
    const d2n = findCatalogEntry('pix2pix-day2night');
    expect(d2n.url).toBe('http://efrosgans.eecs.berkeley.edu/pix2pix/models-pytorch/day2night.pth');
    expect(d2n.architecture).toEqual({ family: 'unet', numDowns: 8, ngf: 64, norm: 'batch', dropout: true, inputChannels: 3, outputChannels: 3 });
    const star = findCatalogEntry('stargan-celeba-256');
    expect(star).toMatchObject({ archiveMember: '200000-G.ckpt', preferredSize: 256, licence: 'MIT', kind: 'conditional' });
    expect(star.url).toMatch(/^https:\/\/www\.dropbox\.com\/s\/zdq6roqf63m0v5f\/celeba-256x256-5attrs\.zip\?dl=1$/);
    expect(star.architecture).toEqual({ family: 'stargan', convDim: 64, cDim: 5, repeatNum: 6 });
    expect(star.attributes?.map((a) => a.name)).toEqual(['Black_Hair', 'Blond_Hair', 'Brown_Hair', 'Male', 'Young']);
    expect(findCatalogEntry('stargan-celeba-128').preferredSize).toBe(128);
  });

  it('computes the expected sizes from the parameter counts, matching the graph builders', () => {
    const resnet = findCatalogEntry('cyclegan-horse2zebra').architecture;
    const unet = findCatalogEntry('pix2pix-edges2shoes').architecture;
    const star = findCatalogEntry('stargan-celeba-128').architecture;
    // The well-known counts of the reference modules: 11.378 M, 54.414 M, 8.431 M.
    expect(parameterCount(resnet)).toBe(11_378_179);
    expect(parameterCount(unet)).toBe(54_413_955);
    expect(parameterCount(star)).toBe(8_430_528);
    for (const arch of [resnet, unet, star]) {
      const graph = buildGenerator(arch);
      const fromGraph = graph.params.reduce((sum, p) => sum + p.shape.reduce((a, b) => a * b, 1), 0);
      expect(fromGraph).toBe(parameterCount(arch));
    }
    expect(findCatalogEntry('horse2zebra').expectedBytes).toBe(45_512_716);
    expect(plausibleSize(findCatalogEntry('horse2zebra'))).toEqual({ min: 40_961_444, max: 50_063_988 });
  });

  it('is frozen', () => {
    const entry = OFFICIAL_MODELS[0] as CatalogEntry & { title: string };
    expect(() => {
      entry.title = 'changed';
    }).toThrow(TypeError);
    expect(() => (OFFICIAL_MODELS as CatalogEntry[]).push(entry)).toThrow(TypeError);
    expect(Object.isFrozen(findCatalogEntry('stargan-celeba-128').attributes?.[0])).toBe(true);
  });
});

describe('findCatalogEntry', () => {
  function failure(name: string): StudioError {
    try {
      findCatalogEntry(name);
    } catch (err) {
      expect(err).toBeInstanceOf(StudioError);
      return err as StudioError;
    }
    throw new Error(`expected ${name} to be refused`);
  }

  it('finds by catalog name, by unambiguous bare name, ignoring case and _ / -', () => {
    expect(findCatalogEntry('cyclegan-horse2zebra').name).toBe('cyclegan-horse2zebra');
    expect(findCatalogEntry('horse2zebra').name).toBe('cyclegan-horse2zebra');
    expect(findCatalogEntry('day2night').name).toBe('pix2pix-day2night');
    expect(findCatalogEntry('Summer2Winter-Yosemite').name).toBe('cyclegan-summer2winter_yosemite');
    expect(findCatalogEntry('pretrained-celeba-128x128').name).toBe('stargan-celeba-128');
  });

  it('refuses an ambiguous bare name with the candidates', () => {
    const err = failure('sat2map');
    expect(err.code).toBe('BAD_ARGUMENT');
    expect(err.message).toBe('"sat2map" names several catalog models: cyclegan-sat2map, pix2pix-sat2map; give the full catalog name');
    expect(failure('facades_label2photo').message).toContain('cyclegan-facades_label2photo, pix2pix-facades_label2photo');
  });

  it('refuses an unknown name with the closest ones', () => {
    expect(failure('hors2zebra').message).toBe('no catalog model named "hors2zebra"; did you mean cyclegan-horse2zebra?');
    expect(failure('stargan').message).toMatch(/did you mean stargan-celeba-128, stargan-celeba-256\?$/);
    expect(failure('wholly-unrelated-thing').message).toMatch(/no catalog model named "wholly-unrelated-thing"; `gan-studio catalog` lists them$/);
  });
});
