import { z } from 'zod';
import type { Field, GeneratorFamily, SettingsBody } from './family.js';

/**
 * A family's settings as its field specs describe them: completed from parts, checked against
 * the limits, read from tensor-file metadata, validated in manifests. One set of limits for
 * every way in (detection, --arch, metadata, manifests, the trainer).
 */

/** How messages name a setting. */
export function fieldLabel(field: Field): string {
  return (field.kind === 'count' ? field.label : undefined) ?? field.name;
}

/** The spellings `--arch` accepts for a setting; the first is the one listed. */
export function fieldSpellings(field: Field): readonly string[] {
  return (field.kind === 'count' ? field.spellings : undefined) ?? [field.name];
}

/** Why `value` cannot be this setting ("out of range (0 to 64)"), or undefined when it can. */
export function fieldProblem(field: Field, value: unknown): string | undefined {
  switch (field.kind) {
    case 'count':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= field.min && value <= field.max
        ? undefined
        : `out of range (${field.min} to ${field.max})`;
    case 'choice':
      return typeof value === 'string' && field.values.includes(value) ? undefined : `must be ${field.values.join(' or ')}`;
    case 'flag':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
  }
}

function entries<S extends { family: string }>(family: GeneratorFamily<S>): [string, Field][] {
  return Object.entries(family.fields) as [string, Field][];
}

/** The settings the family's field defaults give. */
export function fieldDefaults<S extends { family: string }>(family: GeneratorFamily<S>): Partial<SettingsBody<S>> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of entries(family)) if (field.default !== undefined) out[key] = field.default;
  return out as Partial<SettingsBody<S>>;
}

/** Settings with every field given and within its limits, or what is missing and what is wrong. */
export type Completion<S> =
  | { ok: true; settings: S }
  | { ok: false; missing: Field[]; invalid: { field: Field; value: unknown; why: string }[] };

/**
 * Settings from parts, later parts winning (an undefined value does not count), in the fields'
 * order so stored JSON reads the same for every model of the family.
 */
export function completeSettings<S extends { family: string }>(family: GeneratorFamily<S>, ...parts: readonly object[]): Completion<S> {
  const merged: Record<string, unknown> = {};
  for (const part of parts) for (const [k, v] of Object.entries(part)) if (k !== 'family' && v !== undefined) merged[k] = v;
  const settings: Record<string, unknown> = { family: family.name };
  const missing: Field[] = [];
  const invalid: { field: Field; value: unknown; why: string }[] = [];
  for (const [key, field] of entries(family)) {
    const value = merged[key];
    if (value === undefined && isAddedLater(field)) continue;
    if (value === undefined) {
      missing.push(field);
      continue;
    }
    const why = fieldProblem(field, value);
    if (why !== undefined) invalid.push({ field, value, why });
    if (!(isAddedLater(field) && value === field.default)) settings[key] = value;
  }
  return missing.length === 0 && invalid.length === 0 ? { ok: true, settings: settings as S } : { ok: false, missing, invalid };
}

/**
 * The settings recorded in a tensor file's metadata under the reference code's option names
 * (fixtures and recipe outputs: ngf, n_blocks, num_downs, conv_dim, c_dim, repeat_num, ...);
 * a field left out takes its default.
 */
export function settingsFromMetadata<S extends { family: string }>(family: GeneratorFamily<S>, meta: Readonly<Record<string, string>>): S {
  const read: Record<string, unknown> = {};
  for (const [key, field] of entries(family)) {
    const text = meta[field.name];
    if (text === undefined) continue;
    read[key] = field.kind === 'count' ? (/^\d+$/.test(text) ? Number(text) : Number.NaN) : field.kind === 'flag' ? { true: true, false: false }[text] : text;
  }
  const done = completeSettings(family, fieldDefaults(family), read);
  if (done.ok) return done.settings;
  const problems = [
    ...done.missing.map((f) => `lacks ${f.kind === 'count' ? 'a whole number ' : ''}"${f.name}"`),
    ...done.invalid.map((i) => `${i.field.name} = "${meta[i.field.name]}" is ${i.why}`),
  ];
  throw new Error(`metadata ${problems.join('; ')}`);
}

/** Whether a description without this setting means its default and is kept that way (see ChoiceField.addedLater). */
function isAddedLater(field: Field): boolean {
  return field.kind === 'choice' && field.addedLater === true;
}

function fieldSchema(field: Field): z.ZodType {
  const base: z.ZodType = field.kind === 'count' ? z.number().int().min(field.min).max(field.max) : field.kind === 'flag' ? z.boolean() : z.enum(field.values as [string, ...string[]]);
  if (isAddedLater(field)) return base.optional();
  // A description may leave out what has a default (a setting added after the manifest was written).
  return field.default === undefined ? base : base.default(field.default);
}

/** The manifest schema of one family's settings: every field, within its limits, nothing else. */
export function settingsSchema<S extends { family: string }>(family: GeneratorFamily<S>): z.ZodObject {
  const shape: Record<string, z.ZodType> = { family: z.literal(family.name) };
  for (const [key, field] of entries(family)) shape[key] = fieldSchema(field);
  return z.object(shape).strict();
}
