import { z } from 'zod';
import type { NetworkSpec } from '../../contract/models.js';
import { TRAIN_ARCHS } from '../../contract/training.js';
import { StudioError } from '../errors.js';
import type { IrGraph } from '../graph/ir.js';
import type { GeneratorFamily, StateDictView, TrainingChoice } from './family.js';
import { patchganFamily } from './patchgan-discriminator.js';
import { resnetFamily } from './resnet-generator.js';
import { completeSettings, fieldDefaults, settingsFromMetadata, settingsSchema } from './settings.js';
import { starganFamily } from './stargan-generator.js';
import { unetFamily } from './unet-generator.js';

/**
 * The network families the engine builds, and the one place that lists them (as spandrel's
 * registry lists its architectures). Detection tries them in this order and the first whose
 * keys match wins, so a family that refines another (same tell-tale keys) goes before it.
 */
const GENERATORS = [resnetFamily, unetFamily, starganFamily] as const;
const DISCRIMINATORS = [patchganFamily] as const;

type SettingsOf<F> = F extends { build(settings: infer S): IrGraph } ? S : never;

/** The exact network of a generator of any registered family: its name and its settings. */
export type Architecture = SettingsOf<(typeof GENERATORS)[number]>;
export type DiscriminatorArch = SettingsOf<(typeof DISCRIMINATORS)[number]>;
export type AnyGeneratorFamily = GeneratorFamily<Architecture>;

/** `--arch` as given: a family and any of its settings; detection reads the rest. */
export type ArchitectureOverride = Architecture extends infer A ? (A extends { family: infer F } ? { family: F } & Partial<Omit<A, 'family'>> : never) : never;

export const GENERATOR_FAMILIES: readonly AnyGeneratorFamily[] = GENERATORS;

export function generatorFamily(name: string): AnyGeneratorFamily | undefined {
  return GENERATOR_FAMILIES.find((f) => f.name === name);
}

/** The family of a network description (a manifest's `network`, a run's generator). */
export function familyOf(spec: NetworkSpec): AnyGeneratorFamily {
  const family = generatorFamily(spec.family);
  if (family === undefined) throw new Error(`no generator family is called "${spec.family}"`);
  return family;
}

/** The IR graph of any registered generator. */
export function buildGenerator(spec: NetworkSpec): IrGraph {
  return familyOf(spec).build(spec as Architecture);
}

export function describeArchitecture(spec: NetworkSpec): string {
  return familyOf(spec).describe(spec as Architecture);
}

/** Input sides must be multiples of this; the imaging step pads (reflect) and crops back. */
export function sizeMultiple(spec: NetworkSpec): number {
  return familyOf(spec).sizeMultiple(spec as Architecture);
}

/** Learnable values of a graph: the sum of its parameters' sizes (buffers such as running statistics are not parameters). */
export function countParameters(graph: IrGraph): number {
  return graph.params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
}

/** Learnable values of a generator, counted on the graph it builds. */
export function parameterCount(spec: NetworkSpec): number {
  return countParameters(buildGenerator(spec));
}

/** The first family whose tell-tale keys the state dict has. */
export function detectFamily(sd: StateDictView): AnyGeneratorFamily | undefined {
  return GENERATOR_FAMILIES.find((f) => f.detect(sd));
}

/** "a, b or c". */
function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** The supported generators as the public code names them: "junyanz ResnetGenerator or UnetGenerator, StarGAN". */
export function supportedGenerators(): string {
  const byOrigin = new Map<string, string[]>();
  for (const { reference } of GENERATOR_FAMILIES) {
    const origin = reference.origin ?? '';
    byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), reference.module]);
  }
  return [...byOrigin].map(([origin, modules]) => `${origin === '' ? '' : `${origin} `}${modules.join(' or ')}`).join(', ');
}

/** The names `--arch` and the trainer take, family by family, as help lists them: "resnet_9blocks, ..., unet_256 or stargan". */
export function architectureNames(): string {
  const never = (why: string): never => {
    throw new Error(why);
  };
  return orList(GENERATOR_FAMILIES.flatMap((f) => [...TRAIN_ARCHS.filter((name) => f.parseName(name, never) !== undefined), ...(f.namePatterns ?? [])]));
}

/** The families whose generators take a condition vector, each named as `name` says ("stargan", "StarGAN"). */
export function conditionalFamilies(name: (family: AnyGeneratorFamily) => string): string {
  return orList(GENERATOR_FAMILIES.filter((f) => f.conditional).map(name));
}

/** Reads a name such as "resnet_9blocks" or "unet_256": its family and the settings it implies. */
export function parseGeneratorName(
  name: string,
  bad: (why: string) => never,
): { family: AnyGeneratorFamily; settings: Partial<Omit<Architecture, 'family'>> } | undefined {
  for (const family of GENERATOR_FAMILIES) {
    const settings = family.parseName(name, bad);
    if (settings !== undefined) return { family, settings };
  }
  return undefined;
}

/** The generator a trainer builds from scratch for a named architecture and its own settings. */
export function trainingArchitecture(name: string, choice: TrainingChoice): Architecture {
  const bad = (why: string): never => {
    throw new StudioError('BAD_ARGUMENT', `--arch ${name}: ${why}`);
  };
  const named = parseGeneratorName(name.toLowerCase(), bad) ?? bad(`unknown architecture; use ${architectureNames()}`);
  const done = completeSettings(named.family, fieldDefaults(named.family), named.settings, named.family.forTraining(choice));
  if (done.ok) return done.settings;
  const problems = [...done.missing.map((f) => `no ${f.name} given`), ...done.invalid.map((i) => `${i.field.name} = ${String(i.value)} is ${i.why}`)];
  return bad(problems.join('; '));
}

/** The architecture recorded in a tensor file's metadata (`family` plus the reference option names). */
export function architectureFromMetadata(meta: Readonly<Record<string, string>>): Architecture {
  const family = generatorFamily(meta.family ?? '');
  if (family === undefined) throw new Error(`metadata names no known network family (family = ${String(meta.family)})`);
  return settingsFromMetadata(family, meta);
}

/** A manifest's `network`: the settings of one registered family, within its limits. */
export const networkSchema = z.discriminatedUnion(
  'family',
  GENERATOR_FAMILIES.map((f) => settingsSchema(f)) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

/** The family of a discriminator description (the trainer's). */
export function discriminatorFamily(spec: DiscriminatorArch): (typeof DISCRIMINATORS)[number] {
  const family = DISCRIMINATORS.find((f) => f.name === spec.family);
  if (family === undefined) throw new Error(`no discriminator family is called "${spec.family}"`);
  return family;
}
