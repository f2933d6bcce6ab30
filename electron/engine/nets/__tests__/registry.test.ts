import { describe, expect, it } from 'vitest';
import { TRAIN_ARCHS } from '../../../contract/training.js';
import { findCatalogEntry } from '../../library/catalog/index.js';
import { parseManifest } from '../../library/manifest.js';
import {
  GENERATOR_FAMILIES,
  architectureFromMetadata,
  buildGenerator,
  countParameters,
  detectFamily,
  familyOf,
  parameterCount,
  parseGeneratorName,
  trainingArchitecture,
  type Architecture,
  type Field,
  type StateDictView,
} from '../index.js';

/**
 * What every registered family must do for the rest of the engine, checked family by family so a
 * new family is held to it the day it is registered: its names parse to it, its trainer settings
 * build, its own checkpoints are recognised as it (and as no other family listed before it), its
 * settings survive a manifest and tensor-file metadata.
 */
const bad = (why: string): never => {
  throw new Error(why);
};

/**
 * A small network of each family, as the trainer would build it; with `variants`, GAN Studio's
 * own choices where the family offers them (resize upsampling, the condition at every block).
 */
function sample(family: (typeof GENERATOR_FAMILIES)[number], variants = false): Architecture {
  const name = TRAIN_ARCHS.find((n) => family.parseName(n, bad) !== undefined) ?? family.name;
  return trainingArchitecture(name, { width: 2, norm: 'batch', conditionSize: 3, ...(variants ? { upsample: 'resize' as const, conditioning: 'blocks' as const } : {}) });
}

/** A setting of a network, or its field's default where the description leaves it out. */
function settingOf(family: (typeof GENERATOR_FAMILIES)[number], arch: Architecture, key: string): unknown {
  const given = (arch as Record<string, unknown>)[key];
  return given ?? (family.fields as Record<string, Field>)[key]?.default;
}

/** The keys and shapes a PyTorch checkpoint of `arch` has. */
function checkpointView(arch: Architecture): StateDictView {
  const graph = buildGenerator(arch);
  const shapes = new Map(graph.params.map((p) => [p.name, p.shape]));
  return { keys: [...shapes.keys(), ...graph.unusedKeys], shape: (key) => shapes.get(key) };
}

describe('the family registry', () => {
  for (const family of GENERATOR_FAMILIES) {
    describe(family.name, () => {
      it('owns the trainer names it parses, and no other family parses them', () => {
        for (const name of TRAIN_ARCHS.filter((n) => family.parseName(n, bad) !== undefined)) {
          expect(parseGeneratorName(name, bad)?.family.name, name).toBe(family.name);
          expect(GENERATOR_FAMILIES.filter((f) => f.parseName(name, bad) !== undefined).length, name).toBe(1);
        }
      });

      it.each([false, true])('recognises its own checkpoints, and no family before it claims them (own variants: %s)', (variants) => {
        const arch = sample(family, variants);
        expect(arch.upsample).toBe(variants ? 'resize' : undefined);
        if (family.conditional) expect((arch as { conditioning?: string }).conditioning).toBe(variants ? 'blocks' : undefined);
        const view = checkpointView(arch);
        expect(detectFamily(view)?.name).toBe(family.name);
        // What the keys show matches the network they came from.
        const derived = family.derive(view);
        expect(derived.upsample).toBe(variants ? 'resize' : 'transposed');
        if (family.conditional) expect((derived as { conditioning?: string }).conditioning).toBe(variants ? 'blocks' : 'input');
        for (const [key, value] of Object.entries(derived)) {
          if (value !== undefined && key !== 'dropout') expect(value, key).toEqual(settingOf(family, arch, key));
        }
      });

      it.each([false, true])('keeps its settings through a manifest and tensor-file metadata (own variants: %s)', (variants) => {
        const arch = sample(family, variants);
        const io = family.io(arch);
        const manifest = parseManifest(
          {
            schemaVersion: 1,
            id: 'sample',
            name: 'sample',
            kind: family.defaultKind,
            description: '',
            inputChannels: io.inputChannels,
            outputChannels: io.outputChannels,
            sizeMultiple: family.sizeMultiple(arch),
            preferredSize: family.preferredSize,
            attributes: Array.from({ length: io.conditionChannels }, (_, i) => ({ name: `a${i}`, min: 0, max: 1, default: 0 })),
            network: arch,
            source: 'test',
            licence: 'MIT',
            sha256: '0'.repeat(64),
          },
          'sample manifest',
        );
        expect(manifest.network).toEqual(arch);
        const fields = Object.entries(family.fields) as [string, Field][];
        const meta = Object.fromEntries([['family', family.name], ...fields.map(([key, f]) => [f.name, String(settingOf(family, arch, key))])]);
        expect(architectureFromMetadata(meta)).toEqual(arch);
      });

      it('counts its parameters on the graph it builds', () => {
        const arch = sample(family);
        expect(parameterCount(arch)).toBe(countParameters(buildGenerator(arch)));
        expect(parameterCount(arch)).toBeGreaterThan(0);
      });
    });
  }

  it('resolves every generator the trainer offers', () => {
    for (const name of TRAIN_ARCHS) {
      const arch = trainingArchitecture(name, { width: 8, norm: 'instance', conditionSize: 2 });
      expect(familyOf(arch).describe(arch)).toMatch(new RegExp(`^${name.replace(/_\d+$/, '')}`));
      expect(buildGenerator(arch).params.length).toBeGreaterThan(0);
    }
    // At the reference settings the trainer builds the networks of the public releases.
    expect(trainingArchitecture('resnet_9blocks', { width: 64, norm: 'instance', conditionSize: 0 })).toEqual(findCatalogEntry('horse2zebra').architecture);
    expect(trainingArchitecture('stargan', { width: 64, norm: 'instance', conditionSize: 5 })).toEqual(findCatalogEntry('stargan-celeba-128').architecture);
  });

  it('holds manifests to the family limits and fills a left-out default', () => {
    const base = {
      schemaVersion: 1,
      id: 'm',
      name: 'm',
      kind: 'cyclegan',
      description: '',
      inputChannels: 3,
      outputChannels: 3,
      sizeMultiple: 4,
      preferredSize: 256,
      attributes: [],
      source: '',
      licence: '',
      sha256: '0'.repeat(64),
    };
    const resnet = { family: 'resnet', ngf: 8, nBlocks: 2, norm: 'instance', inputChannels: 3, outputChannels: 3 };
    expect(parseManifest({ ...base, network: resnet }, 'm').network).toEqual({ ...resnet, dropout: false });
    expect(() => parseManifest({ ...base, network: { ...resnet, nBlocks: 65 } }, 'm')).toThrow(/network\.nBlocks/);
    expect(() => parseManifest({ ...base, network: { ...resnet, extra: 1 } }, 'm')).toThrow(/network/);
    expect(() => parseManifest({ ...base, network: { family: 'vgg' } }, 'm')).toThrow(/network\.family/);
  });
});
