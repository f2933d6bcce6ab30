import type { ModelSummary } from '../../../electron/contract/ipc.js';
import type { AttributePreset } from '../../../electron/contract/settings.js';
import { PRESET_NAME_MAX, PRESETS_PER_MODEL_MAX } from '../../../electron/contract/settings.js';

export type AttributeValues = Record<string, number>;
export type AttributeSpecView = ModelSummary['attributes'][number];

/** The manifest defaults of every attribute. */
export function defaultValues(model: ModelSummary): AttributeValues {
  return Object.fromEntries(model.attributes.map((a) => [a.name, a.default]));
}

/** Slider steps: a hundred across the range. */
export function stepOf(spec: AttributeSpecView): number {
  return (spec.max - spec.min) / 100;
}

/** A value on the slider's grid and within its range (presets saved for an older manifest). */
export function clampValue(spec: AttributeSpecView, value: number): number {
  if (!Number.isFinite(value)) return spec.default;
  const step = stepOf(spec);
  const snapped = spec.min + Math.round((value - spec.min) / step) * step;
  return Number(Math.min(spec.max, Math.max(spec.min, snapped)).toFixed(6));
}

/** A preset's values for this model: unknown names dropped, missing ones at their default. */
export function valuesFromPreset(model: ModelSummary, preset: AttributePreset): AttributeValues {
  return Object.fromEntries(model.attributes.map((a) => [a.name, clampValue(a, preset.values[a.name] ?? a.default)]));
}

/** The label a slider shows: the manifest's, else the name in words (Black_Hair -> Black hair). */
export function attributeLabel(spec: AttributeSpecView): string {
  if (spec.label !== undefined) return spec.label;
  const words = spec.name.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Two decimals for unit ranges, fewer for wide ones. */
export function formatValue(spec: AttributeSpecView, value: number): string {
  const range = spec.max - spec.min;
  return value.toFixed(range >= 100 ? 0 : range >= 10 ? 1 : 2);
}

export function sameValues(a: AttributeValues, b: AttributeValues): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

/** Why a preset name cannot be saved, or null when it can (a same name replaces that preset). */
export function presetNameProblem(name: string, existing: readonly AttributePreset[]): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Give the preset a name.';
  if (trimmed.length > PRESET_NAME_MAX) return `At most ${PRESET_NAME_MAX} characters.`;
  const replaces = existing.some((p) => p.name.toLowerCase() === trimmed.toLowerCase());
  if (!replaces && existing.length >= PRESETS_PER_MODEL_MAX) return `A model keeps at most ${PRESETS_PER_MODEL_MAX} presets; delete one first.`;
  return null;
}

/** The list with the preset added, or replacing the one of the same name in its place. */
export function withPreset(existing: readonly AttributePreset[], name: string, values: AttributeValues): AttributePreset[] {
  const preset = { name: name.trim(), values: { ...values } };
  const at = existing.findIndex((p) => p.name.toLowerCase() === preset.name.toLowerCase());
  if (at < 0) return [...existing, preset];
  return existing.map((p, i) => (i === at ? preset : p));
}
